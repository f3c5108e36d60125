package transfer_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/transfer"
)

// handover sets up a seller keyring with one customer's DEK, an acquirer
// keyring, and a transfer key sealed to the acquirer.
type handover struct {
	seller, acquirer *keys.Keyring
	acqDB            *memstore.Store
	rcpt             recipient
	tk               *keyset.Handle
	sealed           []byte
}

func newHandover(t *testing.T) *handover {
	t.Helper()
	h := &handover{seller: keyringOn(t, memstore.New()), acqDB: memstore.New(), rcpt: newRecipient(t)}
	h.acquirer = keyringOn(t, h.acqDB)
	var err error
	h.tk, err = keyset.NewHandle(transfer.TransferKeyTemplate())
	require.NoError(t, err)
	h.sealed, err = transfer.SealTransferKey(h.rcpt.public, "merger-2026", h.tk)
	require.NoError(t, err)
	return h
}

func TestKeyHandoverMovesCiphertextsByteForByte(t *testing.T) {
	ctx := context.Background()
	h := newHandover(t)
	a, err := h.seller.ForWrite(ctx, "c-1")
	require.NoError(t, err)
	ad := []byte("custos.field.v1 customer c-1 mobile")
	ct, err := a.Encrypt([]byte("13800000000"), ad)
	require.NoError(t, err)

	sellerKey, err := transfer.NewTransferKey("merger-2026", h.tk)
	require.NoError(t, err)
	wrapped, err := sellerKey.ExportDEK(ctx, h.seller, "c-1")
	require.NoError(t, err)
	again, err := sellerKey.ExportDEK(ctx, h.seller, "c-1")
	require.NoError(t, err)
	assert.Equal(t, wrapped, again, "an export run again writes the same bytes")

	// The acquirer opens the transfer key with its private key only.
	opened, err := transfer.OpenTransferKey(h.rcpt.private, "merger-2026", h.sealed)
	require.NoError(t, err)
	acqKey, err := transfer.NewTransferKey("merger-2026", opened)
	require.NoError(t, err)
	require.NoError(t, acqKey.ImportDEK(ctx, h.acquirer, "c-1", wrapped))
	require.NoError(t, acqKey.ImportDEK(ctx, h.acquirer, "c-1", wrapped), "importing again is a no-op")

	b, err := h.acquirer.AEAD(ctx, "c-1")
	require.NoError(t, err)
	pt, err := b.Decrypt(ct, ad)
	require.NoError(t, err, "the seller's ciphertext opens on the acquirer's side unchanged")
	assert.Equal(t, "13800000000", string(pt))

	// The acquirer's copy is wrapped by its own KEK: another keyring over
	// the same store with another KEK cannot open it.
	other := keyringOn(t, memstore.New())
	_, err = other.AEAD(ctx, "c-1")
	require.ErrorIs(t, err, keys.ErrNotFound)
}

func TestKeyHandoverRefusals(t *testing.T) {
	ctx := context.Background()
	h := newHandover(t)
	_, err := h.seller.ForWrite(ctx, "c-1")
	require.NoError(t, err)
	_, err = h.seller.ForWrite(ctx, "c-2")
	require.NoError(t, err)
	sellerKey, err := transfer.NewTransferKey("merger-2026", h.tk)
	require.NoError(t, err)
	wrapped, err := sellerKey.ExportDEK(ctx, h.seller, "c-1")
	require.NoError(t, err)

	t.Run("wrong private key", func(t *testing.T) {
		_, err := transfer.OpenTransferKey(newRecipient(t).private, "merger-2026", h.sealed)
		require.ErrorIs(t, err, transfer.ErrKey)
	})
	t.Run("another transfer id", func(t *testing.T) {
		_, err := transfer.OpenTransferKey(h.rcpt.private, "merger-2027", h.sealed)
		require.ErrorIs(t, err, transfer.ErrKey)
	})
	t.Run("sealed key altered", func(t *testing.T) {
		bad := append([]byte(nil), h.sealed...)
		bad[len(bad)/2] ^= 1
		_, err := transfer.OpenTransferKey(h.rcpt.private, "merger-2026", bad)
		require.ErrorIs(t, err, transfer.ErrKey)
	})
	t.Run("public key is not HPKE", func(t *testing.T) {
		_, err := transfer.SealTransferKey([]byte{1, 2, 3}, "merger-2026", h.tk)
		require.ErrorIs(t, err, transfer.ErrKey)
	})
	for _, tc := range []struct {
		name    string
		key     string
		subject custos.SubjectID
		bytes   func([]byte) []byte
	}{
		{"DEK moved to another customer", "merger-2026", "c-9", nil},
		{"DEK under another transfer", "merger-2027", "c-1", nil},
		{"DEK altered", "merger-2026", "c-1", func(b []byte) []byte { b = append([]byte(nil), b...); b[len(b)-3] ^= 1; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := transfer.NewTransferKey(tc.key, h.tk)
			require.NoError(t, err)
			b := wrapped
			if tc.bytes != nil {
				b = tc.bytes(wrapped)
			}
			require.ErrorIs(t, k.ImportDEK(ctx, h.acquirer, tc.subject, b), keys.ErrUnwrap)
			n, err := h.acqDB.Keys().CountDEKs(ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "nothing imported")
		})
	}
	t.Run("acquirer already holds the customer", func(t *testing.T) {
		acq := keyringOn(t, memstore.New())
		_, err := acq.ForWrite(ctx, "c-1")
		require.NoError(t, err)
		require.ErrorIs(t, sellerKey.ImportDEK(ctx, acq, "c-1", wrapped), keys.ErrExists)
	})
	t.Run("a sealed transfer key given as a DEK", func(t *testing.T) {
		other, err := keyset.NewHandle(transfer.TransferKeyTemplate())
		require.NoError(t, err)
		sealed, err := transfer.SealTransferKey(h.rcpt.public, "x", other)
		require.NoError(t, err)
		require.Error(t, sellerKey.ImportDEK(ctx, h.acquirer, "c-1", sealed))
	})
	t.Run("shredded customer does not export", func(t *testing.T) {
		_, err := h.seller.Shred(ctx, "c-2")
		require.NoError(t, err)
		_, err = sellerKey.ExportDEK(ctx, h.seller, "c-2")
		require.ErrorIs(t, err, keys.ErrShredded)
	})
}
