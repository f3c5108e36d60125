package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos/transfer"
)

// FaultyTransfer wraps a transfer.Store so that f decides which of its
// calls fail.
func FaultyTransfer(s transfer.Store, f *Faults) transfer.Store { return &faultyTransfer{s: s, f: f} }

type faultyTransfer struct {
	s transfer.Store
	f *Faults
}

var _ transfer.Store = (*faultyTransfer)(nil)

func (w *faultyTransfer) CreatePlan(ctx context.Context, p transfer.StoredPlan) error {
	return w.f.Do("transfer.CreatePlan", func() error { return w.s.CreatePlan(ctx, p) })
}

func (w *faultyTransfer) GetPlan(ctx context.Context, id string) (transfer.StoredPlan, error) {
	return call(w.f, "transfer.GetPlan", func() (transfer.StoredPlan, error) { return w.s.GetPlan(ctx, id) })
}

func (w *faultyTransfer) SetSealedKey(ctx context.Context, id string, sealed []byte) ([]byte, error) {
	return call(w.f, "transfer.SetSealedKey", func() ([]byte, error) { return w.s.SetSealedKey(ctx, id, sealed) })
}

func (w *faultyTransfer) SetExported(ctx context.Context, id string, root []byte, customers uint64) error {
	return w.f.Do("transfer.SetExported", func() error { return w.s.SetExported(ctx, id, root, customers) })
}

func (w *faultyTransfer) SetFinished(ctx context.Context, id string, at time.Time) error {
	return w.f.Do("transfer.SetFinished", func() error { return w.s.SetFinished(ctx, id, at) })
}

func (w *faultyTransfer) AddApproval(ctx context.Context, a transfer.Approval) error {
	return w.f.Do("transfer.AddApproval", func() error { return w.s.AddApproval(ctx, a) })
}

func (w *faultyTransfer) Approvals(ctx context.Context, id string) ([]transfer.Approval, error) {
	return call(w.f, "transfer.Approvals", func() ([]transfer.Approval, error) { return w.s.Approvals(ctx, id) })
}

func (w *faultyTransfer) CreateImport(ctx context.Context, im transfer.Import) error {
	return w.f.Do("transfer.CreateImport", func() error { return w.s.CreateImport(ctx, im) })
}

func (w *faultyTransfer) GetImport(ctx context.Context, id string) (transfer.Import, error) {
	return call(w.f, "transfer.GetImport", func() (transfer.Import, error) { return w.s.GetImport(ctx, id) })
}

func (w *faultyTransfer) FinishImport(ctx context.Context, id string, at time.Time) error {
	return w.f.Do("transfer.FinishImport", func() error { return w.s.FinishImport(ctx, id, at) })
}
