package rights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Verify asks the Verifier to verify the requester of request id and, when
// it does, records the method and evidence reference and moves the request
// to Verified (rule R8). Nothing is fulfilled before. A verifier that does
// not verify leaves the request Received and the error wraps
// ErrVerification; the operator may then Refuse it (GDPR Art. 12(6)).
// Verifying a verified request again changes nothing and returns it.
func (d *Desk) Verify(ctx context.Context, acc custos.Access, id string) (Request, error) {
	r, err := d.Get(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if r.State != Received {
		if !r.Identity.IsZero() {
			return r, nil
		}
		return Request{}, fmt.Errorf("%w: request is %s", ErrState, r.State)
	}
	id2, err := d.verifier.Verify(ctx, r)
	if err != nil {
		if errors.Is(err, ErrVerification) {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("rights: verifier: %w", err)
	}
	id2.At = time.Time{}
	if err := id2.validate(); err != nil {
		return Request{}, err
	}
	return d.advance(ctx, acc, id, func(r *Request, now time.Time) (Entry, bool, error) {
		if !r.Identity.IsZero() {
			return Entry{}, false, nil
		}
		if err := move(r, Verified); err != nil {
			return Entry{}, false, err
		}
		id2.At = now
		r.Identity = id2
		return Entry{Step: StepVerified, Reason: id2.Method}, true, nil
	})
}

// Start moves a verified request to InProgress. Fulfilment starts it by
// itself; Start records that an operator took it up. Starting a request
// in progress changes nothing. It fails with ErrNotVerified before
// verification.
func (d *Desk) Start(ctx context.Context, acc custos.Access, id string) (Request, error) {
	return d.advance(ctx, acc, id, startChange)
}

func startChange(r *Request, _ time.Time) (Entry, bool, error) {
	if r.State == InProgress {
		return Entry{}, false, nil
	}
	if err := move(r, InProgress); err != nil {
		return Entry{}, false, err
	}
	return Entry{Step: StepStarted}, true, nil
}
