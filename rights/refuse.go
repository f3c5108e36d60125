package rights

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Refuse closes the request as Refused with its reason: one line,
// custos.GroundRule, no personal data (rule R6; PIPL Art. 50; GDPR Art.
// 12(4)). The answer tells the person the reason and their right to
// complain to the authority or go to court. A request may be refused in
// any open state, before verification too (the identity could not be
// verified). It refuses with ErrNoReason a refusal without reason, and
// with ErrState one of a closed request; refusing a refused request again
// with the same reason changes nothing. The answer notice
// (notify.RequestAnswer, which states the right to complain) is enqueued
// once the refusal is stored; if that fails, refusing again with the same
// reason enqueues it, once.
func (d *Desk) Refuse(ctx context.Context, acc custos.Access, id string, reason string) (Request, error) {
	if reason == "" {
		return Request{}, fmt.Errorf("%w: a refusal states its reason (PIPL Art. 50; GDPR Art. 12(4))", ErrNoReason)
	}
	if err := checkText("refusal reason", reason); err != nil {
		return Request{}, fmt.Errorf("%w: %w", ErrNoReason, err)
	}
	r, err := d.Get(ctx, id)
	if err != nil {
		return Request{}, err
	}
	ref, err := d.closingRef(ctx, r)
	if err != nil {
		return Request{}, err
	}
	r, err = d.advance(ctx, acc, id, closeChange(Refused, reason, ref))
	if err != nil {
		return r, err
	}
	ans, err := d.answer(ctx, acc, r)
	return ans.Request, err
}

// closeChange closes a request in state to with outcome; a ref not empty
// replaces the customer, whom the vault forgot (see Eraser).
func closeChange(to State, outcome, ref string) change {
	return func(r *Request, now time.Time) (Entry, bool, error) {
		if r.State == to && r.Outcome == outcome {
			return Entry{}, false, nil
		}
		if to != Refused && r.State == Verified {
			if _, _, err := startChange(r, now); err != nil {
				return Entry{}, false, err
			}
		}
		if err := move(r, to); err != nil {
			return Entry{}, false, err
		}
		r.Outcome, r.Closed = outcome, now
		if ref != "" {
			r.Subject, r.SubjectRef = "", ref
		}
		step := map[State]Step{Fulfilled: StepFulfilled, PartiallyFulfilled: StepPartial, Refused: StepRefused}[to]
		return Entry{Step: step, Reason: outcome}, true, nil
	}
}
