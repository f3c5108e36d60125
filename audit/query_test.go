package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

func collect(t *testing.T, l *audit.Log, q audit.Query) []audit.Match {
	t.Helper()
	var out []audit.Match
	for m, err := range l.Query(context.Background(), auditor, q) {
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

func indexes(ms []audit.Match) []uint64 {
	var out []uint64
	for _, m := range ms {
		out = append(out, m.Index)
	}
	return out
}

func TestQuery(t *testing.T) {
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 21) // entries 0..20; clerk-i%3 reads C(i%7) at t0+i s

	cases := []struct {
		name string
		q    audit.Query
		want []uint64
	}{
		{"by customer, with this query's own entry", audit.Query{Subject: "C3"}, []uint64{3, 10, 17, 21}},
		{"by actor", audit.Query{Actor: "clerk-2"}, []uint64{2, 5, 8, 11, 14, 17, 20}},
		{"by customer and actor", audit.Query{Subject: "C3", Actor: "clerk-2"}, []uint64{17}},
		{"by role and time", audit.Query{Role: "clerk", Since: t0.Add(19 * time.Second)}, []uint64{19, 20}},
		{"by another role", audit.Query{Role: "teller"}, nil},
		{"by time", audit.Query{Since: t0.Add(18 * time.Second), Until: t0.Add(20 * time.Second)}, []uint64{18, 19}},
		{"by purpose, limited", audit.Query{Purpose: "servicing", Limit: 2}, []uint64{0, 1}},
		{"no match", audit.Query{Purpose: "marketing"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := collect(t, l, c.q)
			assert.Equal(t, c.want, indexes(ms))
			for _, m := range ms {
				require.NoError(t, m.Verify(l.Verifier()), "each answer proves itself against the checkpoint")
				assert.Equal(t, ms[0].Checkpoint, m.Checkpoint, "one checkpoint per answer")
			}
		})
	}
}

func TestQueryIsItselfAudited(t *testing.T) {
	ctx := context.Background()
	l := newLog(t, memstore.New().Audit(), newKeyring(t))
	appendN(t, l, 0, 3)
	ms := collect(t, l, audit.Query{Subject: "C1", Since: t0})
	require.Equal(t, []uint64{1, 3}, indexes(ms), "the entry about C1, and the query's own")
	reads := collect(t, l, audit.Query{Action: custos.ActionAuditRead})
	require.Len(t, reads, 2, "the first query and this one")
	first := reads[0]
	assert.Equal(t, "auditor-1", first.Entry.Actor.ID)
	assert.Equal(t, custos.PurposeID("compliance-audit"), first.Entry.Purpose)
	assert.Equal(t, []string{"since", "subject"}, first.Entry.Fields, "which filters, not their values")
	assert.Len(t, first.Entry.Ref, audit.RefSize, "the customer looked up, pseudonymously")
	c, err := audit.OpenCheckpoint(ms[0].Checkpoint, l.Verifier())
	require.NoError(t, err)
	assert.Greater(t, c.Size, first.Index, "the answer's checkpoint covers the query's own entry")

	for _, err := range l.Query(ctx, custos.Access{}, audit.Query{}) {
		assert.ErrorIs(t, err, custos.ErrNoActor, "no query without an actor and purpose")
	}
}

func TestQueryFailsClosed(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 3)
	s.mu.Lock()
	s.failAppend = assert.AnError
	s.mu.Unlock()
	n := 0
	for m, err := range l.Query(ctx, auditor, audit.Query{}) {
		n++
		assert.ErrorIs(t, err, assert.AnError)
		assert.Empty(t, m.Leaf, "nothing is read unless the read is recorded")
	}
	assert.Equal(t, 1, n)
}

func TestQueryNeedsReferenceKeys(t *testing.T) {
	ctx := context.Background()
	l := newLog(t, memstore.New().Audit(), newKeyring(t), threeYearsOn)
	e := event(0)
	e.Time = t0.AddDate(0, -1, 0)
	_, err := l.Append(ctx, e)
	require.NoError(t, err)
	require.NoError(t, l.ForgetPeriod(ctx, "2026-02"))
	for _, err := range l.Query(ctx, auditor, audit.Query{Subject: e.Subject}) {
		assert.ErrorIs(t, err, audit.ErrReference)
	}
	ms := collect(t, l, audit.Query{Actor: e.Access.Actor.ID})
	assert.Len(t, ms, 1, "other questions are still answered")
}

func TestQueryStopsEarly(t *testing.T) {
	l := newLog(t, memstore.New().Audit(), newKeyring(t))
	appendN(t, l, 0, 10)
	n := 0
	for range l.Query(context.Background(), auditor, audit.Query{}) {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}
