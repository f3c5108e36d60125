package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

func runSearch(t *testing.T, open Opener) {
	t.Run("find-equivalent-inputs", func(t *testing.T) { testFindEquivalent(t, open) })
	t.Run("find-drops-false-positives", func(t *testing.T) { testFindFalsePositives(t, open) })
	t.Run("find-follows-read-rules", func(t *testing.T) { testFindRules(t, open) })
	t.Run("find-after-update-and-forget", func(t *testing.T) { testFindAfterChanges(t, open) })
	t.Run("index-key-rotation", func(t *testing.T) { testIndexRotation(t, open) })
	t.Run("masking", func(t *testing.T) { testMasking(t, open) })
	t.Run("find-by-masked-field-refused", func(t *testing.T) { testFindMaskedSearch(t, open) })
	t.Run("find-no-match-audited", func(t *testing.T) { testFindNoMatchAudited(t, open) })
	t.Run("find-cost-hides-refusals", func(t *testing.T) { testFindCost(t, open) })
	t.Run("every-kind", func(t *testing.T) { testEveryKind(t, open) })
}

func subjects(rs []vault.Record) []custos.SubjectID {
	out := make([]custos.SubjectID, len(rs))
	for i, r := range rs {
		out[i] = r.Subject
	}
	return out
}

func testFindEquivalent(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	require.NoError(t, f.vault.Put(ctx, clerk, "C2", "customer", vault.Values{"name": "Jane Doe", "mobile": "13912345678", "birth": "1990-05-06"}))

	for _, q := range []struct {
		name  string
		query vault.Values
		want  custos.SubjectID
	}{
		{"mobile as stored", vault.Values{"mobile": "13800000000"}, "C1"},
		{"mobile with +86, spaces and dashes", vault.Values{"mobile": "+86 138-0000-0000"}, "C1"},
		{"mobile in full-width digits", vault.Values{"mobile": "１３８ ００００ ００００"}, "C1"},
		{"resident ID with lower-case x", vault.Values{"resident_id": "11010519491231002x"}, "C1"},
		{"resident ID in full width", vault.Values{"resident_id": "１１０１０５１９４９１２３１００２Ｘ"}, "C1"},
		{"compound name and birth date", vault.Values{"name": "jane  DOE", "birth": "1990/05/06"}, "C2"},
	} {
		t.Run(q.name, func(t *testing.T) {
			rs, err := f.vault.Find(ctx, clerk, "customer", q.query, "name")
			require.NoError(t, err)
			assert.Equal(t, []custos.SubjectID{q.want}, subjects(rs))
		})
	}

	_, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"note": "x"}, "name")
	assert.ErrorIs(t, err, vault.ErrNoIndex)
	_, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"name": "Jane Doe"}, "name")
	assert.ErrorIs(t, err, vault.ErrNoIndex, "half of a compound index is no index")
	_, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "12345"}, "name")
	assert.ErrorIs(t, err, kind.ErrInvalid)
	assert.NotContains(t, err.Error(), "12345")
	_, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"})
	assert.ErrorIs(t, err, vault.ErrMissingField, "no result field named")
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13700000000"}, "name")
	require.NoError(t, err)
	assert.Empty(t, rs)
	assert.Equal(t, "no-match", f.events.last().Reason)
}

// testFindFalsePositives plans the index for the smallest population, so
// that index values collide constantly, and checks that Find still returns
// exactly the right customer.
func testFindFalsePositives(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.population = vault.MinCustomers
	f.vault = f.newVault(f.keys)
	gen := synth.New(11)
	mobiles := map[custos.SubjectID]string{}
	for i := range 40 {
		c := gen.Next()
		s := custos.SubjectID(fmt.Sprintf("C%d", i))
		mobiles[s] = c.Mobile
		require.NoError(t, f.vault.Put(ctx, clerk, s, "customer", vault.Values{"name": "Someone", "mobile": c.Mobile}))
	}
	lb, err := vault.PlanIndex(f.population)
	require.NoError(t, err)
	require.Equal(t, 3, lb.Bits, "8 buckets for 40 customers: about 5 per value")
	for s, m := range mobiles {
		rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": m}, "mobile")
		require.NoError(t, err)
		require.Equal(t, []custos.SubjectID{s}, subjects(rs))
		assert.Equal(t, m, rs[0].Values["mobile"])
	}
}

func testFindRules(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2") // same mobile as C1
	q := vault.Values{"mobile": "13800000000"}

	rs, err := f.vault.Find(ctx, clerk, "customer", q, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1", "C2"}, subjects(rs))
	evs := f.events.all()
	assert.Equal(t, custos.SubjectID("C2"), evs[len(evs)-1].Subject, "one audit event per customer found")
	assert.Equal(t, custos.ActionFind, evs[len(evs)-1].Action)
	assert.Equal(t, []string{"mobile", "name"}, evs[len(evs)-1].Fields, "the query fields count as read")

	_, err = f.vault.Find(ctx, market, "customer", q, "resident_id")
	assert.ErrorIs(t, err, vault.ErrDenied, "the purpose may not read the result field")
	_, err = f.vault.Find(ctx, market, "customer", vault.Values{"resident_id": "11010519491231002X"}, "name")
	assert.ErrorIs(t, err, vault.ErrDenied, "nor search by a field it may not read")

	require.NoError(t, f.vault.Restrict(ctx, dpo, "C2", "AML Art. 34"))
	rs, err = f.vault.Find(ctx, clerk, "customer", q, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs), "restricted customers are left out")
	assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome, "and their refusal recorded")
	rs, err = f.vault.Find(ctx, court, "customer", q, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1", "C2"}, subjects(rs), "except for a legal hold")
}

func testFindAfterChanges(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	require.NoError(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000000"}))
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C2"}, subjects(rs), "the old value no longer finds C1")
	rs, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13900000000"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs))

	// An update of another field keeps the compound index right.
	require.NoError(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"birth": "1950-01-01"}))
	rs, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"name": nameOf("C1"), "birth": "1950-01-01"}, "mobile")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs))

	_, err = f.vault.Forget(ctx, dpo, "C2", vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)
	rs, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
	require.NoError(t, err)
	assert.Empty(t, rs, "forgotten customers leave the index")
}

func testIndexRotation(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	for _, s := range []custos.SubjectID{"C1", "C2", "C3"} {
		f.customer(s)
		require.NoError(t, f.vault.Update(ctx, clerk, s, "customer", vault.Values{"mobile": fmt.Sprintf("1390000000%c", s[1])}))
	}
	other := f.newVault(f.keyring(f.kek)) // a second instance
	find := func(v *vault.Vault, mobile string) []custos.SubjectID {
		rs, err := v.Find(ctx, clerk, "customer", vault.Values{"mobile": mobile}, "name")
		require.NoError(t, err)
		return subjects(rs)
	}
	require.Equal(t, []custos.SubjectID{"C1"}, find(other, "13900000001"))

	ver, err := f.vault.RotateIndexKey(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, ver)
	require.NoError(t, f.vault.Put(ctx, clerk, "C4", "customer", vault.Values{"name": "Someone", "mobile": "13900000004"}))
	assert.Equal(t, []custos.SubjectID{"C4"}, find(f.vault, "13900000004"), "new writes are found during the rotation")
	assert.Equal(t, []custos.SubjectID{"C1"}, find(other, "13900000001"), "old entries too, by every instance")

	var reports []vault.RebuildProgress
	p, err := f.vault.RebuildIndex(ctx, keeper, vault.RebuildOptions{BatchSize: 2, Progress: func(p vault.RebuildProgress) { reports = append(reports, p) }})
	require.NoError(t, err)
	assert.Equal(t, vault.RebuildProgress{Version: 2, Records: 4, Type: "customer", Checkpoint: "C4"}, p)
	assert.Len(t, reports, 2)

	assert.ErrorIs(t, f.vault.RetireIndexKey(ctx, 1), vault.ErrTooSoon, "other instances may not know version 2 yet")
	assert.ErrorIs(t, f.vault.RetireIndexKey(ctx, 2), vault.ErrConfig, "the newest key stays")
	f.now = f.now.Add(3 * time.Minute)
	require.NoError(t, f.vault.RetireIndexKey(ctx, 1))
	for i := 1; i <= 4; i++ {
		s := custos.SubjectID(fmt.Sprintf("C%d", i))
		assert.Equal(t, []custos.SubjectID{s}, find(other, fmt.Sprintf("1390000000%d", i)), "found under the new key alone")
	}
	names, err := f.keys.NamedKeysets(ctx, vault.IndexKeyPrefix)
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.Equal(t, vault.IndexKeyPrefix+"2", names[0].Name)
}

func testMasking(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	agent := custos.Access{Actor: custos.Actor{ID: "agent-1", Role: "customer-service"}, Purpose: servicing}
	r, err := f.vault.Get(ctx, agent, "C1", "customer", "name", "mobile", "resident_id", "birth")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": "S* P* C*", "mobile": "138****0000", "birth": time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)}, r.Values)
	assert.Equal(t, []string{"mobile", "name"}, r.Masked)
	assert.Equal(t, []string{"resident_id"}, r.Hidden)

	// A role that sees the resident id in full may search by it, and sees
	// the mobile of what it finds masked.
	collections := custos.Access{Actor: custos.Actor{ID: "agent-2", Role: "collections"}, Purpose: servicing}
	v := f.vaultWith(func(c *vault.Config) {
		c.Masking = &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{"collections": {"customer.mobile": vault.Masked}}}
	})
	rs, err := v.Find(ctx, collections, "customer", vault.Values{"resident_id": "11010519491231002X"}, "mobile")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "138****0000", rs[0].Values["mobile"], "Find masks too")

	r, err = f.vault.Get(ctx, clerk, "C1", "customer", "mobile")
	require.NoError(t, err)
	assert.Equal(t, "13800000000", r.Values["mobile"], "other roles see plain values")
	assert.Empty(t, r.Masked)
}
