package retention

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
)

// ConsentRecorder is the consent registry's Recorder with retention
// listening in: every event goes to the audit Recorder it wraps, and a
// committed end of a consent (withdrawal, revocation, expiry,
// invalidation) then starts the clocks of the rules that start on the
// withdrawal of that purpose (PIPL Art. 15, 47(1)(3); NDSR Art. 24). Give
// it as consent.Config.Recorder, and the host never has to report a
// withdrawal twice.
//
// The registry records an act that ends processing after it stored it, so
// the events ConsentRecorder sees are of withdrawals that happened. If the
// clock cannot be stored, Record returns an error wrapping ErrAudit after
// the audit event was recorded: the withdrawal stands and is audited, the
// registry reports the failure, and the host reports the withdrawal with
// Retention.Report (EventConsentWithdrawn); reporting it twice is harmless.
type ConsentRecorder struct {
	clocks
	next Recorder
}

// NewConsentRecorder returns a ConsentRecorder for the rules of p, storing
// clocks in s and forwarding every event to next.
func NewConsentRecorder(p Policy, s Store, next Recorder) (*ConsentRecorder, error) {
	for _, r := range p.Rules {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	if s == nil || next == nil {
		return nil, fmt.Errorf("%w: ConsentRecorder needs a Store and a Recorder", ErrConfig)
	}
	return &ConsentRecorder{clocks: clocks{rules: p.Rules, store: s}, next: next}, nil
}

// ends lists the consent acts that end a live consent.
func ends(a custos.Action) bool {
	switch a {
	case custos.ActionConsentWithdraw, custos.ActionConsentRevoke, custos.ActionConsentExpire, custos.ActionConsentInvalidate:
		return true
	}
	return false
}

// Record forwards e, then starts clocks if e is a consent that ended.
func (c *ConsentRecorder) Record(ctx context.Context, e custos.Event) error {
	if err := c.next.Record(ctx, e); err != nil {
		return err
	}
	if !ends(e.Action) || e.Outcome != custos.OutcomeAllowed || e.Subject == "" {
		return nil
	}
	ev := Event{Subject: e.Subject, Kind: EventConsentWithdrawn, Purpose: e.Access.Purpose, At: e.Time}
	if _, err := c.start(ctx, ev); err != nil {
		return fmt.Errorf("%w: consent ended but its retention clock was not stored (report it with Retention.Report): %w", ErrAudit, err)
	}
	return nil
}
