package rights

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// Submit records a request received from the customer, an agent or a close
// relative, in state Received, and starts its clock: Due is the regime's
// period after r.Received (rule R7 for GDPR). It returns the request as
// stored, with its ID.
//
// Submit is idempotent: the same request under the same key returns the
// stored request and records nothing more; other content under a used key
// is refused with ErrKeyReused. It refuses, changing nothing, a request
// that fails validation (ErrInvalidRequest, ErrRelation for a relative
// without a stated relation, PIPL Art. 49), names an unknown regime
// (ErrUnknownRegime) or was received in the future. Submit does not ask the
// vault whether it holds the customer: a request about a customer it does
// not hold is answered "no data held" when fulfilled.
//
// The step is recorded in the audit log before it is stored (ErrAudit:
// nothing stored).
func (d *Desk) Submit(ctx context.Context, acc custos.Access, r Request) (Request, error) {
	if err := acc.Validate(); err != nil {
		return Request{}, err
	}
	if err := r.validate(); err != nil {
		return Request{}, err
	}
	if err := d.checkPolicy(r); err != nil {
		return Request{}, err
	}
	g, ok := d.regimes[r.Regime]
	if !ok {
		return Request{}, fmt.Errorf("%w: %q", ErrUnknownRegime, safe(r.Regime))
	}
	now := d.now()
	r.Received = r.Received.UTC().Truncate(time.Microsecond)
	if r.Received.After(now.Add(d.tolerance)) {
		return Request{}, fmt.Errorf("%w: received in the future", ErrInvalidRequest)
	}
	r.Fields, r.Purposes = slices.Clone(r.Fields), slices.Clone(r.Purposes)
	r.ID = RequestID(r.Key)
	r.State, r.Version = Received, 1
	r.Due = g.Due(r.Received)
	r.FirstDue = r.Due
	r.Extension, r.Identity, r.Outcome, r.Closed, r.Answered = "", Identity{}, "", time.Time{}, ""

	got, err := d.store.Get(ctx, r.ID)
	switch {
	case err == nil:
		return d.same(got, r)
	case !errors.Is(err, ErrNotFound):
		return Request{}, fmt.Errorf("rights: read request: %w", err)
	}
	e := Entry{Request: r.ID, Seq: 1, At: now, Step: StepReceived, State: Received, Actor: acc.Actor.ID, Role: acc.Actor.Role}
	ev := event(acc, r, e)
	if err := d.record(ctx, ev); err != nil {
		return Request{}, err
	}
	got, created, err := d.store.Create(ctx, r, e)
	if err != nil {
		d.notCommitted(ctx, ev)
		return Request{}, fmt.Errorf("rights: store request: %w", err)
	}
	if !created {
		d.notCommitted(ctx, ev) // another desk stored it first
		return d.same(got, r)
	}
	return got, nil
}

// same returns the stored request if it asks what r asks.
func (d *Desk) same(stored, r Request) (Request, error) {
	if stored.Pseudonymised() {
		r.Subject, r.SubjectRef = "", refOf(d.pseudo, r.Subject)
	}
	if !sameContent(stored, r) {
		return Request{}, fmt.Errorf("%w: request %s", ErrKeyReused, stored.ID)
	}
	return stored, nil
}

// checkPolicy checks the request's fields and purposes against the schema
// and the registered purposes.
func (d *Desk) checkPolicy(r Request) error {
	for _, f := range r.Fields {
		if _, err := d.field(f); err != nil {
			return err
		}
	}
	for _, id := range r.Purposes {
		p, ok := d.purposes[id]
		switch {
		case !ok:
			return fmt.Errorf("%w: purpose %q is not registered", ErrInvalidRequest, safe(string(id)))
		case r.Kind == Withdrawal && p.Basis != custos.BasisConsent:
			return fmt.Errorf("%w: purpose %s rests on %s, not consent: nothing to withdraw", ErrInvalidRequest, id, p.Basis)
		}
	}
	return nil
}
