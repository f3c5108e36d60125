package transfer_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/transfer"
)

// frame is one frame of a bundle, for tests that take bundles apart.
type frame struct {
	kind    byte
	payload []byte
}

func splitFrames(t testing.TB, b []byte) []frame {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte(transfer.BundleMagic)))
	b = b[len(transfer.BundleMagic):]
	var out []frame
	for len(b) > 0 {
		k := b[0]
		n, m := binary.Uvarint(b[1:])
		require.Positive(t, m)
		start := 1 + m
		out = append(out, frame{k, b[start : start+int(n)]})
		b = b[start+int(n):]
	}
	return out
}

// customerFrames returns the customer frames of a bundle.
func customerFrames(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range splitFrames(t, b) {
		if f.kind == 'C' {
			out = append(out, f.payload)
		}
	}
	return out
}

func joinFrames(fs []frame) []byte {
	b := []byte(transfer.BundleMagic)
	for _, f := range fs {
		b = append(b, f.kind)
		b = binary.AppendUvarint(b, uint64(len(f.payload)))
		b = append(b, f.payload...)
	}
	return b
}

// untouched asserts that the acquirer holds nothing.
func untouched(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	n, err := w.to.db.Keys().CountDEKs(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "no key imported")
	for _, s := range []custos.SubjectID{"c-1", "c-2", "c-3"} {
		st, err := w.to.vault.SubjectState(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, custos.SubjectUnknown, st, "no record imported")
		recs, err := w.to.db.Consent().SubjectConsents(ctx, s)
		require.NoError(t, err)
		assert.Empty(t, recs, "no consent imported")
	}
	_, err = w.to.db.Transfer().GetImport(ctx, w.plan.ID)
	require.ErrorIs(t, err, transfer.ErrNotFound, "no import begun")
}

func TestImportRefusesBadBundles(t *testing.T) {
	w := newWorld(t, mergerPlan)
	good, _ := w.export(t)
	fs := splitFrames(t, good)
	require.Len(t, fs, 1+3*2+1+1, "header, 3 customers each with its audit trail, 1 notice, manifest")
	const c1, a1, c2, a2, c3, a3, notice, manifest = 1, 2, 3, 4, 5, 6, 7, 8
	_, _ = a1, a3

	flip := func(i, at int) []byte {
		c := make([]frame, len(fs))
		copy(c, fs)
		p := bytes.Clone(c[i].payload)
		p[at%len(p)] ^= 0x01
		c[i].payload = p
		return joinFrames(c)
	}
	without := func(i int) []byte {
		c := append([]frame(nil), fs[:i]...)
		return joinFrames(append(c, fs[i+1:]...))
	}
	swap := func(i, j int) []byte {
		c := append([]frame(nil), fs...)
		c[i], c[j] = c[j], c[i]
		return joinFrames(c)
	}
	dup := func(i int) []byte {
		c := append([]frame(nil), fs[:i+1]...)
		c = append(c, fs[i])
		return joinFrames(append(c, fs[i+1:]...))
	}
	// A customer of another bundle: the same seller exports a second
	// transfer with another customer set; its frame is spliced in.
	otherCustomer := func() []byte {
		c := append([]frame(nil), fs[:a3+1]...)
		p := bytes.Replace(bytes.Clone(fs[c3].payload), []byte(`"subject":"c-3"`), []byte(`"subject":"c-4"`), 1)
		q := bytes.Replace(bytes.Clone(fs[a3].payload), []byte(`"subject":"c-3"`), []byte(`"subject":"c-4"`), 1)
		c = append(c, frame{'C', p}, frame{'A', q})
		return joinFrames(append(c, fs[a3+1:]...))
	}
	// A customer and its trail removed together.
	withoutCustomer := func(i int) []byte {
		c := append([]frame(nil), fs[:i]...)
		return joinFrames(append(c, fs[i+2:]...))
	}
	swapCustomers := func(i, j int) []byte {
		c := append([]frame(nil), fs...)
		c[i], c[j] = c[j], c[i]
		c[i+1], c[j+1] = c[j+1], c[i+1]
		return joinFrames(c)
	}

	for _, tc := range []struct {
		name   string
		bundle []byte
		want   string
	}{
		{"a byte flipped in the header", flip(0, 40), ""},
		{"a byte flipped in a customer", flip(c2, 200), ""},
		{"a byte flipped in an audit trail", flip(a2, 300), "audit trail"},
		{"a byte flipped in a notice", flip(notice, 100), ""},
		{"a byte flipped in the manifest signature", flip(manifest, len(fs[manifest].payload)-10), "signature"},
		{"a customer removed", withoutCustomer(c2), "commits to 3 customers, the bundle holds 2"},
		{"a customer's audit trail removed", without(a2), "has no audit trail"},
		{"a customer added", otherCustomer(), "commits to 3 customers, the bundle holds 4"},
		{"two customers swapped", swapCustomers(c1, c3), "out of order"},
		{"a customer frame swapped with its trail", swap(c2, a2), "out of place"},
		{"a customer repeated", dup(c1), ""},
		{"the manifest removed (truncated)", without(manifest), "truncated: no manifest"},
		{"cut mid-frame", good[:len(good)-30], "truncated frame"},
		{"cut after the header", joinFrames(fs[:1]), "truncated: no manifest"},
		{"data after the manifest", append(bytes.Clone(good), 'C', 0), "data after the manifest"},
		{"not a bundle", []byte("hello"), "not a custos transfer bundle"},
		{"empty", nil, "not a custos transfer bundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(tc.bundle), w.ag, nil)
			require.ErrorIs(t, err, transfer.ErrBundle)
			if tc.want != "" {
				assert.Contains(t, err.Error(), tc.want)
			}
			untouched(t, w)
		})
	}

	t.Run("signed by another key", func(t *testing.T) {
		ag := w.ag
		ag.SellerVerifier = w.to.vkey
		_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(good), ag, nil)
		require.ErrorIs(t, err, transfer.ErrBundle)
		assert.Contains(t, err.Error(), "signature")
		untouched(t, w)
	})
	t.Run("audit trails checked with another log's key", func(t *testing.T) {
		ag := w.ag
		ag.SellerAudit = w.to.log.Verifier()
		_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(good), ag, nil)
		require.ErrorIs(t, err, transfer.ErrBundle)
		assert.Contains(t, err.Error(), "does not verify against the seller's log")
		untouched(t, w)
	})
	t.Run("a bundle of another transfer (replayed older bundle)", func(t *testing.T) {
		ag := w.ag
		ag.Transfer = "merger-2027"
		_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(good), ag, nil)
		require.ErrorIs(t, err, transfer.ErrBundle)
		assert.Contains(t, err.Error(), "replayed or misdirected")
		untouched(t, w)
	})
	t.Run("import with the wrong private key", func(t *testing.T) {
		other := newRecipient(t)
		a := w.to.acquirer(t, other)
		_, err := a.Import(context.Background(), seller, bytes.NewReader(good), w.ag, nil)
		require.ErrorIs(t, err, transfer.ErrBundle)
		assert.Contains(t, err.Error(), "not sealed to this acquirer's key")
		untouched(t, w)
	})
	t.Run("a purpose mapping that widens a purpose", func(t *testing.T) {
		ag := w.ag
		ag.Purposes = map[custos.PurposeID]custos.PurposeID{servicing: servicing, marketing: wide}
		_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(good), ag, nil)
		require.ErrorIs(t, err, transfer.ErrMapping)
		assert.Contains(t, err.Error(), "widens the purpose (field lease.contract)")
		untouched(t, w)
	})
	t.Run("a purpose left unmapped", func(t *testing.T) {
		ag := w.ag
		ag.Purposes = map[custos.PurposeID]custos.PurposeID{servicing: servicing}
		_, err := w.buy.Import(context.Background(), seller, bytes.NewReader(good), ag, nil)
		require.ErrorIs(t, err, transfer.ErrMapping)
		untouched(t, w)
	})
}

func TestImportRefusesCustomerAlreadyHeld(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	good, _ := w.export(t)
	w.to.customer("c-2", "13900000002")
	before, err := w.to.db.Vault().GetRecord(ctx, "c-2", "customer")
	require.NoError(t, err)
	_, err = w.buy.Import(ctx, seller, bytes.NewReader(good), w.ag, nil)
	require.ErrorIs(t, err, transfer.ErrExists)
	assert.Contains(t, err.Error(), "customer 1 of the bundle")
	n, err := w.to.db.Keys().CountDEKs(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the acquirer's own customer has a key")
	after, err := w.to.db.Vault().GetRecord(ctx, "c-2", "customer")
	require.NoError(t, err)
	assert.Equal(t, before.Envelope, after.Envelope, "the acquirer's customer is unchanged")
	_, err = w.to.keys.AEAD(ctx, "c-1")
	require.ErrorIs(t, err, keys.ErrNotFound, "nobody else imported")
}

func TestImportRefusesAnotherBundleOfATransferUnderWay(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	good, rep := w.export(t)
	// The state an interrupted import of an earlier bundle of the same
	// transfer leaves behind.
	other := bytes.Clone(rep.Manifest.Root)
	other[0] ^= 1
	require.NoError(t, w.to.db.Transfer().CreateImport(ctx, transfer.Import{ID: w.plan.ID, Root: other, Customers: 3, Started: t0}))
	_, err := w.buy.Import(ctx, seller, bytes.NewReader(good), w.ag, nil)
	require.ErrorIs(t, err, transfer.ErrBundle)
	assert.Contains(t, err.Error(), "another bundle of transfer merger-2026 is being imported")
	n, err := w.to.db.Keys().CountDEKs(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing imported")
}
