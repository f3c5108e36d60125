package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

func runPutBatch(t *testing.T, open Opener) {
	t.Run("stores-every-item", func(t *testing.T) { testPutBatch(t, open) })
	t.Run("bad-item-changes-nothing", func(t *testing.T) { testPutBatchBadInput(t, open) })
	t.Run("audit-fails-closed", func(t *testing.T) { testPutBatchAuditFails(t, open) })
	t.Run("store-calls-all-or-nothing", func(t *testing.T) { testBatchStoreCalls(t, open) })
	for _, when := range []When{Before, After} {
		t.Run("every-fault-"+whenName(when), func(t *testing.T) {
			EveryFault(t, when, 40, func(t *testing.T, fl *Faults) { putBatchUnderFault(t, open, fl) })
		})
	}
}

// batchItem is the synthetic customer record of a batch.
func batchItem(subject custos.SubjectID, mobile string) vault.Item {
	return vault.Item{Subject: subject, Values: vault.Values{"name": nameOf(subject), "mobile": mobile, "birth": "1980-02-29"}}
}

func testPutBatch(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	n := len(f.events.all())
	items := []vault.Item{batchItem("B1", "13800000001"), batchItem("C1", "13800000002"), batchItem("B2", "13800000001")}
	require.NoError(t, f.vault.PutBatch(ctx, clerk, "customer", items))
	evs := f.events.all()[n:]
	require.Len(t, evs, len(items), "one event per customer")
	for i, e := range evs {
		assert.Equal(t, custos.ActionPut, e.Action)
		assert.Equal(t, items[i].Subject, e.Subject)
		assert.Equal(t, custos.OutcomeAllowed, e.Outcome)
		assert.Equal(t, []string{"birth", "mobile", "name"}, e.Fields)
		assert.Equal(t, clerk, e.Access)
	}

	for _, it := range items {
		r, err := f.vault.Get(ctx, clerk, it.Subject, "customer", "name", "mobile", "birth", "resident_id")
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"name": nameOf(it.Subject), "mobile": it.Values["mobile"], "birth": time.Date(1980, 2, 29, 0, 0, 0, 0, time.UTC)},
			r.Values, "each record as Put would store it; fields not given are absent")
	}
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000001"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"B1", "B2"}, subjects(rs), "indexed")
	rs, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
	require.NoError(t, err)
	assert.Empty(t, rs, "C1's old index entry was replaced")
	lease, err := f.vault.Get(ctx, clerk, "C1", "lease", "months")
	require.NoError(t, err)
	assert.Equal(t, int64(36), lease.Values["months"], "records of other types are kept")

	n = len(f.events.all())
	require.NoError(t, f.vault.PutBatch(ctx, clerk, "customer", nil), "an empty batch does nothing")
	assert.Len(t, f.events.all(), n)
}

func testPutBatchBadInput(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	f.customer("C3")
	require.NoError(t, f.vault.Restrict(ctx, dpo, "C2", "AML Art. 34: identity records kept"))
	_, err := f.vault.Forget(ctx, dpo, "C3", forgetWhy)
	require.NoError(t, err)
	good := func() []vault.Item {
		return []vault.Item{batchItem("N1", "13800000001"), batchItem("C1", "13800000002"), batchItem("N2", "13800000003")}
	}
	with := func(at int, it vault.Item) []vault.Item { items := good(); items[at] = it; return items }
	cases := []struct {
		name  string
		acc   custos.Access
		items []vault.Item
		index int
		want  error
	}{
		{"forgotten customer", clerk, with(2, batchItem("C3", secret)), 2, vault.ErrForgotten},
		{"restricted customer", clerk, with(1, batchItem("C2", secret)), 1, vault.ErrRestricted},
		{"value its kind refuses", clerk, with(1, vault.Item{Subject: "C1", Values: vault.Values{"name": "x", "mobile": secret + "0"}}), 1, kind.ErrInvalid},
		{"unknown field", clerk, with(0, vault.Item{Subject: "N1", Values: vault.Values{"name": "x", "shoe_size": secret}}), 0, vault.ErrUnknownField},
		{"required field missing", clerk, with(2, vault.Item{Subject: "N2", Values: vault.Values{"mobile": secret}}), 2, vault.ErrMissingField},
		{"invalid subject", clerk, with(1, vault.Item{Subject: "", Values: vault.Values{"name": "x"}}), 1, custos.ErrInvalidSubject},
		{"customer given twice", clerk, append(good(), batchItem("N1", secret)), 3, vault.ErrBatch},
		{"purpose may not write", market, good(), 0, vault.ErrDenied},
	}
	all := []custos.SubjectID{"N1", "N2", "C1", "C2", "C3"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := map[custos.SubjectID]snapshot{}
			for _, s := range all {
				before[s] = f.snapshot(s)
			}
			n := len(f.events.all())
			err := f.vault.PutBatch(ctx, tc.acc, "customer", tc.items)
			require.ErrorIs(t, err, tc.want)
			ie, ok := errors.AsType[*custos.ItemError](err)
			require.True(t, ok, "a *custos.ItemError: %v", err)
			assert.Equal(t, tc.index, ie.Index, "names the position")
			assert.Contains(t, err.Error(), fmt.Sprintf("batch item %d", tc.index))
			assert.NotContains(t, err.Error(), secret, "never the value")
			if s := tc.items[tc.index].Subject; s != "" {
				assert.NotContains(t, err.Error(), string(s), "nor the customer")
			}
			for _, s := range all {
				assert.Equal(t, before[s], f.snapshot(s), "nothing changed for %s", s)
			}
			for _, e := range f.events.all()[n:] {
				assert.NotEqual(t, custos.OutcomeAllowed, e.Outcome, "no write was announced")
			}
		})
	}
	err = f.vault.PutBatch(ctx, clerk, "customer", make([]vault.Item, vault.MaxBatch+1))
	assert.ErrorIs(t, err, vault.ErrBatch, "over MaxBatch")
}

func testPutBatchAuditFails(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	before := []snapshot{f.snapshot("C1"), f.snapshot("N1")}
	f.events.Fail(errors.New("audit store unavailable"))
	err := f.vault.PutBatch(ctx, clerk, "customer", []vault.Item{batchItem("N1", "13800000001"), batchItem("C1", "13800000002")})
	f.events.Fail(nil)
	require.ErrorIs(t, err, vault.ErrAudit)
	assert.Equal(t, before, []snapshot{f.snapshot("C1"), f.snapshot("N1")}, "nothing changed, no key made")
}

// testBatchStoreCalls checks the adapters' batch calls: one bad item
// fails the call, names its position and writes nothing.
func testBatchStoreCalls(t *testing.T, open Opener) {
	ctx := context.Background()
	db := openT(t, open)
	vs, ks := db.Vault(), db.Keys()

	require.NoError(t, vs.PutRecord(ctx, write("S1", "customer", "e1", vault.ExpectAny)))
	require.NoError(t, vs.PlaceTombstone(ctx, vault.Fence{Subject: "S1", Tombstone: vault.Tombstone{Ref: []byte("ref-S1"), Created: t0},
		Records: []vault.RecordVersion{{Type: "customer", Version: 1}}}))
	err := vs.PutRecords(ctx, []vault.Write{write("S2", "customer", "e2", vault.ExpectAny), write("S1", "customer", "e3", vault.ExpectAny)})
	require.ErrorIs(t, err, vault.ErrForgotten)
	ie, ok := errors.AsType[*custos.ItemError](err)
	require.True(t, ok)
	assert.Equal(t, 1, ie.Index)
	_, err = vs.GetSubject(ctx, "S2")
	assert.ErrorIs(t, err, vault.ErrNotFound, "the good item was not written either")

	w := write("S3", "customer", "e3", vault.ExpectAny)
	w.ReplaceIndexes = []string{"customer.mobile.1"}
	w.Index = []vault.IndexEntry{{Index: "customer.mobile.1", Value: []byte{1, 2}, Check: []byte("c3")}}
	require.NoError(t, vs.PutRecords(ctx, []vault.Write{write("S2", "customer", "e2", vault.ExpectAny), w}))
	r, err := vs.GetRecord(ctx, "S3", "customer")
	require.NoError(t, err)
	assert.Equal(t, []byte("e3"), r.Envelope)
	c, err := vs.IndexCandidates(ctx, "customer", "customer.mobile.1", []byte{1, 2})
	require.NoError(t, err)
	assert.Equal(t, []vault.IndexCandidate{{Subject: "S3", Check: []byte("c3")}}, c)

	look, err := vs.LookupSubjects(ctx, []custos.SubjectID{"S1", "S2", "S9"}, [][]byte{[]byte("ref-S1"), []byte("ref-S2"), []byte("ref-S9")})
	require.NoError(t, err)
	require.Len(t, look, 3)
	assert.True(t, look[0].Forgotten)
	assert.True(t, look[1].Found)
	assert.Equal(t, custos.SubjectID("S2"), look[1].Subject.Subject)
	assert.False(t, look[1].Forgotten)
	assert.Equal(t, vault.SubjectLookup{}, look[2])

	dek := func(s string) keys.WrappedDEK {
		return keys.WrappedDEK{Subject: custos.SubjectID(s), Ref: []byte("ref-" + s), KEKID: "kek-1", Keyset: []byte("ks-" + s), Version: 1, Created: t0, Updated: t0}
	}
	require.NoError(t, ks.CreateDEK(ctx, dek("K1")))
	err = ks.CreateDEKs(ctx, []keys.WrappedDEK{dek("K2"), dek("K1")})
	require.ErrorIs(t, err, keys.ErrExists)
	ie, ok = errors.AsType[*custos.ItemError](err)
	require.True(t, ok)
	assert.Equal(t, 1, ie.Index)
	_, err = ks.GetDEK(ctx, "K2")
	assert.ErrorIs(t, err, keys.ErrNotFound, "none created")
	require.NoError(t, ks.CreateDEKs(ctx, []keys.WrappedDEK{dek("K2"), dek("K3")}))
	got, err := ks.GetDEKs(ctx, []custos.SubjectID{"K3", "K9", "K1", "K2"})
	require.NoError(t, err)
	assert.ElementsMatch(t, []keys.WrappedDEK{dek("K1"), dek("K2"), dek("K3")}, got)

	l := db.Ledger()
	require.NoError(t, l.AppendShred(ctx, keys.ShredEntry{Ref: []byte("ref-X"), At: t0}))
	gone, err := l.FindShredded(ctx, [][]byte{[]byte("ref-Y"), []byte("ref-X")})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("ref-X")}, gone)
}

// putBatchUnderFault runs a batch of two new customers and one existing
// with the k-th store call failing: afterwards either no record of the
// batch is stored or all are, and a rerun stores all, each customer with
// one key and one index entry.
func putBatchUnderFault(t *testing.T, open Opener, fl *Faults) {
	ctx := context.Background()
	f := buildFixture(t, open, &fixtureOptions{sharedLedger: true})
	f.customer("C1")
	items := []vault.Item{batchItem("B1", "13800000001"), batchItem("C1", "13800000002"), batchItem("B2", "13800000001")}
	mobiles := func() []string {
		out := make([]string, len(items))
		for i, it := range items {
			r, err := f.vault.Get(ctx, clerk, it.Subject, "customer", "mobile")
			switch {
			case errors.Is(err, vault.ErrNotFound):
				out[i] = "absent"
			case assert.NoError(t, err):
				out[i], _ = r.Values["mobile"].(string)
			}
		}
		return out
	}
	old := []string{"absent", "13800000000", "absent"}
	want := []string{"13800000001", "13800000002", "13800000001"}

	v, err := f.faultyVault(fl)
	if err == nil {
		err = v.PutBatch(ctx, clerk, "customer", items)
	}
	fl.Disarm()
	at := fmt.Sprintf("fault at %s", fl.Last())
	got := mobiles()
	if err == nil {
		assert.Equal(t, want, got, "a batch that reported success is stored (%s)", at)
	} else if !assert.ObjectsAreEqual(want, got) {
		assert.Equal(t, old, got, "none of the batch or all of it (%s)", at)
	}

	v, err = f.faultyVault(&Faults{})
	require.NoError(t, err)
	require.NoError(t, v.PutBatch(ctx, clerk, "customer", items), "the rerun completes (%s)", at)
	assert.Equal(t, want, mobiles())
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000001"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"B1", "B2"}, subjects(rs), "each found once (%s)", at)
	n, err := f.db.Keys().CountDEKs(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(3), n, "one key per customer, none made twice (%s)", at)
}
