package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// retentionAdapter is an adapter that also holds retention state.
type retentionAdapter interface {
	Retention() retention.Store
}

// retentionStoreOf returns the adapter's retention.Store, failing the test
// if the adapter has none.
func retentionStoreOf(t *testing.T, a Adapter) retention.Store {
	t.Helper()
	r, ok := a.(retentionAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Retention() retention.Store method", a)
	}
	return r.Retention()
}

// RunRetentionStore checks the contract of retention.Store on adapters made
// by open.
func RunRetentionStore(t *testing.T, open Opener) {
	t.Run("clocks", func(t *testing.T) { retentionClocks(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("due-index", func(t *testing.T) { retentionDue(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("destructions", func(t *testing.T) { retentionDestructions(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("holds", func(t *testing.T) { retentionHolds(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("sweep-mark", func(t *testing.T) { retentionSweepMark(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("hold-list", func(t *testing.T) { retentionHoldList(t, retentionStoreOf(t, openT(t, open))) })
	t.Run("reviews", func(t *testing.T) { retentionReviews(t, retentionStoreOf(t, openT(t, open))) })
}

func retentionClock(subject custos.SubjectID, rule string, started time.Time) retention.Clock {
	return retention.Clock{
		Subject: subject, Rule: rule, RecordType: "identity", Started: started,
		Keep: started.AddDate(10, 0, 0), Due: started.AddDate(11, 0, 0), Next: started.AddDate(11, 0, 0),
	}
}

func retentionClocks(t *testing.T, s retention.Store) {
	ctx := context.Background()
	c := retentionClock("c-1", "aml-identity", t0)
	stored, err := s.PutClock(ctx, c)
	require.NoError(t, err)
	assert.True(t, stored)

	stored, err = s.PutClock(ctx, retentionClock("c-1", "aml-identity", t0.Add(-time.Hour)))
	require.NoError(t, err)
	assert.False(t, stored, "an earlier start does not replace a later one")
	got, err := s.Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, []retention.Clock{c}, got, "the later start stays")

	later := retentionClock("c-1", "aml-identity", t0.Add(time.Hour))
	stored, err = s.PutClock(ctx, later)
	require.NoError(t, err)
	assert.True(t, stored)
	stored, err = s.PutClock(ctx, later)
	require.NoError(t, err)
	assert.True(t, stored, "the same start is stored again: a rerun is harmless")

	other := retentionClock("c-1", "aml-transaction", t0)
	other.RecordType = "transaction"
	_, err = s.PutClock(ctx, other)
	require.NoError(t, err)
	_, err = s.PutClock(ctx, retentionClock("c-2", "aml-identity", t0))
	require.NoError(t, err)
	got, err = s.Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, []retention.Clock{later, other}, got, "by rule")

	next := t0.AddDate(1, 0, 0)
	require.NoError(t, s.SetNext(ctx, "c-1", "aml-identity", later.Started, next))
	assert.ErrorIs(t, s.SetNext(ctx, "c-1", "aml-identity", t0, t0), retention.ErrConflict, "restarted meanwhile")
	assert.ErrorIs(t, s.SetNext(ctx, "c-9", "aml-identity", t0, t0), retention.ErrNotFound)
	got, err = s.Clocks(ctx, "c-1")
	require.NoError(t, err)
	later.Next = next
	assert.Equal(t, []retention.Clock{later, other}, got, "only the matching SetNext changed a clock")

	none, err := s.Clocks(ctx, "c-9")
	require.NoError(t, err)
	assert.Empty(t, none)

	n, err := s.DeleteClocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err = s.Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = s.Clocks(ctx, "c-2")
	require.NoError(t, err)
	assert.Len(t, got, 1, "other customers keep their clocks")
}

func retentionDue(t *testing.T, s retention.Store) {
	ctx := context.Background()
	var want []retention.Clock
	for i := range 25 {
		c := retentionClock(custos.SubjectID(fmt.Sprintf("c-%02d", i%5)), fmt.Sprintf("rule-%d", i/5), t0)
		c.Next = t0.Add(time.Duration(i%7) * time.Hour)
		_, err := s.PutClock(ctx, c)
		require.NoError(t, err)
		if i%7 <= 3 {
			want = append(want, c)
		}
	}
	late := retentionClock("c-late", "rule-0", t0)
	late.Next = t0.AddDate(50, 0, 0)
	_, err := s.PutClock(ctx, late)
	require.NoError(t, err)
	_, err = s.PutClock(ctx, want[0]) // the same clock again: still indexed once
	require.NoError(t, err)

	var got []retention.Clock
	after := retention.DueKey{}
	for {
		page, err := s.DueClocks(ctx, t0.Add(3*time.Hour), after, 4)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 4)
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		last := page[len(page)-1]
		after = retention.DueKey{Next: last.Next, Subject: last.Subject, Rule: last.Rule}
	}
	require.Len(t, got, len(want), "every clock with Next not after at, once")
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		ordered := a.Next.Before(b.Next) || a.Next.Equal(b.Next) && (a.Subject < b.Subject || a.Subject == b.Subject && a.Rule < b.Rule)
		assert.True(t, ordered, "DueKey order at %d", i)
	}
	assert.ElementsMatch(t, want, got)
}

func retentionDestructions(t *testing.T, s retention.Store) {
	ctx := context.Background()
	_, err := s.PutClock(ctx, retentionClock("c-1", "aml-identity", t0))
	require.NoError(t, err)
	_, err = s.PutClock(ctx, retentionClock("c-2", "aml-identity", t0))
	require.NoError(t, err)
	d := retention.Destruction{Ref: "ab01", Sweep: "sweep-1", Rules: []string{"aml-identity"}, At: t0, Certificate: []byte(`{"id":"x"}`)}
	require.NoError(t, s.Destroyed(ctx, "c-1", d))
	got, err := s.GetDestruction(ctx, "ab01")
	require.NoError(t, err)
	assert.Equal(t, d, got)
	clocks, err := s.Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, clocks, "the destroyed customer's clocks are gone with the same call")

	_, err = s.PutClock(ctx, retentionClock("c-2", "aml-identity", t0.Add(time.Hour)))
	require.NoError(t, err)
	twice := d
	twice.Sweep, twice.Certificate = "sweep-2", []byte(`{"id":"y"}`)
	assert.ErrorIs(t, s.Destroyed(ctx, "c-2", twice), retention.ErrConflict)
	got, err = s.GetDestruction(ctx, "ab01")
	require.NoError(t, err)
	assert.Equal(t, d, got, "the first certificate stays")
	clocks, err = s.Clocks(ctx, "c-2")
	require.NoError(t, err)
	assert.Len(t, clocks, 1, "a refused Destroyed deletes nothing")

	_, err = s.GetDestruction(ctx, "ffff")
	assert.ErrorIs(t, err, retention.ErrNotFound)
	for _, ref := range []string{"cd02", "0a03"} {
		require.NoError(t, s.Destroyed(ctx, "c-x", retention.Destruction{Ref: ref, Sweep: "s", Rules: []string{"r"}, At: t0, Certificate: []byte("{}")}))
	}
	page, err := s.Destructions(ctx, "", 2)
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, []string{"0a03", "ab01"}, []string{page[0].Ref, page[1].Ref})
	page, err = s.Destructions(ctx, "ab01", 2)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, "cd02", page[0].Ref)
}

func retentionHolds(t *testing.T, s retention.Store) {
	ctx := context.Background()
	named := retention.Hold{ID: "h-named", Owner: "legal", Reason: "case 1", Subjects: []custos.SubjectID{"c-1", "c-2"}, Start: t0}
	everyone := retention.Hold{ID: "h-all", Owner: "legal", Reason: "inquiry", RecordTypes: []string{"transaction"}, Start: t0, End: t0.Add(48 * time.Hour)}
	future := retention.Hold{ID: "h-future", Owner: "legal", Reason: "case 2", Subjects: []custos.SubjectID{"c-1"}, Start: t0.Add(time.Hour)}
	for _, h := range []retention.Hold{named, everyone, future} {
		require.NoError(t, s.PutHold(ctx, h))
	}
	dup := named
	dup.Reason = "other"
	assert.ErrorIs(t, s.PutHold(ctx, dup), retention.ErrConflict)
	got, err := s.GetHold(ctx, "h-named")
	require.NoError(t, err)
	assert.Equal(t, named, got, "a refused PutHold changes nothing")
	_, err = s.GetHold(ctx, "h-none")
	assert.ErrorIs(t, err, retention.ErrNotFound)

	ids := func(subject custos.SubjectID, at time.Time) []string {
		hs, err := s.Holds(ctx, subject, at)
		require.NoError(t, err)
		out := []string{}
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	assert.Equal(t, []string{"h-all", "h-named"}, ids("c-1", t0))
	assert.Equal(t, []string{"h-all", "h-future", "h-named"}, ids("c-1", t0.Add(time.Hour)))
	assert.Equal(t, []string{"h-all"}, ids("c-3", t0))
	assert.Equal(t, []string{"h-named"}, ids("c-2", t0.Add(48*time.Hour)), "an ended hold is not in force")
	assert.Equal(t, []string{}, ids("c-1", t0.Add(-time.Second)), "a hold not yet begun is not in force")

	require.NoError(t, s.ReleaseHold(ctx, "h-named", t0.Add(2*time.Hour), "legal"))
	assert.ErrorIs(t, s.ReleaseHold(ctx, "h-named", t0.Add(3*time.Hour), "other"), retention.ErrConflict)
	assert.ErrorIs(t, s.ReleaseHold(ctx, "h-none", t0, "legal"), retention.ErrNotFound)
	got, err = s.GetHold(ctx, "h-named")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(2*time.Hour), got.Released, "the first release stands")
	assert.Equal(t, "legal", got.ReleasedBy)
	assert.Equal(t, []string{"h-all", "h-future"}, ids("c-1", t0.Add(3*time.Hour)))
}

func retentionSweepMark(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mark, err := s.SweepMark(ctx)
	require.NoError(t, err)
	assert.True(t, mark.IsZero())
	require.NoError(t, s.AdvanceSweep(ctx, t0))
	require.NoError(t, s.AdvanceSweep(ctx, t0), "the same time again is a rerun")
	require.NoError(t, s.AdvanceSweep(ctx, t0.Add(time.Hour)))
	assert.ErrorIs(t, s.AdvanceSweep(ctx, t0), retention.ErrConflict)
	mark, err = s.SweepMark(ctx)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), mark, "an earlier sweep does not move the mark back")
}

func retentionHoldList(t *testing.T, s retention.Store) {
	ctx := context.Background()
	page, err := s.ListHolds(ctx, "", 10)
	require.NoError(t, err)
	assert.Empty(t, page)
	var want []string
	for i := range 5 {
		id := fmt.Sprintf("h-%d", 4-i)
		want = append([]string{id}, want...)
		require.NoError(t, s.PutHold(ctx, retention.Hold{ID: id, Owner: "legal", Reason: "case", Subjects: []custos.SubjectID{"c-1"}, Start: t0}))
	}
	require.NoError(t, s.ReleaseHold(ctx, "h-2", t0.Add(time.Hour), "legal"))
	var got []string
	after := ""
	for {
		page, err := s.ListHolds(ctx, after, 2)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		if len(page) == 0 {
			break
		}
		for _, h := range page {
			got = append(got, h.ID)
			if h.ID == "h-2" {
				assert.Equal(t, t0.Add(time.Hour), h.Released, "released holds are listed too")
			}
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, want, got, "every hold once, by ID")
}

func retentionReviews(t *testing.T, s retention.Store) {
	ctx := context.Background()
	rv := retention.Review{Subject: "c-1", RecordType: "identity", Reviewed: t0, Due: t0.AddDate(1, 0, 0)}
	stored, err := s.PutReview(ctx, rv)
	require.NoError(t, err)
	assert.True(t, stored)
	older := rv
	older.Reviewed, older.Due = t0.Add(-time.Hour), t0.AddDate(0, 11, 0)
	stored, err = s.PutReview(ctx, older)
	require.NoError(t, err)
	assert.False(t, stored, "an earlier review does not replace a later one")
	stored, err = s.PutReview(ctx, rv)
	require.NoError(t, err)
	assert.True(t, stored, "the same review again is a rerun")
	other := retention.Review{Subject: "c-1", RecordType: "contact", Reviewed: t0, Due: t0.AddDate(0, 6, 0)}
	_, err = s.PutReview(ctx, other)
	require.NoError(t, err)
	got, err := s.Reviews(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, []retention.Review{other, rv}, got, "by record type")
	none, err := s.Reviews(ctx, "c-9")
	require.NoError(t, err)
	assert.Empty(t, none)

	var want []retention.Review
	for i := range 12 {
		r := retention.Review{Subject: custos.SubjectID(fmt.Sprintf("d-%02d", i%4)), RecordType: fmt.Sprintf("type-%d", i/4),
			Reviewed: t0, Due: t0.Add(time.Duration(i%5) * time.Hour)}
		_, err := s.PutReview(ctx, r)
		require.NoError(t, err)
		if i%5 <= 2 {
			want = append(want, r)
		}
	}
	var due []retention.Review
	after := retention.ReviewKey{}
	for {
		page, err := s.DueReviews(ctx, t0.Add(2*time.Hour), after, 3)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 3)
		if len(page) == 0 {
			break
		}
		due = append(due, page...)
		last := page[len(page)-1]
		after = retention.ReviewKey{Due: last.Due, Subject: last.Subject, RecordType: last.RecordType}
	}
	for i := 1; i < len(due); i++ {
		a, b := due[i-1], due[i]
		ordered := a.Due.Before(b.Due) || a.Due.Equal(b.Due) && (a.Subject < b.Subject || a.Subject == b.Subject && a.RecordType < b.RecordType)
		assert.True(t, ordered, "ReviewKey order at %d", i)
	}
	assert.ElementsMatch(t, want, due, "every review due, once; c-1's are due later")

	_, err = s.DeleteClocks(ctx, "c-1")
	require.NoError(t, err)
	got, err = s.Reviews(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, got, "DeleteClocks deletes the customer's reviews")
	require.NoError(t, s.Destroyed(ctx, "d-00", retention.Destruction{Ref: "ee01", Sweep: "s", Rules: []string{"r"}, At: t0, Certificate: []byte("{}")}))
	got, err = s.Reviews(ctx, "d-00")
	require.NoError(t, err)
	assert.Empty(t, got, "Destroyed deletes the customer's reviews")
	got, err = s.Reviews(ctx, "d-01")
	require.NoError(t, err)
	assert.Len(t, got, 3, "others keep theirs")
}
