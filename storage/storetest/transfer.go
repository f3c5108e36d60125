package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

// transferAdapter is an adapter that also holds transfer state.
type transferAdapter interface {
	Transfer() transfer.Store
}

func transferStoreOf(t *testing.T, a Adapter) transfer.Store {
	t.Helper()
	s, ok := a.(transferAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Transfer() transfer.Store method", a)
	}
	return s.Transfer()
}

// RunTransferStore checks the contract of transfer.Store on adapters made
// by open.
func RunTransferStore(t *testing.T, open Opener) {
	t.Run("plans", func(t *testing.T) { transferPlans(t, transferStoreOf(t, openT(t, open))) })
	t.Run("approvals", func(t *testing.T) { transferApprovals(t, transferStoreOf(t, openT(t, open))) })
	t.Run("imports", func(t *testing.T) { transferImports(t, transferStoreOf(t, openT(t, open))) })
}

func transferPlans(t *testing.T, s transfer.Store) {
	ctx := context.Background()
	p := transfer.StoredPlan{ID: "merger-2026", Plan: []byte(`{"id":"merger-2026"}`), Digest: []byte{1, 2, 3}, Proposed: t0, By: "staff-dpo"}
	_, err := s.GetPlan(ctx, p.ID)
	require.ErrorIs(t, err, transfer.ErrNotFound)
	require.NoError(t, s.CreatePlan(ctx, p))
	other := p
	other.Plan = []byte(`{}`)
	require.ErrorIs(t, s.CreatePlan(ctx, other), transfer.ErrExists)
	got, err := s.GetPlan(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got, "stored as given; the first plan stays")

	first, err := s.SetSealedKey(ctx, p.ID, []byte("sealed-1"))
	require.NoError(t, err)
	assert.Equal(t, []byte("sealed-1"), first)
	second, err := s.SetSealedKey(ctx, p.ID, []byte("sealed-2"))
	require.NoError(t, err)
	assert.Equal(t, []byte("sealed-1"), second, "the first key wins")
	_, err = s.SetSealedKey(ctx, "missing", []byte("x"))
	require.ErrorIs(t, err, transfer.ErrNotFound)

	require.NoError(t, s.SetExported(ctx, p.ID, []byte("root-1"), 3))
	require.NoError(t, s.SetExported(ctx, p.ID, []byte("root-2"), 4))
	require.ErrorIs(t, s.SetExported(ctx, "missing", []byte("r"), 1), transfer.ErrNotFound)
	require.NoError(t, s.SetFinished(ctx, p.ID, t0.Add(time.Hour)))
	require.NoError(t, s.SetFinished(ctx, p.ID, t0.Add(2*time.Hour)))
	require.ErrorIs(t, s.SetFinished(ctx, "missing", t0), transfer.ErrNotFound)
	got, err = s.GetPlan(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, []byte("root-2"), got.Root, "the latest export")
	assert.Equal(t, uint64(4), got.Customers)
	assert.Equal(t, t0.Add(time.Hour), got.Finished, "the first finish stays")
	assert.Equal(t, []byte("sealed-1"), got.SealedKey)
}

func transferApprovals(t *testing.T, s transfer.Store) {
	ctx := context.Background()
	require.NoError(t, s.CreatePlan(ctx, transfer.StoredPlan{ID: "t1", Plan: []byte(`{}`), Digest: []byte{9}, Proposed: t0, By: "a"}))
	a := transfer.Approval{TransferID: "t1", Digest: []byte{9}, Approver: custos.Actor{ID: "staff-z", Role: "dpo"}, At: t0}
	b := transfer.Approval{TransferID: "t1", Digest: []byte{9}, Approver: custos.Actor{ID: "staff-a", Role: "general-counsel"}, At: t0}
	none, err := s.Approvals(ctx, "t1")
	require.NoError(t, err)
	assert.Empty(t, none)
	require.NoError(t, s.AddApproval(ctx, a))
	require.NoError(t, s.AddApproval(ctx, b))
	again := a
	again.Approver.Role = "general-counsel"
	require.ErrorIs(t, s.AddApproval(ctx, again), transfer.ErrExists, "one approval per person")
	missing := a
	missing.TransferID = "t2"
	require.ErrorIs(t, s.AddApproval(ctx, missing), transfer.ErrNotFound)
	got, err := s.Approvals(ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, []transfer.Approval{a, b}, got, "in the order stored")
}

func transferImports(t *testing.T, s transfer.Store) {
	ctx := context.Background()
	im := transfer.Import{ID: "t1", Root: []byte("root"), Customers: 3, Header: []byte("h"), Notices: []byte("n"), Started: t0}
	_, err := s.GetImport(ctx, "t1")
	require.ErrorIs(t, err, transfer.ErrNotFound)
	require.NoError(t, s.CreateImport(ctx, im))
	require.ErrorIs(t, s.CreateImport(ctx, im), transfer.ErrExists)
	got, err := s.GetImport(ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, im, got)
	require.NoError(t, s.FinishImport(ctx, "t1", t0.Add(time.Minute)))
	require.NoError(t, s.FinishImport(ctx, "t1", t0.Add(time.Hour)))
	require.ErrorIs(t, s.FinishImport(ctx, "t2", t0), transfer.ErrNotFound)
	got, err = s.GetImport(ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute), got.Done, "the first finish stays")
}
