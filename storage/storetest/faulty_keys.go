package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// FaultyKeys wraps a keys.Store so that f decides which of its calls fail.
func FaultyKeys(s keys.Store, f *Faults) keys.Store { return &faultyKeys{s: s, f: f} }

// FaultyLedger wraps a keys.Ledger so that f decides which of its calls
// fail.
func FaultyLedger(l keys.Ledger, f *Faults) keys.Ledger { return &faultyLedger{l: l, f: f} }

type faultyKeys struct {
	s keys.Store
	f *Faults
}

var _ keys.Store = (*faultyKeys)(nil)

func (w *faultyKeys) CreateDEK(ctx context.Context, d keys.WrappedDEK) error {
	return w.f.Do("keys.CreateDEK", func() error { return w.s.CreateDEK(ctx, d) })
}

func (w *faultyKeys) CreateDEKs(ctx context.Context, ds []keys.WrappedDEK) error {
	return w.f.Do("keys.CreateDEKs", func() error { return w.s.CreateDEKs(ctx, ds) })
}

func (w *faultyKeys) GetDEKs(ctx context.Context, subjects []custos.SubjectID) ([]keys.WrappedDEK, error) {
	return call(w.f, "keys.GetDEKs", func() ([]keys.WrappedDEK, error) { return w.s.GetDEKs(ctx, subjects) })
}

func (w *faultyKeys) GetDEK(ctx context.Context, subject custos.SubjectID) (keys.WrappedDEK, error) {
	return call(w.f, "keys.GetDEK", func() (keys.WrappedDEK, error) { return w.s.GetDEK(ctx, subject) })
}

func (w *faultyKeys) UpdateDEK(ctx context.Context, d keys.WrappedDEK) error {
	return w.f.Do("keys.UpdateDEK", func() error { return w.s.UpdateDEK(ctx, d) })
}

func (w *faultyKeys) DeleteDEK(ctx context.Context, subject custos.SubjectID) error {
	return w.f.Do("keys.DeleteDEK", func() error { return w.s.DeleteDEK(ctx, subject) })
}

func (w *faultyKeys) DeleteDEKByRef(ctx context.Context, ref []byte) (bool, error) {
	return call(w.f, "keys.DeleteDEKByRef", func() (bool, error) { return w.s.DeleteDEKByRef(ctx, ref) })
}

func (w *faultyKeys) ScanDEKs(ctx context.Context, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	return call(w.f, "keys.ScanDEKs", func() ([]keys.WrappedDEK, error) { return w.s.ScanDEKs(ctx, after, limit) })
}

func (w *faultyKeys) CountDEKs(ctx context.Context) (int64, error) {
	return call(w.f, "keys.CountDEKs", func() (int64, error) { return w.s.CountDEKs(ctx) })
}

func (w *faultyKeys) ScanGroupDEKs(ctx context.Context, group int64, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	return call(w.f, "keys.ScanGroupDEKs", func() ([]keys.WrappedDEK, error) { return w.s.ScanGroupDEKs(ctx, group, after, limit) })
}

func (w *faultyKeys) CreateGroup(ctx context.Context, g keys.Group) error {
	return w.f.Do("keys.CreateGroup", func() error { return w.s.CreateGroup(ctx, g) })
}

func (w *faultyKeys) GetGroup(ctx context.Context, id int64) (keys.Group, error) {
	return call(w.f, "keys.GetGroup", func() (keys.Group, error) { return w.s.GetGroup(ctx, id) })
}

func (w *faultyKeys) UpdateGroup(ctx context.Context, g keys.Group) error {
	return w.f.Do("keys.UpdateGroup", func() error { return w.s.UpdateGroup(ctx, g) })
}

func (w *faultyKeys) DueGroups(ctx context.Context, dirtyBefore time.Time, after int64, limit int) ([]keys.Group, error) {
	return call(w.f, "keys.DueGroups", func() ([]keys.Group, error) { return w.s.DueGroups(ctx, dirtyBefore, after, limit) })
}

// Scrub passes on to the wrapped store's Scrub, if it has one, as one more
// store call.
func (w *faultyKeys) Scrub(ctx context.Context) error {
	return w.f.Do("keys.Scrub", func() error {
		if s, ok := w.s.(keys.Scrubber); ok {
			return s.Scrub(ctx)
		}
		return nil
	})
}

func (w *faultyKeys) CreateKey(ctx context.Context, k keys.WrappedKey) error {
	return w.f.Do("keys.CreateKey", func() error { return w.s.CreateKey(ctx, k) })
}

func (w *faultyKeys) GetKey(ctx context.Context, name string) (keys.WrappedKey, error) {
	return call(w.f, "keys.GetKey", func() (keys.WrappedKey, error) { return w.s.GetKey(ctx, name) })
}

func (w *faultyKeys) UpdateKey(ctx context.Context, k keys.WrappedKey) error {
	return w.f.Do("keys.UpdateKey", func() error { return w.s.UpdateKey(ctx, k) })
}

func (w *faultyKeys) ListKeys(ctx context.Context) ([]keys.WrappedKey, error) {
	return call(w.f, "keys.ListKeys", func() ([]keys.WrappedKey, error) { return w.s.ListKeys(ctx) })
}

func (w *faultyKeys) DeleteKey(ctx context.Context, name string) error {
	return w.f.Do("keys.DeleteKey", func() error { return w.s.DeleteKey(ctx, name) })
}

type faultyLedger struct {
	l keys.Ledger
	f *Faults
}

var _ keys.Ledger = (*faultyLedger)(nil)

func (w *faultyLedger) AppendShred(ctx context.Context, e keys.ShredEntry) error {
	return w.f.Do("ledger.AppendShred", func() error { return w.l.AppendShred(ctx, e) })
}

func (w *faultyLedger) IsShredded(ctx context.Context, ref []byte) (bool, error) {
	return call(w.f, "ledger.IsShredded", func() (bool, error) { return w.l.IsShredded(ctx, ref) })
}

func (w *faultyLedger) FindShredded(ctx context.Context, refs [][]byte) ([][]byte, error) {
	return call(w.f, "ledger.FindShredded", func() ([][]byte, error) { return w.l.FindShredded(ctx, refs) })
}

func (w *faultyLedger) ScanShreds(ctx context.Context, after []byte, limit int) ([]keys.ShredEntry, error) {
	return call(w.f, "ledger.ScanShreds", func() ([]keys.ShredEntry, error) { return w.l.ScanShreds(ctx, after, limit) })
}
