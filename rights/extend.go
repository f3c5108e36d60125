package rights

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Extend extends the request's period by the regime's extension (GDPR
// Art. 12(3): "by two further months where necessary, taking into account
// the complexity and number of the requests"), once, and only before the
// first period ends, with reasons: one line, custos.GroundRule, no personal
// data. Due becomes the period and the extension counted from receipt. It
// refuses with ErrExtension, changing nothing, an extension after the first
// period, without reasons, a second one with other reasons, of a closed
// request, or under a regime that provides none. Extending again with the
// same reasons changes nothing.
//
// The person is told through the outbox (ExtensionNotice), after the
// extension is stored; if that fails, Extend returns the error and
// extending again with the same reasons enqueues the notice, once.
func (d *Desk) Extend(ctx context.Context, acc custos.Access, id string, reasons string) (Request, error) {
	if reasons == "" {
		return Request{}, fmt.Errorf("%w: no reasons (GDPR Art. 12(3))", ErrExtension)
	}
	if err := checkText("extension reasons", reasons); err != nil {
		return Request{}, fmt.Errorf("%w: %w", ErrExtension, err)
	}
	r, err := d.advance(ctx, acc, id, func(r *Request, now time.Time) (Entry, bool, error) {
		switch {
		case r.Extension == reasons:
			return Entry{}, false, nil
		case r.Extension != "":
			return Entry{}, false, fmt.Errorf("%w: already extended", ErrExtension)
		case r.State.Closed():
			return Entry{}, false, fmt.Errorf("%w: request is %s", ErrExtension, r.State)
		case !now.Before(r.FirstDue):
			return Entry{}, false, fmt.Errorf("%w: the first period ended %s (GDPR Art. 12(3))", ErrExtension, r.FirstDue.Format(time.RFC3339))
		}
		g, ok := d.regimes[r.Regime]
		if !ok {
			return Entry{}, false, fmt.Errorf("%w: %q", ErrUnknownRegime, safe(r.Regime))
		}
		if g.Extension.IsZero() {
			return Entry{}, false, fmt.Errorf("%w: regime %s provides no extension", ErrExtension, g.Name)
		}
		r.Extension, r.Due = reasons, g.ExtendedDue(r.Received)
		return Entry{Step: StepExtended, Reason: reasons}, true, nil
	})
	if err != nil {
		return r, err
	}
	return r, d.notifyExtension(ctx, acc, r)
}
