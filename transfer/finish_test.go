package transfer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

func TestFinishDestroysMovedCustomersAndKeepsRestricted(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	bundle, _ := w.export(t)
	got, err := w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.NoError(t, err)

	t.Run("a receipt signed by another key", func(t *testing.T) {
		_, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), w.exportedManifest(t), nil)
		require.ErrorIs(t, err, transfer.ErrBundle)
		st, err := w.from.vault.SubjectState(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, custos.SubjectActive, st, "nothing destroyed")
	})

	var certs []vault.Certificate
	rep, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), got.Receipt, &transfer.FinishOptions{Certificate: func(c vault.Certificate) { certs = append(certs, c) }})
	require.NoError(t, err)
	assert.Equal(t, transfer.FinishReport{Moved: 3, Destroyed: 2, Kept: 1}, rep)
	assert.Len(t, certs, 2)
	for s, want := range map[custos.SubjectID]custos.SubjectState{"c-1": custos.SubjectForgotten, "c-2": custos.SubjectForgotten, "c-3": custos.SubjectRestricted} {
		st, err := w.from.vault.SubjectState(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, want, st, string(s))
	}
	r, err := w.to.vault.Get(ctx, teller, "c-1", "lease", "contract")
	require.NoError(t, err, "the acquirer keeps reading")
	assert.Equal(t, "L-c-1", r.Values["contract"])
	has, err := w.from.keys.HasNamedKeyset(ctx, "custos.transfer."+w.plan.ID)
	require.NoError(t, err)
	assert.False(t, has, "the transfer key is destroyed")

	again, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), got.Receipt, nil)
	require.NoError(t, err)
	assert.Equal(t, rep, again, "a rerun reports the same")
}

// exportedManifest is the seller's own signed manifest: a note of the
// right root signed by the wrong party, which Finish must refuse.
func (w *world) exportedManifest(t *testing.T) []byte {
	t.Helper()
	_, rep := w.export(t)
	return rep.Manifest.Signed
}
