package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/storetest"
)

// respond is the whole response: open, scope, revoke, restrict, report to
// each regulator, notify the customers, contain, recover and close. Every
// step is idempotent, so a rerun after any failure completes it.
func respond(f *fixture) error {
	ctx := context.Background()
	if _, err := f.reg.Open(ctx, responder, incident.Incident{ID: "INC-1", Detected: t0, Aware: t0.Add(10 * time.Minute), Kind: incident.KindLeak, Cause: "bulk read"}); err != nil {
		return err
	}
	if _, err := f.reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Actor: insider.Actor.ID, From: t0, To: t0.Add(time.Hour)}); err != nil {
		return err
	}
	if _, err := f.reg.Revoke(ctx, responder, "INC-1", insider.Actor.ID); err != nil {
		return err
	}
	if _, err := f.reg.RestrictAffected(ctx, responder, "INC-1"); err != nil {
		return err
	}
	for _, o := range []string{"cac-initial", "gdpr-initial", "pipl-initial"} {
		if _, err := f.reg.Report(ctx, responder, "INC-1", o); err != nil {
			return err
		}
	}
	if _, err := f.reg.NotifyCustomers(ctx, responder, "INC-1"); err != nil {
		return err
	}
	if _, err := f.reg.Advance(ctx, responder, "INC-1", incident.StateRecovered, "access reviewed"); err != nil {
		return err
	}
	_, err := f.reg.Close(ctx, responder, "INC-1", "night reads need a second approver")
	return err
}

// end is what a response leaves: the incident, its timeline's actions, the
// affected set, the messages in the outbox and the revocation.
type end struct {
	State    incident.State
	People   int64
	Actions  []string
	Affected []custos.SubjectID
	Messages int
	Revoked  bool
}

func endOf(t *testing.T, f *fixture) end {
	ctx := context.Background()
	s := f.snapshot("INC-1")
	e := end{State: s.inc.State, People: s.inc.People, Affected: s.affected}
	for _, x := range s.timeline {
		e.Actions = append(e.Actions, x.Action)
	}
	st, err := f.outbox.Status(ctx)
	require.NoError(t, err)
	e.Messages = st.ByState[notify.StatePending]
	_, e.Revoked, err = f.db.Incident().Revoked(ctx, insider.Actor.ID)
	require.NoError(t, err)
	return e
}

// setup is the state before the incident: customers, and the insider's
// night reads.
func setup(t *testing.T) *fixture {
	f := newFixture(t)
	f.reads(insider, f.customers(3)...)
	f.set(t0.Add(2 * time.Hour))
	return f
}

// TestResponseSurvivesAnyFault fails each store call of the response in
// turn, before and after it takes effect, then reruns the response in a
// new process: it ends in the state a response without faults reaches,
// with every step once on the timeline and no notice enqueued twice.
func TestResponseSurvivesAnyFault(t *testing.T) {
	ref := setup(t)
	require.NoError(t, respond(ref))
	want := endOf(t, ref)
	require.Equal(t, incident.StateClosed, want.State)
	require.Equal(t, 3+3, want.Messages, "three notices and three reports")
	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 2000, func(t *testing.T, faults *storetest.Faults) {
			f := setup(t)
			err := f.start(faults)
			if err == nil {
				err = respond(f)
			}
			faults.Disarm()
			if faults.Fired() > 0 {
				assert.Error(t, err, "a failed store call (%s) is reported", faults.Last())
			}
			f.build(nil)
			require.NoError(t, respond(f), "the rerun completes after a fault in %s (first run: %v)", faults.Last(), err)
			got := endOf(t, f)
			assert.Equal(t, want, got, "after a fault in %s", faults.Last())
		})
	}
}
