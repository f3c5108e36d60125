package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

var transferAcc = custos.Access{Actor: custos.Actor{ID: "transfer-01", Role: "transfer"}, Purpose: "company-transfer"}

// TestCarryASubjectToTheAcquirer exports a customer's clocks, holds and
// reviews from the seller and imports them at the acquirer: the clocks
// keep their times, the hold that named two customers arrives naming only
// this one, the hold over everyone arrives whole, both are audited, a
// second import changes nothing, and the acquirer's sweep obeys them.
func TestCarryASubjectToTheAcquirer(t *testing.T) {
	ctx := context.Background()
	seller, acquirer := newFixture(t), newFixture(t)
	seller.policy, acquirer.policy = reviewPolicy(), reviewPolicy()
	sr, ar := seller.retention(), acquirer.retention()
	for _, f := range []*fixture{seller, acquirer} {
		f.customer("c-1", "identity", "transaction")
	}
	seller.customer("c-2", "identity")
	lifecycleOf := func(s custos.SubjectID) {
		require.NoError(t, sr.Report(ctx, retention.Event{Subject: s, Kind: retention.EventRelationshipEnded, At: t0}))
	}
	lifecycleOf("c-1")
	lifecycleOf("c-2")
	require.NoError(t, sr.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0}))
	require.NoError(t, sr.Reviewed(ctx, "c-1", "identity", t0))
	named, err := sr.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case", Subjects: []custos.SubjectID{"c-1", "c-2"}})
	require.NoError(t, err)
	all, err := sr.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "regulator inquiry", RecordTypes: []string{"transaction"}})
	require.NoError(t, err)

	st, err := sr.ExportSubject(ctx, transferAcc, "c-1")
	require.NoError(t, err)
	assert.Len(t, st.Clocks, 2)
	assert.Len(t, st.Reviews, 1)
	require.Len(t, st.Holds, 2)
	for _, h := range st.Holds {
		if h.ID == all.ID {
			assert.Equal(t, all, h, "a hold over record types travels whole")
			continue
		}
		assert.NotEqual(t, named.ID, h.ID)
		assert.Equal(t, []custos.SubjectID{"c-1"}, h.Subjects, "the hold names no other customer")
		assert.Equal(t, named.Reason, h.Reason)
	}
	again, err := sr.ExportSubject(ctx, transferAcc, "c-1")
	require.NoError(t, err)
	assert.Equal(t, st, again, "an export is stable")

	require.NoError(t, ar.ImportSubject(ctx, transferAcc, st))
	clocks, err := acquirer.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, st.Clocks, clocks, "the clocks keep their times")
	reviews, err := acquirer.db.Retention().Reviews(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, st.Reviews, reviews)
	for _, h := range st.Holds {
		got, err := ar.Hold(ctx, h.ID)
		require.NoError(t, err)
		assert.Equal(t, h, got)
	}
	require.NoError(t, ar.ImportSubject(ctx, transferAcc, st), "a second import is harmless")
	clocks, err = acquirer.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, st.Clocks, clocks)

	for _, f := range []*fixture{seller, acquirer} {
		var actions []custos.Action
		for _, e := range f.events.Events() {
			if e.Action == retention.ActionExport || e.Action == retention.ActionImport {
				actions = append(actions, e.Action)
				assert.Equal(t, transferAcc, e.Access)
			}
		}
		assert.NotEmpty(t, actions, "audited")
	}

	acquirer.now = t0.AddDate(11, 0, 1)
	_, out := sweepAt(t, ar, acquirer.now)
	require.Len(t, out, 1)
	assert.Equal(t, retention.Held, out[0].Kind, "the carried holds keep the customer")
}

func TestImportSubjectRefusesBadStateAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	seller, acquirer := newFixture(t), newFixture(t)
	sr, ar := seller.retention(), acquirer.retention()
	seller.customer("c-1", "identity", "transaction")
	acquirer.customer("c-1", "identity", "transaction")
	require.NoError(t, sr.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0}))
	_, err := sr.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case", Subjects: []custos.SubjectID{"c-1"}})
	require.NoError(t, err)
	good, err := sr.ExportSubject(ctx, transferAcc, "c-1")
	require.NoError(t, err)
	require.Len(t, good.Clocks, 1)
	require.Len(t, good.Holds, 1)

	edit := func(f func(*retention.SubjectState)) retention.SubjectState {
		st := good
		st.Clocks = append([]retention.Clock(nil), good.Clocks...)
		st.Holds = append([]retention.Hold(nil), good.Holds...)
		f(&st)
		return st
	}
	tests := []struct {
		name string
		st   retention.SubjectState
		want error
	}{
		{"unknown rule", edit(func(s *retention.SubjectState) { s.Clocks[0].Rule = "aml-vehicle" }), retention.ErrImport},
		{"rule of another record type", edit(func(s *retention.SubjectState) { s.Clocks[0].RecordType = "identity" }), retention.ErrImport},
		{"clock of another customer", edit(func(s *retention.SubjectState) { s.Clocks[0].Subject = "c-2" }), retention.ErrImport},
		{"clock without a start", edit(func(s *retention.SubjectState) { s.Clocks[0].Started = time.Time{} }), retention.ErrImport},
		{"hold without owner", edit(func(s *retention.SubjectState) { s.Holds[0].Owner = "" }), retention.ErrImport},
		{"hold without reason", edit(func(s *retention.SubjectState) { s.Holds[0].Reason = "" }), retention.ErrImport},
		{"hold naming another customer", edit(func(s *retention.SubjectState) { s.Holds[0].Subjects = []custos.SubjectID{"c-1", "c-2"} }), retention.ErrImport},
		{"review without a review rule", edit(func(s *retention.SubjectState) {
			s.Reviews = []retention.Review{{Subject: "c-1", RecordType: "identity", Reviewed: t0, Due: t0.AddDate(1, 0, 0)}}
		}), retention.ErrImport},
		{"customer the acquirer's vault does not hold", edit(func(s *retention.SubjectState) {
			s.Subject = "c-9"
			s.Clocks[0].Subject, s.Holds[0].Subjects = "c-9", []custos.SubjectID{"c-9"}
		}), retention.ErrUnknownSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := len(acquirer.events.Events())
			assert.ErrorIs(t, ar.ImportSubject(ctx, transferAcc, tt.st), tt.want)
			for _, s := range []custos.SubjectID{"c-1", "c-2", "c-9"} {
				clocks, err := acquirer.db.Retention().Clocks(ctx, s)
				require.NoError(t, err)
				assert.Empty(t, clocks, "no clock stored")
			}
			_, err := ar.Hold(ctx, good.Holds[0].ID)
			assert.ErrorIs(t, err, retention.ErrUnknownHold, "no hold stored")
			for _, e := range acquirer.events.Events()[events:] {
				assert.NotEqual(t, retention.ActionImport, e.Action, "nothing recorded")
			}
		})
	}
}
