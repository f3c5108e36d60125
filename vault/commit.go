package vault

import (
	"context"
	"errors"

	"github.com/custos-go/custos"
)

// change makes one write under the rule that writes fail closed: its audit
// event is durable before the change commits. prepare reads and checks
// what the change needs and returns apply, which commits it, or nil apply
// when there is nothing to change. A failure of prepare is recorded as the
// operation's outcome and returned; a failure to record the event returns
// an error wrapping ErrAudit before anything changed. If apply then fails,
// a second event (Outcome error, Reason "not-committed") is recorded best
// effort. apply failing with ErrConflict, another writer having changed the
// record meanwhile, runs prepare and apply again, up to five times in all,
// under the one event. prepare may complete ev, such as its Fields.
func (v *Vault) change(ctx context.Context, ev *custos.Event, prepare func() (apply func() error, err error)) error {
	recorded := false
	for range 5 {
		apply, err := prepare()
		switch {
		case err != nil && !recorded:
			return v.event(ctx, *ev, err)
		case err != nil:
			v.notCommitted(ctx, *ev, "not-committed")
			return err
		case apply == nil:
			if recorded {
				v.notCommitted(ctx, *ev, "not-committed")
			}
			return nil
		}
		if !recorded {
			if err := v.event(ctx, *ev, nil); err != nil {
				return err
			}
			recorded = true
		}
		err = apply()
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			v.notCommitted(ctx, *ev, "not-committed")
			return err
		}
	}
	v.notCommitted(ctx, *ev, "not-committed")
	return ErrConflict
}

// notCommitted records, best effort, that the change ev announced did not
// commit.
func (v *Vault) notCommitted(ctx context.Context, ev custos.Event, reason string) {
	ev.Time, ev.Outcome, ev.Basis, ev.Reason = v.now(), custos.OutcomeError, custos.BasisUnknown, reason
	if err := v.rec.Record(ctx, ev); err != nil {
		v.log.Error("vault: audit event of a failed change not recorded", "action", string(ev.Action))
	}
}
