package storetest

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

func testForget(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	ref := f.keys.Reference("C1")

	cert, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47(1)(2): service ended", Policy: "lease-closed"})
	require.NoError(t, err)
	assert.Len(t, cert.ID, 32)
	assert.Equal(t, hex.EncodeToString(ref), cert.SubjectRef)
	assert.Equal(t, "staff-004", cert.Actor)
	assert.Equal(t, erasure, cert.Purpose)
	assert.Equal(t, "PIPL 47(1)(2): service ended", cert.Ground)
	assert.Equal(t, "lease-closed", cert.Policy)
	assert.Equal(t, 2, cert.Records)
	assert.Equal(t, t0, cert.ShreddedAt)
	assert.Contains(t, cert.Categories, vault.Category{RecordType: "customer", Field: "resident_id", Level: "C2", Sensitive: true})
	assert.Len(t, cert.Categories, 6, "every field that held data")
	assert.Len(t, cert.Digest(), 64)
	assert.NotContains(t, cert.SubjectRef, "C1")

	// The key, records and subject entry are gone; the ledger names the
	// customer by reference only.
	_, err = f.db.Keys().GetDEK(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrNotFound)
	_, err = f.db.Vault().GetSubject(ctx, "C1")
	assert.ErrorIs(t, err, vault.ErrNotFound)
	gone, err := f.ledger.Ledger().IsShredded(ctx, ref)
	require.NoError(t, err)
	assert.True(t, gone)

	// A forgotten customer has its own error, distinct from one never stored.
	_, err = f.vault.Get(ctx, clerk, "C1", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrForgotten)
	assert.NotErrorIs(t, err, vault.ErrNotFound)
	_, err = f.vault.Get(ctx, clerk, "C3", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrNotFound)
	assert.Equal(t, "forgotten", func() string {
		_, _ = f.vault.Get(ctx, clerk, "C1", "lease", "months")
		return f.events.last().Reason
	}())

	// Nor can it come back.
	assert.ErrorIs(t, f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "x"}), vault.ErrForgotten)
	_, err = f.db.Keys().GetDEK(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrNotFound, "no new key was made")
	_, err = f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "again"})
	assert.ErrorIs(t, err, vault.ErrForgotten)
	_, err = f.vault.Forget(ctx, dpo, "C3", vault.Erasure{Ground: "x"})
	assert.ErrorIs(t, err, vault.ErrNotFound)
	assert.ErrorIs(t, f.vault.Export(ctx, clerk, "C1", nil), vault.ErrForgotten)

	// Others are untouched.
	r, err := f.vault.Get(ctx, clerk, "C2", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C2"), r.Values["name"])
	var forgets []custos.Outcome
	for _, e := range f.events.all() {
		if e.Action == custos.ActionForget {
			forgets = append(forgets, e.Outcome)
			assert.Empty(t, e.Fields)
		}
	}
	assert.Equal(t, []custos.Outcome{custos.OutcomeAllowed, custos.OutcomeError, custos.OutcomeError}, forgets)
}

// testReapply restores a customer's rows as an old backup would, and checks
// that re-applying the shred ledger removes them again.
func testReapply(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	backup, other := f.snapshot("C1"), f.snapshot("C2")
	_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)

	// The restore: the database comes back from the backup, taken before
	// the tombstones; the ledger, kept apart, does not.
	named, err := f.db.Keys().ListKeys(ctx)
	require.NoError(t, err)
	f.db = openT(t, f.open)
	for _, k := range named {
		require.NoError(t, f.db.Keys().CreateKey(ctx, k))
	}
	require.NoError(t, f.db.Keys().CreateDEK(ctx, backup.DEK))
	require.NoError(t, f.db.Keys().CreateDEK(ctx, other.DEK))
	for _, r := range append(backup.Records, other.Records...) {
		require.NoError(t, f.db.Vault().PutRecord(ctx, vault.Write{Subject: r.Subject, Ref: f.keys.Reference(r.Subject), Type: r.Type, Envelope: r.Envelope, Expect: vault.ExpectAny, Time: r.Updated}))
	}
	fresh := f.newVault(f.keyring(f.kek)) // a process started after the restore
	_, err = fresh.Get(ctx, clerk, "C1", "customer", "name")
	require.NoError(t, err, "the restored backup brought the customer back")

	var calls int
	p, err := fresh.Reapply(ctx, func(vault.ReapplyProgress) { calls++ })
	require.NoError(t, err)
	assert.Equal(t, vault.ReapplyProgress{Seen: 1, Keys: 1, Subjects: 1}, p)
	assert.Positive(t, calls)
	_, err = fresh.Get(ctx, clerk, "C1", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrForgotten)
	_, err = f.db.Keys().GetDEK(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrNotFound)
	// The tombstones are back: no process writes the customer again.
	assert.ErrorIs(t, fresh.Put(ctx, clerk, "C1", "lease", vault.Values{"contract": "L-new"}), vault.ErrForgotten)
	require.ErrorIs(t, f.db.Keys().CreateDEK(ctx, backup.DEK), keys.ErrShredded)
	_, err = f.db.Vault().GetTombstone(ctx, f.keys.Reference("C1"))
	assert.NoError(t, err)
	_, err = fresh.Get(ctx, clerk, "C2", "customer", "name")
	assert.NoError(t, err, "customers not in the ledger stay")

	p, err = fresh.Reapply(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, vault.ReapplyProgress{Seen: 1}, p, "running twice is harmless")
}
