package retention

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Audit actions of holds.
const (
	ActionHoldPlace   custos.Action = "retention.hold.place"
	ActionHoldRelease custos.Action = "retention.hold.release"
)

// maxHoldSubjects bounds the customers one hold names; a hold over more
// names record types or everyone.
const maxHoldSubjects = 10000

// Place places a legal hold: from h.Start (now when zero) until h.End
// (zero: until released) no customer in its scope is destroyed by a sweep
// or unrestricted by retention, whatever their clocks say. acc is who
// places it; h.Owner defaults to acc's actor. The hold's audit event is
// recorded before the hold is stored, so a hold no one can account for
// never exists; the stored hold, with its new ID, is returned.
//
// A hold without owner or reason, with an invalid customer or record type
// in its scope, or ending before it starts is refused with an error
// wrapping ErrHold, and nothing is stored or recorded.
func (r *Retention) Place(ctx context.Context, acc custos.Access, h Hold) (Hold, error) {
	if err := acc.Validate(); err != nil {
		return Hold{}, err
	}
	if h.Start.IsZero() {
		h.Start = r.now()
	}
	h.ID, h.Released, h.ReleasedBy = newHoldID(), time.Time{}, ""
	if err := r.checkHold(h); err != nil {
		return Hold{}, err
	}
	ev := custos.Event{Time: r.now(), Action: ActionHoldPlace, Access: acc, Outcome: custos.OutcomeAllowed, Detail: "hold " + h.ID}
	if len(h.Subjects) == 1 {
		ev.Subject = h.Subjects[0]
	}
	if err := r.rec.Record(ctx, ev); err != nil {
		return Hold{}, fmt.Errorf("%w: %w", ErrAudit, err)
	}
	if err := r.store.PutHold(ctx, h); err != nil {
		ev.Outcome, ev.Reason = custos.OutcomeError, "not-committed"
		r.rec.Record(ctx, ev) // best effort: the hold was not placed anyway
		return Hold{}, fmt.Errorf("retention: store hold: %w", err)
	}
	return h, nil
}

func (r *Retention) checkHold(h Hold) error {
	if err := (custos.Access{Actor: custos.Actor{ID: h.Owner, Role: "owner"}, Purpose: "hold"}).Validate(); err != nil {
		return fmt.Errorf("%w: owner: %w", ErrHold, err)
	}
	if err := custos.GroundRule.Check(h.Reason); err != nil {
		return fmt.Errorf("%w: reason: %w", ErrHold, err)
	}
	if len(h.Subjects) > maxHoldSubjects {
		return fmt.Errorf("%w: more than %d customers; name record types or everyone instead", ErrHold, maxHoldSubjects)
	}
	for _, s := range h.Subjects {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrHold, err)
		}
	}
	for _, t := range h.RecordTypes {
		if !slices.ContainsFunc(r.rules, func(x Rule) bool { return x.RecordType == t }) {
			return fmt.Errorf("%w: record type %q is not in the policy", ErrHold, safeName(t))
		}
	}
	if !h.End.IsZero() && !h.End.After(h.Start) {
		return fmt.Errorf("%w: ends before it starts", ErrHold)
	}
	return nil
}

// Release releases the hold id: acc is who releases it. Releasing an
// unknown hold fails with ErrUnknownHold, and a released one with
// ErrReleased; nothing is changed or recorded then. The release is
// recorded before it is stored.
func (r *Retention) Release(ctx context.Context, acc custos.Access, id string) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	h, err := r.store.GetHold(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrUnknownHold
	case err != nil:
		return fmt.Errorf("retention: read hold: %w", err)
	case !h.Released.IsZero():
		return ErrReleased
	}
	now := r.now()
	ev := custos.Event{Time: now, Action: ActionHoldRelease, Access: acc, Outcome: custos.OutcomeAllowed, Detail: "hold " + h.ID}
	if err := r.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	err = r.store.ReleaseHold(ctx, id, now, acc.Actor.ID)
	switch {
	case errors.Is(err, ErrConflict):
		err = ErrReleased // released meanwhile by someone else
	case errors.Is(err, ErrNotFound):
		err = ErrUnknownHold
	case err != nil:
		err = fmt.Errorf("retention: store release: %w", err)
	default:
		return nil
	}
	ev.Outcome, ev.Reason = custos.OutcomeError, "not-committed"
	r.rec.Record(ctx, ev) // best effort
	return err
}

// Hold returns the hold id, or ErrUnknownHold.
func (r *Retention) Hold(ctx context.Context, id string) (Hold, error) {
	h, err := r.store.GetHold(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Hold{}, ErrUnknownHold
	}
	return h, err
}

// holding returns the holds in force at t over a customer holding records
// of types.
func (r *Retention) holding(ctx context.Context, subject custos.SubjectID, types []string, t time.Time) ([]string, error) {
	hs, err := r.store.Holds(ctx, subject, t)
	if err != nil {
		return nil, fmt.Errorf("retention: read holds: %w", err)
	}
	var ids []string
	for _, h := range hs {
		if len(h.RecordTypes) == 0 || slices.ContainsFunc(h.RecordTypes, func(t string) bool { return slices.Contains(types, t) }) {
			ids = append(ids, h.ID)
		}
	}
	return ids, nil
}

func newHoldID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand.Read aborts the program instead
	return "hold-" + hex.EncodeToString(b[:])
}

// safeName returns n if it is a valid name, else a placeholder, so that a
// value passed where a name belongs is not echoed in an error.
func safeName(n string) string {
	if namePattern.MatchString(n) && !strings.ContainsAny(n, " ") {
		return n
	}
	return "(invalid name)"
}

// ListHolds lists every hold, released or not, by ID, read batch per
// store call (0 means 256). A store error ends the sequence with that
// error.
func (r *Retention) ListHolds(ctx context.Context, batch int) iter.Seq2[Hold, error] {
	return ListHoldsIn(ctx, r.store, batch)
}

// ListHoldsIn is Retention.ListHolds on a Store alone, for tools such as
// the operator command line.
func ListHoldsIn(ctx context.Context, store Store, batch int) iter.Seq2[Hold, error] {
	return paged(batch, "list holds", func(after Hold, _ bool, n int) ([]Hold, error) {
		return store.ListHolds(ctx, after.ID, n)
	})
}
