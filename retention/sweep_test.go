package retention_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// lifecycle reports, for customer c-1, the end of the lease relationship,
// a transaction and the withdrawal of marketing consent, all at t0.
func lifecycle(t *testing.T, f *fixture, r *retention.Retention, subject custos.SubjectID) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, r.Report(ctx, retention.Event{Subject: subject, Kind: retention.EventRelationshipEnded, At: t0}))
	require.NoError(t, r.Report(ctx, retention.Event{Subject: subject, Kind: retention.EventTransaction, At: t0}))
	require.NoError(t, r.Report(ctx, retention.Event{Subject: subject, Kind: retention.EventConsentWithdrawn, Purpose: "marketing", At: t0}))
}

func sweepAt(t *testing.T, r *retention.Retention, at time.Time) (retention.Progress, []retention.Outcome) {
	t.Helper()
	var out []retention.Outcome
	p, err := r.Sweep(context.Background(), retention.SweepOptions{At: at, Outcome: func(o retention.Outcome) error {
		out = append(out, o)
		return nil
	}})
	require.NoError(t, err)
	return p, out
}

func TestSweepAppliesThePolicyOverTheYears(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity", "transaction", "marketing")
	f.customer("c-2", "identity", "transaction")
	lifecycle(t, f, r, "c-1")
	f.now = t0.Add(time.Hour)

	// The relationship ended: AML Art. 34 keeps identity records, in
	// storage-only state; marketing may go but the customer cannot be
	// destroyed while identity and transactions must stay.
	p, out := sweepAt(t, r, t0.AddDate(0, 0, 2))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Restricted, out[0].Kind)
	assert.Equal(t, []string{"marketing-consent"}, out[0].Rules)
	assert.Contains(t, out[0].Why, "aml-identity (AML Art. 34)")
	assert.Equal(t, int64(1), p.Restricted)
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))
	assert.Equal(t, custos.SubjectActive, f.state("c-2"), "a customer without clocks is not touched")
	restr, err := f.vault.Restriction(ctx, custos.Access{Actor: sweeper, Purpose: "retention"}, "c-1")
	require.NoError(t, err)
	assert.Contains(t, restr.Ground, "AML Art. 34")

	_, out = sweepAt(t, r, t0.AddDate(5, 0, 0))
	assert.Empty(t, out, "nothing is due before the statutory minimum ends")

	// Ten years on, the transaction records may go, identity one more year.
	_, out = sweepAt(t, r, t0.AddDate(10, 0, 0))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Waiting, out[0].Kind)
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))

	f.now = t0.AddDate(11, 0, 1)
	p, out = sweepAt(t, r, t0.AddDate(11, 0, 1))
	require.Len(t, out, 1)
	o := out[0]
	assert.Equal(t, retention.Destroyed, o.Kind)
	assert.Equal(t, []string{"aml-identity", "aml-transaction", "marketing-consent"}, o.Rules)
	require.NotNil(t, o.Certificate)
	assert.Equal(t, f.ref("c-1"), o.Certificate.SubjectRef)
	assert.Equal(t, "retention-sweeper", o.Certificate.Actor)
	assert.Equal(t, custos.PurposeID("retention"), o.Certificate.Purpose)
	assert.Contains(t, o.Certificate.Ground, "AML Art. 34")
	assert.Equal(t, int64(1), p.Destroyed)
	assert.Equal(t, custos.SubjectForgotten, f.state("c-1"))
	assert.Equal(t, custos.SubjectActive, f.state("c-2"))

	d, err := f.db.Retention().GetDestruction(ctx, f.ref("c-1"))
	require.NoError(t, err)
	var kept vault.Certificate
	require.NoError(t, json.Unmarshal(d.Certificate, &kept))
	assert.Equal(t, *o.Certificate, kept, "the certificate is kept whole")
	clocks, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, clocks)

	_, out = sweepAt(t, r, t0.AddDate(12, 0, 0))
	assert.Empty(t, out, "a destroyed customer has no clock left")
	assert.Equal(t, map[custos.SubjectID]int{"c-1": 1}, f.forgets())
}

func TestSweepDryRunChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity", "transaction", "marketing")
	lifecycle(t, f, r, "c-1")
	before, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	events := len(f.events.Events())

	var out []retention.Outcome
	at := t0.AddDate(11, 0, 1)
	p, err := r.Sweep(ctx, retention.SweepOptions{At: at, DryRun: true, Outcome: func(o retention.Outcome) error { out = append(out, o); return nil }})
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Equal(t, retention.Destroyed, out[0].Kind, "what would happen")
	assert.Contains(t, out[0].Why, "retention period expired")
	assert.Nil(t, out[0].Certificate)
	assert.Equal(t, int64(1), p.Destroyed)

	after, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, custos.SubjectActive, f.state("c-1"))
	for _, e := range f.events.Events()[events:] {
		assert.Equal(t, custos.ActionState, e.Action, "only the reads of the customer's state are audited: nothing done")
	}
	mark, err := f.db.Retention().SweepMark(ctx)
	require.NoError(t, err)
	assert.True(t, mark.IsZero(), "a dry run is not a sweep")
}

func TestSweepRefusesAClockBehindTheLastSweep(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity", "transaction", "marketing")
	lifecycle(t, f, r, "c-1")
	sweepAt(t, r, t0.AddDate(10, 6, 0))
	f.customer("c-2", "transaction")
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-2", Kind: retention.EventTransaction, At: t0}))
	before, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)

	_, err = r.Sweep(ctx, retention.SweepOptions{At: t0.AddDate(10, 5, 0)})
	assert.ErrorIs(t, err, retention.ErrClockBehind)
	assert.Equal(t, custos.SubjectActive, f.state("c-2"), "nothing destroyed")
	after, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, before, after, "no clock moved")
	mark, err := f.db.Retention().SweepMark(ctx)
	require.NoError(t, err)
	assert.Equal(t, t0.AddDate(10, 6, 0), mark)
}

func TestHoldKeepsACustomerFromDestruction(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	for _, s := range []custos.SubjectID{"c-1", "c-2"} {
		f.customer(s, "transaction")
		require.NoError(t, r.Report(ctx, retention.Event{Subject: s, Kind: retention.EventTransaction, At: t0}))
	}
	h, err := r.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case 2036-civil-0042", Subjects: []custos.SubjectID{"c-1"}})
	require.NoError(t, err)
	assert.NotEmpty(t, h.ID)

	_, out := sweepAt(t, r, t0.AddDate(10, 0, 1))
	kinds := map[custos.SubjectID]retention.OutcomeKind{}
	for _, o := range out {
		kinds[o.Subject] = o.Kind
	}
	assert.Equal(t, map[custos.SubjectID]retention.OutcomeKind{"c-1": retention.Held, "c-2": retention.Destroyed}, kinds)
	assert.Equal(t, custos.SubjectActive, f.state("c-1"), "the hold wins over the clock")

	require.NoError(t, r.Release(ctx, counsel, h.ID))
	_, out = sweepAt(t, r, t0.AddDate(10, 0, 2))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Destroyed, out[0].Kind)
	assert.Equal(t, custos.SubjectForgotten, f.state("c-1"))

	var actions []custos.Action
	for _, e := range f.events.Events() {
		if e.Action == retention.ActionHoldPlace || e.Action == retention.ActionHoldRelease {
			actions = append(actions, e.Action)
		}
	}
	assert.Equal(t, []custos.Action{retention.ActionHoldPlace, retention.ActionHoldRelease}, actions, "placing and releasing are audited")
}

func TestHoldByRecordTypeAndEveryone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "transaction")
	f.customer("c-2", "transaction")
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0}))
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-2", Kind: retention.EventTransaction, At: t0}))
	_, err := r.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "regulator inquiry", RecordTypes: []string{"transaction"}})
	require.NoError(t, err)
	_, out := sweepAt(t, r, t0.AddDate(10, 0, 1))
	require.Len(t, out, 2)
	for _, o := range out {
		assert.Equal(t, retention.Held, o.Kind)
	}
	assert.Empty(t, f.forgets())
}

func TestBadHoldsAndReleasesChangeNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	tests := []struct {
		name string
		h    retention.Hold
	}{
		{"no owner", retention.Hold{Reason: "court case"}},
		{"no reason", retention.Hold{Owner: "staff-007"}},
		{"blank reason", retention.Hold{Owner: "staff-007", Reason: "   "}},
		{"reason with a control character", retention.Hold{Owner: "staff-007", Reason: "case\x00"}},
		{"unknown record type", retention.Hold{Owner: "staff-007", Reason: "case", RecordTypes: []string{"vehicle"}}},
		{"invalid customer", retention.Hold{Owner: "staff-007", Reason: "case", Subjects: []custos.SubjectID{"a b"}}},
		{"ends before it starts", retention.Hold{Owner: "staff-007", Reason: "case", Start: t0, End: t0.Add(-time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := len(f.events.Events())
			_, err := r.Place(ctx, counsel, tt.h)
			assert.ErrorIs(t, err, retention.ErrHold)
			holds, herr := f.db.Retention().Holds(ctx, "c-1", t0.AddDate(1, 0, 0))
			require.NoError(t, herr)
			assert.Empty(t, holds, "no hold stored")
			assert.Len(t, f.events.Events(), events, "nothing recorded")
		})
	}

	h, err := r.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "case"})
	require.NoError(t, err)
	require.NoError(t, r.Release(ctx, counsel, h.ID))
	events := len(f.events.Events())
	assert.ErrorIs(t, r.Release(ctx, counsel, h.ID), retention.ErrReleased)
	assert.ErrorIs(t, r.Release(ctx, counsel, "hold-unknown"), retention.ErrUnknownHold)
	got, err := r.Hold(ctx, h.ID)
	require.NoError(t, err)
	assert.Equal(t, t0, got.Released, "the first release stands")
	assert.Len(t, f.events.Events(), events, "refused releases record nothing")
}

func TestReportRefusesBadEvents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity")
	f.customer("c-gone", "identity")
	_, err := f.vault.Forget(ctx, custos.Access{Actor: sweeper, Purpose: "retention"}, "c-gone", vault.Erasure{Ground: "test"})
	require.NoError(t, err)
	tests := []struct {
		name string
		e    retention.Event
		want error
	}{
		{"undeclared kind", retention.Event{Subject: "c-1", Kind: 42, At: t0}, retention.ErrEvent},
		{"withdrawal without purpose", retention.Event{Subject: "c-1", Kind: retention.EventConsentWithdrawn, At: t0}, retention.ErrEvent},
		{"purpose on another kind", retention.Event{Subject: "c-1", Kind: retention.EventTransaction, Purpose: "marketing", At: t0}, retention.ErrEvent},
		{"no time", retention.Event{Subject: "c-1", Kind: retention.EventTransaction}, retention.ErrEvent},
		{"in the future beyond the tolerance", retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0.Add(time.Hour)}, retention.ErrEvent},
		{"no rule starts on it", retention.Event{Subject: "c-1", Kind: retention.EventLastActivity, At: t0}, retention.ErrEvent},
		{"before the customer existed", retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0.Add(-time.Second)}, retention.ErrEvent},
		{"unknown customer", retention.Event{Subject: "c-none", Kind: retention.EventTransaction, At: t0}, retention.ErrUnknownSubject},
		{"forgotten customer", retention.Event{Subject: "c-gone", Kind: retention.EventTransaction, At: t0}, retention.ErrForgotten},
		{"invalid customer", retention.Event{Subject: "c 1", Kind: retention.EventTransaction, At: t0}, custos.ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Report(ctx, tt.e)
			assert.ErrorIs(t, err, tt.want)
			for _, s := range []custos.SubjectID{"c-1", "c-none", "c-gone"} {
				clocks, cerr := f.db.Retention().Clocks(ctx, s)
				require.NoError(t, cerr)
				assert.Empty(t, clocks, "no clock started")
			}
		})
	}
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0.Add(time.Minute)}), "within the tolerance")
}

func TestReportKeepsTheLatestStart(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.now = t0.AddDate(-1, 0, 0)
	f.customer("c-1", "transaction")
	f.now = t0
	later := t0.AddDate(0, -1, 0)
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: later}))
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: later.AddDate(0, 0, -10)}))
	clocks, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	require.Len(t, clocks, 1)
	assert.Equal(t, later, clocks[0].Started, "a late report of an earlier transaction does not shorten the clock")
	assert.Equal(t, later.AddDate(10, 0, 0), clocks[0].Due)
	assert.Equal(t, later.AddDate(10, 0, 0), clocks[0].Keep)
}

func TestConsentRecorderStartsClocksOnWithdrawal(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("c-1", "marketing")
	cr, err := retention.NewConsentRecorder(leasingPolicy(), f.db.Retention(), f.events)
	require.NoError(t, err)
	ev := func(a custos.Action, out custos.Outcome) custos.Event {
		return custos.Event{Time: t0, Action: a, Subject: "c-1", Outcome: out,
			Access: custos.Access{Actor: custos.Actor{ID: "app", Role: "channel"}, Purpose: "marketing"}}
	}
	require.NoError(t, cr.Record(ctx, ev(custos.ActionConsentGrant, custos.OutcomeAllowed)))
	require.NoError(t, cr.Record(ctx, ev(custos.ActionConsentWithdraw, custos.OutcomeDenied)))
	clocks, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, clocks, "a grant or a refused withdrawal starts nothing")

	require.NoError(t, cr.Record(ctx, ev(custos.ActionConsentWithdraw, custos.OutcomeAllowed)))
	clocks, err = f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	require.Len(t, clocks, 1)
	assert.Equal(t, "marketing-consent", clocks[0].Rule)
	assert.Equal(t, t0.AddDate(0, 0, 1), clocks[0].Due, "PIPL Art. 47(1)(3): due a day after the withdrawal")
	consentEvents := slices.DeleteFunc(f.events.Events(), func(e custos.Event) bool { return e.Action == custos.ActionPut })
	assert.Len(t, consentEvents, 3, "every event reaches the audit recorder")

	_, out := sweepAt(t, f.retention(), t0.AddDate(0, 0, 2))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Destroyed, out[0].Kind, "the only record type ran out: the marketing profile goes at the next sweep")
	assert.True(t, slices.Contains(out[0].Rules, "marketing-consent"))
}
