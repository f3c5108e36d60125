package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
)

// indexedAuditOf returns the adapter's audit store as an
// audit.IndexedStore, skipping the test if it is not one.
func indexedAuditOf(t *testing.T, a Adapter) audit.IndexedStore {
	t.Helper()
	ix, ok := auditStoreOf(t, a).(audit.IndexedStore)
	if !ok {
		t.Skipf("adapter %T's audit store has no indexes (audit.IndexedStore): queries scan the log", a)
	}
	return ix
}

// lookupLeaf is a synthetic leaf with lookup keys: actor a<i%3>, role
// r<i%2>, credential k<i%2> except every fifth leaf (none), instance
// n<i%3> on even leaves (none on odd ones), customer reference c<i%4> in
// period p<i/6>, and a time that is not monotonic in the index (entries
// are decided before they are logged).
func lookupLeaf(i uint64) audit.Leaf {
	at := t0.Add(time.Duration(i/2*2+1-i%2) * time.Minute) // 1, 0, 3, 2, 5, 4, ... minutes
	k := audit.LookupKeys{Time: at, Actor: fmt.Sprintf("a%d", i%3), Role: custos.Role(fmt.Sprintf("r%d", i%2)),
		Period: fmt.Sprintf("p%d", i/6), Ref: fmt.Appendf(nil, "ref-c%d-%016d", i%4, 0)[:16]}
	if i%5 != 0 {
		k.Credential = fmt.Sprintf("k%d", i%2)
	}
	if i%2 == 0 {
		k.Instance = fmt.Sprintf("n%d", i%3)
	}
	return audit.Leaf{Index: i, Entry: fmt.Appendf(nil, "entry-%d", i), Hashes: make([]byte, 32), Lookup: k}
}

func lookupBatch(first uint64, n int) audit.Batch {
	b := audit.Batch{First: first, Head: audit.Head{Size: first + uint64(n), Checkpoint: fmt.Appendf(nil, "checkpoint-%d\n", first+uint64(n))}}
	for i := range n {
		b.Leaves = append(b.Leaves, lookupLeaf(first+uint64(i)))
	}
	return b
}

// positions returns the (time, index) positions of leaves.
func positions(leaves []audit.Leaf) []audit.Position {
	out := make([]audit.Position, len(leaves))
	for i, l := range leaves {
		out[i] = audit.Position{Time: l.Lookup.Time, Index: l.Index}
	}
	return out
}

// actorPages reads every leaf matching q, size leaves a call, each call
// starting after the last leaf of the one before.
func actorPages(t *testing.T, s audit.IndexedStore, q audit.ActorLookup, size int) []audit.Leaf {
	t.Helper()
	var got []audit.Leaf
	for from := (audit.Position{}); ; {
		page, err := s.ActorLeaves(context.Background(), q, from, size)
		require.NoError(t, err)
		got = append(got, page...)
		if len(page) < size {
			return got
		}
		last := page[len(page)-1]
		from = audit.Position{Time: last.Lookup.Time, Index: last.Index + 1}
	}
}

// runAuditLookup checks an adapter's audit indexes (audit.IndexedStore),
// then that a Log's queries through them answer exactly what a scan does.
func runAuditLookup(t *testing.T, open Opener) {
	ctx := context.Background()
	const n = 24
	// want is the reference: the synthetic leaves filtered and sorted naively.
	want := func(keep func(audit.Leaf) bool, byTime bool) []audit.Leaf {
		var out []audit.Leaf
		for i := range uint64(n) {
			if l := lookupLeaf(i); keep(l) {
				out = append(out, l)
			}
		}
		if byTime {
			slices.SortFunc(out, func(a, b audit.Leaf) int {
				pa, pb := audit.Position{Time: a.Lookup.Time, Index: a.Index}, audit.Position{Time: b.Lookup.Time, Index: b.Index}
				switch {
				case pa.Before(pb):
					return -1
				case pb.Before(pa):
					return 1
				}
				return 0
			})
		}
		return out
	}
	filled := func(t *testing.T) audit.IndexedStore {
		s := indexedAuditOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(lookupBatch(0, n/2))))
		require.NoError(t, s.Append(ctx, fixed(lookupBatch(n/2, n/2))))
		return s
	}

	t.Run("by actor and time, in (time, index) order, paged", func(t *testing.T) {
		s := filled(t)
		since, until := t0.Add(3*time.Minute), t0.Add(17*time.Minute)
		exp := want(func(l audit.Leaf) bool {
			return l.Lookup.Actor == "a1" && !l.Lookup.Time.Before(since) && l.Lookup.Time.Before(until)
		}, true)
		require.NotEmpty(t, exp)
		got := actorPages(t, s, audit.ActorLookup{Actor: "a1", Since: since, Until: until}, 2)
		assert.Equal(t, positions(exp), positions(got))
		for _, l := range got {
			assert.Equal(t, lookupLeaf(l.Index).Entry, l.Entry, "the leaf's bytes come with it")
			assert.Equal(t, lookupLeaf(l.Index).Lookup.Ref, l.Lookup.Ref)
		}
	})

	t.Run("by role, and by actor and role", func(t *testing.T) {
		s := filled(t)
		got, err := s.ActorLeaves(ctx, audit.ActorLookup{Role: "r0"}, audit.Position{}, n)
		require.NoError(t, err)
		assert.Equal(t, positions(want(func(l audit.Leaf) bool { return l.Lookup.Role == "r0" }, true)), positions(got))
		got, err = s.ActorLeaves(ctx, audit.ActorLookup{Actor: "a2", Role: "r1"}, audit.Position{}, n)
		require.NoError(t, err)
		assert.Equal(t, positions(want(func(l audit.Leaf) bool { return l.Lookup.Actor == "a2" && l.Lookup.Role == "r1" }, true)), positions(got))
	})

	t.Run("by credential, by instance, and by several keys at once, paged", func(t *testing.T) {
		s := filled(t)
		since := t0.Add(2 * time.Minute)
		for name, q := range map[string]audit.ActorLookup{
			"credential":                   {Credential: "k0"},
			"credential in a window":       {Credential: "k1", Since: since, Until: t0.Add(20 * time.Minute)},
			"instance":                     {Instance: "n2"},
			"actor through a credential":   {Actor: "a1", Credential: "k1"},
			"role through an instance":     {Role: "r0", Instance: "n1"},
			"credential and instance":      {Credential: "k0", Instance: "n0", Since: since},
			"an unknown credential":        {Credential: "k9"},
			"an instance of another actor": {Actor: "a0", Instance: "n1"},
		} {
			t.Run(name, func(t *testing.T) {
				exp := want(func(l audit.Leaf) bool { return q.Matches(l.Lookup) }, true)
				got := actorPages(t, s, q, 2)
				assert.Equal(t, positions(exp), positions(got))
				for _, l := range got {
					assert.Equal(t, lookupLeaf(l.Index).Lookup, l.Lookup, "the leaf comes with its keys")
				}
			})
		}
		// The reference is computed independently of Matches for one case.
		got, err := s.ActorLeaves(ctx, audit.ActorLookup{Credential: "k0", Instance: "n0"}, audit.Position{}, n)
		require.NoError(t, err)
		var idx []uint64
		for _, l := range got {
			idx = append(idx, l.Index)
		}
		slices.Sort(idx)
		assert.Equal(t, []uint64{6, 12, 18}, idx, "i%5 != 0, i even, i%3 == 0: 6, 12, 18 (0 names no credential)")
	})

	t.Run("an unknown actor, an empty range or no key: nothing", func(t *testing.T) {
		s := filled(t)
		for name, q := range map[string]audit.ActorLookup{
			"unknown actor": {Actor: "nobody"},
			"empty range":   {Actor: "a0", Since: t0.Add(time.Hour), Until: t0.Add(time.Hour)},
			"no key":        {},
		} {
			got, err := s.ActorLeaves(ctx, q, audit.Position{}, n)
			require.NoError(t, err, name)
			assert.Empty(t, got, name)
		}
		got, err := s.RefLeaves(ctx, "p0", []byte("no-such-ref-0000"), 0, n)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("by customer reference, in index order, paged", func(t *testing.T) {
		s := filled(t)
		ref := lookupLeaf(1).Lookup.Ref
		exp := want(func(l audit.Leaf) bool { return l.Lookup.Period == "p2" && string(l.Lookup.Ref) == string(ref) }, false)
		require.NotEmpty(t, exp)
		var got []audit.Leaf
		for from := uint64(0); ; {
			page, err := s.RefLeaves(ctx, "p2", ref, from, 1)
			require.NoError(t, err)
			got = append(got, page...)
			if len(page) < 1 {
				break
			}
			from = page[len(page)-1].Index + 1
		}
		assert.Equal(t, positions(exp), positions(got))
	})

	t.Run("reference periods in order of first use", func(t *testing.T) {
		s := filled(t)
		got, err := s.RefPeriods(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"p0", "p1", "p2", "p3"}, got)
	})

	t.Run("a failed append indexes nothing", func(t *testing.T) {
		s := filled(t)
		err := s.Append(ctx, fixed(lookupBatch(n+1, 3))) // does not start at the stored size
		require.ErrorIs(t, err, audit.ErrConflict)
		got, err := s.ActorLeaves(ctx, audit.ActorLookup{Actor: "a0"}, audit.Position{}, 2*n)
		require.NoError(t, err)
		assert.Len(t, got, n/3, "only the stored leaves are indexed")
		periods, err := s.RefPeriods(ctx)
		require.NoError(t, err)
		assert.Len(t, periods, 4)
	})

	t.Run("log queries through the indexes answer what a scan answers", func(t *testing.T) {
		runAuditLookupLog(t, open)
	})
}

// scanOnly hides a store's indexes, so a Log over it scans.
type scanOnly struct{ audit.Store }

func runAuditLookupLog(t *testing.T, open Opener) {
	ctx := context.Background()
	a := openT(t, open)
	s := indexedAuditOf(t, a)
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: a.Keys(), Ledger: a.Ledger()})
	require.NoError(t, err)
	cfg := audit.Config{Store: s, Keys: kr, Origin: "storetest.example/audit", Clock: func() time.Time { return t0 }}
	indexed, err := audit.New(ctx, cfg)
	require.NoError(t, err)
	defer indexed.Close()
	cfg.Store = scanOnly{s}
	scanned, err := audit.New(ctx, cfg)
	require.NoError(t, err)
	defer scanned.Close()

	// Two months of reads by three clerks of five customers; January's
	// times run backwards within each pair, as concurrent decisions do.
	for i := range 40 {
		at := t0.Add(time.Duration(i/2*2+1-i%2) * time.Hour)
		if i >= 20 {
			at = t0.AddDate(0, 1, 0).Add(time.Duration(i) * time.Hour)
		}
		acc := custos.Access{Actor: custos.Actor{ID: fmt.Sprintf("clerk-%d", i%3), Role: custos.Role([]string{"clerk", "auditor"}[i%2])}, Purpose: "servicing",
			Instance: fmt.Sprintf("api-%d", i%4)}
		if i%3 != 0 {
			acc.Credential = fmt.Sprintf("key-%d", i%2)
		}
		require.NoError(t, indexed.Record(ctx, custos.Event{Time: at, Action: custos.ActionGet, Outcome: custos.OutcomeAllowed,
			Access: acc, Subject: custos.SubjectID(fmt.Sprintf("S%d", i%5)), RecordType: "customer", Fields: []string{"name"}}))
	}
	acc := custos.Access{Actor: custos.Actor{ID: "investigator", Role: "security"}, Purpose: "incident-response"}
	indexes := func(l *audit.Log, q audit.Query) []uint64 {
		var out []uint64
		for m, err := range l.Query(ctx, acc, q) {
			require.NoError(t, err)
			require.NoError(t, m.Verify(l.Verifier()))
			out = append(out, m.Index)
		}
		slices.Sort(out)
		return out
	}
	for name, q := range map[string]audit.Query{
		"actor in a window": {Actor: "clerk-1", Since: t0.Add(3 * time.Hour), Until: t0.AddDate(0, 1, 1)},
		"actor, all time":   {Actor: "clerk-2"},
		"role":              {Role: "auditor", Until: t0.AddDate(0, 1, 0)},
		// The reads only: each query logs its own read of the log.
		"customer":                     {Subject: "S3", Action: custos.ActionGet},
		"customer and actor":           {Subject: "S1", Actor: "clerk-0", Action: custos.ActionGet, Since: t0.Add(2 * time.Hour)},
		"unknown actor":                {Actor: "nobody"},
		"credential":                   {Credential: "key-1"},
		"instance in a window":         {Instance: "api-2", Since: t0.Add(3 * time.Hour), Until: t0.AddDate(0, 1, 1)},
		"actor through a credential":   {Actor: "clerk-2", Credential: "key-0"},
		"customer through an instance": {Subject: "S2", Instance: "api-3"},
	} {
		t.Run(name, func(t *testing.T) {
			byScan := indexes(scanned, q)
			if q.Actor != "nobody" {
				require.NotEmpty(t, byScan)
			}
			assert.Equal(t, byScan, indexes(indexed, q), "the indexes find exactly the entries a scan finds")
		})
	}
}
