package storetest

import (
	"context"

	"github.com/custos-go/custos/audit"
)

// FaultyAudit wraps an audit.Store so that f decides which of its calls
// fail. When s is an audit.IndexedStore, so is the wrapper.
func FaultyAudit(s audit.Store, f *Faults) audit.Store {
	if ix, ok := s.(audit.IndexedStore); ok {
		return &faultyIndexedAudit{faultyAudit{s: s, f: f}, ix}
	}
	return &faultyAudit{s: s, f: f}
}

type faultyIndexedAudit struct {
	faultyAudit
	ix audit.IndexedStore
}

var _ audit.IndexedStore = (*faultyIndexedAudit)(nil)

func (w *faultyIndexedAudit) ActorLeaves(ctx context.Context, q audit.ActorLookup, from audit.Position, limit int) ([]audit.Leaf, error) {
	return call(w.f, "audit.ActorLeaves", func() ([]audit.Leaf, error) { return w.ix.ActorLeaves(ctx, q, from, limit) })
}

func (w *faultyIndexedAudit) RefLeaves(ctx context.Context, period string, ref []byte, from uint64, limit int) ([]audit.Leaf, error) {
	return call(w.f, "audit.RefLeaves", func() ([]audit.Leaf, error) { return w.ix.RefLeaves(ctx, period, ref, from, limit) })
}

func (w *faultyIndexedAudit) RefPeriods(ctx context.Context) ([]string, error) {
	return call(w.f, "audit.RefPeriods", func() ([]string, error) { return w.ix.RefPeriods(ctx) })
}

type faultyAudit struct {
	s audit.Store
	f *Faults
}

var _ audit.Store = (*faultyAudit)(nil)

func (w *faultyAudit) Append(ctx context.Context, extend audit.Extend) error {
	return w.f.Do("audit.Append", func() error { return w.s.Append(ctx, extend) })
}

func (w *faultyAudit) Head(ctx context.Context) (audit.Head, error) {
	return call(w.f, "audit.Head", func() (audit.Head, error) { return w.s.Head(ctx) })
}

func (w *faultyAudit) ReadLeaves(ctx context.Context, from uint64, limit int) ([]audit.Leaf, error) {
	return call(w.f, "audit.ReadLeaves", func() ([]audit.Leaf, error) { return w.s.ReadLeaves(ctx, from, limit) })
}

func (w *faultyAudit) ReadHashes(ctx context.Context, indexes []uint64) ([][]byte, error) {
	return call(w.f, "audit.ReadHashes", func() ([][]byte, error) { return w.s.ReadHashes(ctx, indexes) })
}

func (w *faultyAudit) SaveCheckpoint(ctx context.Context, c audit.SavedCheckpoint) error {
	return w.f.Do("audit.SaveCheckpoint", func() error { return w.s.SaveCheckpoint(ctx, c) })
}

func (w *faultyAudit) ScanCheckpoints(ctx context.Context, from uint64, limit int) ([]audit.SavedCheckpoint, error) {
	return call(w.f, "audit.ScanCheckpoints", func() ([]audit.SavedCheckpoint, error) { return w.s.ScanCheckpoints(ctx, from, limit) })
}

func (w *faultyAudit) CreateSigningKey(ctx context.Context, k audit.SigningKey) error {
	return w.f.Do("audit.CreateSigningKey", func() error { return w.s.CreateSigningKey(ctx, k) })
}

func (w *faultyAudit) SigningKey(ctx context.Context) (audit.SigningKey, error) {
	return call(w.f, "audit.SigningKey", func() (audit.SigningKey, error) { return w.s.SigningKey(ctx) })
}
