package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/vault"
)

func testKEKRotation(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	subjects := []custos.SubjectID{"C1", "C2", "C3", "C4", "C5"}
	envelopes := map[custos.SubjectID][]byte{}
	for _, s := range subjects {
		f.customer(s)
		envelopes[s] = f.envelope(s, "customer")
	}
	next, err := insecuredevkek.New()
	require.NoError(t, err)

	rotating := f.keyring(next, f.kek)
	var progress []keys.RewrapProgress
	p, err := rotating.Rewrap(ctx, keys.RewrapOptions{BatchSize: 2, Progress: func(p keys.RewrapProgress) { progress = append(progress, p) }})
	require.NoError(t, err)
	assert.Equal(t, keys.RewrapProgress{Total: 5, Seen: 5, Rewrapped: 5, Checkpoint: "C5"}, p)
	assert.Len(t, progress, 3, "one report per batch")

	// Only the new KEK is needed now, and no field ciphertext changed.
	v := f.newVault(f.keyring(next))
	for _, s := range subjects {
		r, err := v.Get(ctx, clerk, s, "customer", "name")
		require.NoError(t, err)
		assert.Equal(t, nameOf(s), r.Values["name"])
		assert.Equal(t, envelopes[s], f.envelope(s, "customer"), "field ciphertexts untouched")
		d, err := f.db.Keys().GetDEK(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, next.ID, d.KEKID)
	}

	// The old KEK alone no longer opens anything.
	_, err = keys.New(ctx, keys.Config{KEK: f.kek, Store: f.db.Keys(), Ledger: f.ledger.Ledger()})
	assert.ErrorIs(t, err, keys.ErrUnknownKEK)

	// Running again is harmless; resuming from a checkpoint skips.
	p, err = rotating.Rewrap(ctx, keys.RewrapOptions{After: "C3"})
	require.NoError(t, err)
	assert.Equal(t, keys.RewrapProgress{Total: 5, Seen: 2, Rewrapped: 0, Checkpoint: "C5"}, p)
}

func testDEKRotation(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	old := f.envelope("C1", "customer")
	require.NoError(t, f.keys.RotateDEK(ctx, "C1"))
	require.NoError(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000000"}))

	fsOld, err := parseEnvelope(old)
	require.NoError(t, err)
	fsNew, err := parseEnvelope(f.envelope("C1", "customer"))
	require.NoError(t, err)
	prefix := func(fs []field, n string) []byte {
		for _, f := range fs {
			if f.name == n {
				return f.ct[:5]
			}
		}
		return nil
	}
	assert.Equal(t, prefix(fsOld, "name"), prefix(fsNew, "name"), "untouched values keep the old key")
	assert.NotEqual(t, prefix(fsOld, "mobile"), prefix(fsNew, "mobile"), "new values use the new primary key")

	// Another process with the old keyset cached still reads both.
	other := f.newVault(f.keyring(f.kek))
	r, err := other.Get(ctx, clerk, "C1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": nameOf("C1"), "mobile": "13900000000"}, r.Values)
	assert.ErrorIs(t, f.keys.RotateDEK(ctx, "C404"), keys.ErrNotFound)

	// The sweep re-encrypts what the old key made, and only that.
	f.customer("C2")
	var reports int
	p, err := f.vault.Reencrypt(ctx, keeper, vault.ReencryptOptions{BatchSize: 1, Progress: func(vault.ReencryptProgress) { reports++ }})
	require.NoError(t, err)
	assert.Equal(t, vault.ReencryptProgress{Seen: 4, Reencrypted: 2, Type: "lease", Checkpoint: "C2"}, p, "C1's customer and lease records")
	assert.Equal(t, 4, reports)
	fsNow, err := parseEnvelope(f.envelope("C1", "customer"))
	require.NoError(t, err)
	for _, fl := range fsNow {
		assert.Equal(t, prefix(fsNew, "mobile"), fl.ct[:5], "field %s under the new primary key", fl.name)
	}
	r, err = other.Get(ctx, clerk, "C1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": nameOf("C1"), "mobile": "13900000000"}, r.Values)
	p, err = f.vault.Reencrypt(ctx, keeper, vault.ReencryptOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(0), p.Reencrypted, "a second sweep has nothing to do")
}
