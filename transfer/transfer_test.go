package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

func TestMergerEndToEnd(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	bundle, rep := w.export(t)
	assert.Equal(t, int64(3), rep.Moved)
	again, rep2 := w.export(t)
	assert.Equal(t, rep.Manifest.Root, rep2.Manifest.Root, "an export run again has the same root")
	assert.Equal(t, customerFrames(t, bundle), customerFrames(t, again), "and the same customer frames")

	var trail transfer.AuditTrail
	for _, f := range splitFrames(t, bundle) {
		if f.kind == 'A' {
			require.NoError(t, json.Unmarshal(f.payload, &trail))
			break
		}
	}
	assert.Equal(t, custos.SubjectID("c-1"), trail.Subject)
	assert.GreaterOrEqual(t, len(trail.Entries), 3, "c-1's puts and reads travel with their proofs")

	got, err := w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), got.Customers)
	receipt, err := transfer.OpenReceipt(got.Receipt, w.to.vkey)
	require.NoError(t, err)
	assert.Equal(t, rep.Manifest.Root, receipt.Root, "the receipt names the same root")

	// Field ciphertexts moved byte for byte.
	for _, s := range []custos.SubjectID{"c-1", "c-2", "c-3"} {
		for _, typ := range []string{"customer", "lease"} {
			a, err := w.from.db.Vault().GetRecord(ctx, s, typ)
			require.NoError(t, err)
			b, err := w.to.db.Vault().GetRecord(ctx, s, typ)
			require.NoError(t, err)
			assert.Equal(t, a.Envelope, b.Envelope)
		}
		_, err := w.to.db.Vault().GetRecord(ctx, s, "scoring")
		require.ErrorIs(t, err, vault.ErrNotFound, "record types out of scope stay")
	}

	// The acquirer reads for an original purpose, finds through its own
	// rebuilt index, and keeps consents and restrictions.
	r, err := w.to.vault.Get(ctx, teller, "c-1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, "13800000001", r.Values["mobile"].(string))
	found, err := w.to.vault.Find(ctx, teller, "customer", vault.Values{"mobile": "13800000002"}, "name")
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, custos.SubjectID("c-2"), found[0].Subject)

	mk := custos.Access{Actor: custos.Actor{ID: "staff-mk", Role: "marketer"}, Purpose: marketing}
	_, err = w.to.vault.Get(ctx, mk, "c-2", "customer", "mobile")
	require.NoError(t, err, "c-2's marketing consent travelled and is live")
	_, err = w.to.vault.Get(ctx, mk, "c-1", "customer", "mobile")
	require.ErrorIs(t, err, vault.ErrDenied, "c-1 never consented")
	wideAcc := custos.Access{Actor: custos.Actor{ID: "staff-mk", Role: "marketer"}, Purpose: wide}
	_, err = w.to.vault.Get(ctx, wideAcc, "c-2", "customer", "mobile")
	require.ErrorIs(t, err, vault.ErrDenied, "a new purpose needs new consent")

	_, err = w.to.vault.Get(ctx, teller, "c-3", "customer", "name")
	require.ErrorIs(t, err, vault.ErrRestricted, "the restriction travelled")

	st, err := w.to.reg.Status(ctx, mk, "c-2", marketing)
	require.NoError(t, err)
	assert.True(t, st.State.Permits())
	from, err := w.from.reg.Status(ctx, mk, "c-2", marketing)
	require.NoError(t, err)
	assert.Equal(t, from.Record.ID, st.Record.ID, "the consent record keeps its id")
	assert.Equal(t, from.Record.Version+1, st.Record.Version, "its history plus the transfer entry")

	// Retention clocks and holds continue (RULES M5).
	for _, s := range []custos.SubjectID{"c-1", "c-2"} {
		was, err := w.from.ret.ExportSubject(ctx, seller, s)
		require.NoError(t, err)
		now, err := w.to.ret.ExportSubject(ctx, seller, s)
		require.NoError(t, err)
		assert.Equal(t, was.Clocks, now.Clocks, string(s))
		require.Len(t, now.Holds, 1, "the hold naming the customer travelled, narrowed to it")
		h := now.Holds[0]
		assert.Equal(t, []string{"staff-records", "case-2026-civil-0042"}, []string{h.Owner, h.Reason})
		assert.Equal(t, []custos.SubjectID{s}, h.Subjects)
	}
	c1, err := w.to.ret.ExportSubject(ctx, seller, "c-1")
	require.NoError(t, err)
	require.Len(t, c1.Clocks, 1)
	assert.Equal(t, t0, c1.Clocks[0].Started, "the AML clock keeps its start")
	assert.Equal(t, t0.AddDate(10, 0, 0), c1.Clocks[0].Due)

	// Run again: refused as replayed, nothing changes.
	_, err = w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.ErrorIs(t, err, transfer.ErrBundle)
	assert.Contains(t, err.Error(), "imported already")
}
