package rights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// change is a step a desk operation decides on the request as stored:
// it changes *r and returns the entry to append, or ok false when the step
// is already taken (a rerun), or an error refusing it.
type change func(r *Request, now time.Time) (e Entry, ok bool, err error)

// conflictAttempts bounds the retries of a step that loses a race to
// another process advancing the same request.
const conflictAttempts = 5

// advance applies one step to request id: it reads the request, lets
// decide change it, records the step's audit event, then stores the
// request with the new history entry (fail closed). A step another
// process took meanwhile is decided again on the new state.
func (d *Desk) advance(ctx context.Context, acc custos.Access, id string, decide change) (Request, error) {
	if err := acc.Validate(); err != nil {
		return Request{}, err
	}
	for range conflictAttempts {
		r, err := d.store.Get(ctx, id)
		if err != nil {
			return Request{}, fmt.Errorf("rights: read request: %w", err)
		}
		now := d.now()
		next := r
		e, ok, err := decide(&next, now)
		if err != nil || !ok {
			return r, err
		}
		next.Version = r.Version + 1
		e.Request, e.Seq, e.At, e.State = r.ID, next.Version, now, next.State
		e.Actor, e.Role = acc.Actor.ID, acc.Actor.Role
		ev := event(acc, next, e)
		if err := d.record(ctx, ev); err != nil {
			return r, err
		}
		err = d.store.Advance(ctx, next, e)
		switch {
		case err == nil, d.committed(ctx, e):
			return next, nil
		case errors.Is(err, ErrConflict):
			d.notCommitted(ctx, ev)
			continue
		default:
			d.notCommitted(ctx, ev)
			return r, fmt.Errorf("rights: store step: %w", err)
		}
	}
	return Request{}, fmt.Errorf("%w: request %s kept changing", ErrConflict, id)
}

// move checks that r may move to state to, then moves it.
func move(r *Request, to State) error {
	if r.State.Closed() {
		return fmt.Errorf("%w: request is %s", ErrState, r.State)
	}
	if !r.State.allows(to) {
		if r.State == Received && (to == InProgress || to.Closed()) {
			return fmt.Errorf("%w: request is %s", ErrNotVerified, r.State)
		}
		return fmt.Errorf("%w: %s cannot become %s", ErrState, r.State, to)
	}
	r.State = to
	return nil
}

// committed reports whether entry e is in its request's history: a store
// call that failed after its commit (the connection dropped on the way
// back) did take the step, and the caller goes on as if it had not failed,
// so that what follows the step (writing a document) is not lost.
func (d *Desk) committed(ctx context.Context, e Entry) bool {
	h, err := d.store.History(ctx, e.Request)
	if err != nil || int64(len(h)) < e.Seq {
		return false
	}
	got := h[e.Seq-1]
	return got.Seq == e.Seq && got.Step == e.Step && got.Act == e.Act && got.At.Equal(e.At) && got.Actor == e.Actor && got.Detail == e.Detail && got.Reason == e.Reason
}
