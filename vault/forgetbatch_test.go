package vault_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var (
	batchClerk = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "servicing"}
	batchDPO   = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
	batchWhy   = vault.Erasure{Ground: "PIPL 47(1)(2): service ended", Policy: "lease-closed"}
)

// batchFixture is a vault on memstore whose Forget runs a plain eraser
// (so that every certificate is corrected once), with its stores
// possibly behind faults.
type batchFixture struct {
	t      *testing.T
	db     *memstore.Store
	kek    keys.KEK
	keys   *keys.Keyring
	vault  *vault.Vault
	events *storetest.Recorder
}

func newBatchFixture(t *testing.T) *batchFixture {
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	f := &batchFixture{t: t, db: memstore.New(), kek: kek, events: &storetest.Recorder{}}
	f.build(nil)
	return f
}

// build makes the keyring and vault afresh, as a new process would; with
// faults, every store call goes through them.
func (f *batchFixture) build(faults *storetest.Faults) {
	ks, ledger, vs := f.db.Keys(), f.db.Ledger(), f.db.Vault()
	if faults != nil {
		ks, ledger, vs = storetest.FaultyKeys(ks, faults), storetest.FaultyLedger(ledger, faults), storetest.FaultyVault(vs, faults)
	}
	var err error
	f.keys, err = keys.New(context.Background(), keys.Config{KEK: f.kek, Store: ks, Ledger: ledger})
	require.NoError(f.t, err)
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}}}}}}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": {"name"}}},
		"erasure":   {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict}},
	})
	require.NoError(f.t, err)
	f.vault, err = vault.New(vault.Config{Schema: s, Keys: f.keys, Store: vs, Authorizer: al, Recorder: f.events, Erasers: []custos.Eraser{&plainEraser{n: 1}}})
	require.NoError(f.t, err)
}

func (f *batchFixture) customers(subjects ...custos.SubjectID) {
	for _, s := range subjects {
		require.NoError(f.t, f.vault.Put(context.Background(), batchClerk, s, "customer", vault.Values{"name": "Synthetic " + string(s)}))
	}
}

// readable reports that the customer's record is still there to read.
func (f *batchFixture) readable(s custos.SubjectID) bool {
	_, err := f.vault.Get(context.Background(), batchClerk, s, "customer", "name")
	return err == nil
}

// standing returns the certificates of the customer's forget events that
// stand (last event of each ID allowed), latest version of each.
func (f *batchFixture) standing(s custos.SubjectID) map[string]vault.Certificate {
	out := map[string]vault.Certificate{}
	for _, e := range f.events.Events() {
		if e.Action != custos.ActionForget || e.Subject != s || e.Detail == "" {
			continue
		}
		var c vault.Certificate
		require.NoError(f.t, json.Unmarshal([]byte(e.Detail), &c))
		if e.Outcome == custos.OutcomeAllowed {
			out[c.ID] = c
		} else if e.Reason == "not-committed" {
			delete(out, c.ID)
		}
	}
	return out
}

func items(subjects ...custos.SubjectID) []vault.ForgetItem {
	out := make([]vault.ForgetItem, len(subjects))
	for i, s := range subjects {
		out[i] = vault.ForgetItem{Subject: s, Why: batchWhy}
	}
	return out
}

// TestForgetBatchRefusesBadInput: each bad batch fails whole with its own
// error, naming the item by position, and changes nothing.
func TestForgetBatchRefusesBadInput(t *testing.T) {
	many := make([]custos.SubjectID, vault.MaxForgetBatch+1)
	for i := range many {
		many[i] = custos.SubjectID(fmt.Sprintf("C%05d", i))
	}
	for _, tc := range []struct {
		name  string
		acc   custos.Access
		items []vault.ForgetItem
		want  error
		index int // -1: no item named
	}{
		{"over MaxForgetBatch", batchDPO, items(many...), vault.ErrBatch, -1},
		{"customer twice", batchDPO, items("C1", "C2", "C1"), vault.ErrBatch, 2},
		{"no ground", batchDPO, []vault.ForgetItem{{Subject: "C1", Why: batchWhy}, {Subject: "C2"}}, vault.ErrMissingField, 1},
		{"ground with a control character", batchDPO, []vault.ForgetItem{{Subject: "C1", Why: vault.Erasure{Ground: "PIPL\x0047"}}}, custos.ErrInvalidText, 0},
		{"empty subject", batchDPO, items("C1", ""), custos.ErrInvalidSubject, 1},
		{"purpose not allowed to forget", batchClerk, items("C1", "C2"), vault.ErrDenied, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newBatchFixture(t)
			f.customers("C1", "C2")
			got, err := f.vault.ForgetBatch(context.Background(), tc.acc, tc.items)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, got)
			ie, isItem := errors.AsType[*custos.ItemError](err)
			if tc.index < 0 {
				assert.False(t, isItem)
			} else {
				require.True(t, isItem, "an ItemError: %v", err)
				assert.Equal(t, tc.index, ie.Index)
			}
			assert.NotContains(t, err.Error(), "Synthetic")
			for _, s := range []custos.SubjectID{"C1", "C2"} {
				assert.True(t, f.readable(s), "%s unchanged", s)
				assert.Empty(t, f.standing(s), "no certificate issued for %s", s)
			}
		})
	}
	t.Run("empty batch", func(t *testing.T) {
		f := newBatchFixture(t)
		got, err := f.vault.ForgetBatch(context.Background(), batchDPO, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.Empty(t, f.events.Events())
	})
}

// TestForgetBatchAnswersEachAsForgetWould: the fresh customers are
// erased with one certificate each, recorded before the change and
// corrected once by the eraser's report, as Forget does; the others get
// Forget's answer for them; nobody outside the batch changes.
func TestForgetBatchAnswersEachAsForgetWould(t *testing.T) {
	ctx := context.Background()
	f := newBatchFixture(t)
	f.customers("C1", "C2", "C3", "C-restricted", "C-gone", "C-outside")
	require.NoError(t, f.vault.Restrict(ctx, batchDPO, "C-restricted", "AML Art. 34: kept 10 years"))
	earlier, err := f.vault.Forget(ctx, batchDPO, "C-gone", batchWhy)
	require.NoError(t, err)

	got, err := f.vault.ForgetBatch(ctx, batchDPO, items("C1", "C-restricted", "C2", "C-unknown", "C-gone", "C3"))
	require.NoError(t, err)
	require.Len(t, got, 6)

	ids := map[string]bool{}
	for _, i := range []int{0, 2, 5} {
		s := []custos.SubjectID{"C1", "C-restricted", "C2", "C-unknown", "C-gone", "C3"}[i]
		require.NoError(t, got[i].Err, "%s", s)
		c := got[i].Certificate
		assert.Equal(t, hex.EncodeToString(f.keys.Reference(s)), c.SubjectRef)
		assert.Equal(t, batchWhy.Ground, c.Ground)
		assert.Equal(t, batchWhy.Policy, c.Policy)
		assert.Equal(t, batchDPO.Actor.ID, c.Actor)
		assert.Equal(t, 1, c.Records)
		assert.Equal(t, earlier.Method, c.Method, "the same erasure as Forget's")
		assert.Equal(t, earlier.Categories, c.Categories)
		assert.Equal(t, []custos.Erased{{Component: "plain", Removed: 1}}, c.Erased, "corrected by the eraser's report")
		assert.False(t, ids[c.ID], "one certificate per customer")
		ids[c.ID] = true
		assert.Equal(t, map[string]vault.Certificate{c.ID: c}, f.standing(s), "the audit log holds that certificate, corrected")
		ts, err := f.db.Vault().GetTombstone(ctx, f.keys.Reference(s))
		require.NoError(t, err)
		assert.True(t, ts.Done)
		shredded, err := f.keys.Shredded(ctx, s)
		require.NoError(t, err)
		assert.True(t, shredded)
		_, err = f.vault.Get(ctx, batchClerk, s, "customer", "name")
		assert.ErrorIs(t, err, vault.ErrForgotten)
	}
	assert.ErrorIs(t, got[1].Err, vault.ErrRestricted)
	rec, err := f.db.Vault().GetRecord(ctx, "C-restricted", "customer")
	require.NoError(t, err, "the restricted customer's record stays")
	assert.True(t, rec.Restriction.Restricted)
	assert.ErrorIs(t, got[3].Err, vault.ErrNotFound)
	assert.ErrorIs(t, got[4].Err, vault.ErrForgotten)
	assert.Equal(t, earlier.ID, got[4].Certificate.ID, "the certificate of the erasure done (as its tombstone holds it)")
	assert.True(t, f.readable("C-outside"))
}

// TestForgetBatchFailsClosedWithoutAudit: when the events cannot be
// recorded, nothing changes and each customer's result wraps ErrAudit.
func TestForgetBatchFailsClosedWithoutAudit(t *testing.T) {
	ctx := context.Background()
	f := newBatchFixture(t)
	f.customers("C1", "C2")
	f.events.Fail(errors.New("audit store unavailable"))
	got, err := f.vault.ForgetBatch(ctx, batchDPO, items("C1", "C2"))
	require.NoError(t, err)
	for i, r := range got {
		assert.ErrorIs(t, r.Err, vault.ErrAudit, "item %d", i)
		assert.Zero(t, r.Certificate)
	}
	f.events.Fail(nil)
	for _, s := range []custos.SubjectID{"C1", "C2"} {
		assert.True(t, f.readable(s))
		_, err := f.db.Vault().GetTombstone(ctx, f.keys.Reference(s))
		assert.ErrorIs(t, err, vault.ErrNotFound, "no tombstone")
		shredded, err := f.keys.Shredded(ctx, s)
		require.NoError(t, err)
		assert.False(t, shredded, "key intact")
	}
}

// TestForgetBatchUnderEveryFault fails the k-th store call of a batch,
// for every k, once (the call fails or its answer is lost) and from then
// on (a crash, the rerun in a new process), then reruns the batch: every
// customer ends erased by exactly one erasure whose certificate the
// tombstone holds and the rerun returns; the customer outside the batch
// is untouched.
func TestForgetBatchUnderEveryFault(t *testing.T) {
	for _, sticky := range []bool{false, true} {
		for _, when := range []storetest.When{storetest.Before, storetest.After} {
			for k := 1; ; k++ {
				require.Less(t, k, 300, "the batch should make fewer store calls")
				faults := &storetest.Faults{}
				fired := false
				t.Run(fmt.Sprintf("sticky-%v-%s-call-%d", sticky, map[storetest.When]string{storetest.Before: "before", storetest.After: "after"}[when], k), func(t *testing.T) {
					ctx := context.Background()
					f := newBatchFixture(t)
					f.customers("C1", "C2", "C3", "C-outside")
					f.build(faults)
					faults.Arm(k, when, sticky)
					first, err := f.vault.ForgetBatch(ctx, batchDPO, items("C1", "C2", "C3"))
					fired = faults.Fired() > 0
					faults.Disarm()
					f.build(nil)
					again, err2 := f.vault.ForgetBatch(ctx, batchDPO, items("C1", "C2", "C3"))
					require.NoError(t, err2, "the rerun runs (first: %v)", err)
					for i, s := range []custos.SubjectID{"C1", "C2", "C3"} {
						ts, err := f.db.Vault().GetTombstone(ctx, f.keys.Reference(s))
						require.NoError(t, err, "%s fenced", s)
						assert.True(t, ts.Done, "%s erased", s)
						var kept vault.Certificate
						require.NoError(t, json.Unmarshal(ts.Certificate, &kept))
						standing := f.standing(s)
						require.Len(t, standing, 1, "%s erased by one erasure", s)
						assert.Contains(t, standing, kept.ID)
						if again[i].Err == nil {
							assert.Equal(t, standing[kept.ID], again[i].Certificate)
						} else {
							require.ErrorIs(t, again[i].Err, vault.ErrForgotten)
							assert.Equal(t, kept.ID, again[i].Certificate.ID)
						}
						if first != nil && first[i].Err == nil {
							assert.Equal(t, kept.ID, first[i].Certificate.ID, "the first run's certificate is the one kept")
						}
						shredded, err := f.keys.Shredded(ctx, s)
						require.NoError(t, err)
						assert.True(t, shredded)
					}
					assert.True(t, f.readable("C-outside"))
					assert.Empty(t, f.standing("C-outside"))
				})
				if !fired {
					break
				}
			}
		}
	}
}
