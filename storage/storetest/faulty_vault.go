package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// FaultyVault wraps a vault.Store so that f decides which of its calls
// fail.
func FaultyVault(s vault.Store, f *Faults) vault.Store { return &faultyVault{s: s, f: f} }

type faultyVault struct {
	s vault.Store
	f *Faults
}

var _ vault.Store = (*faultyVault)(nil)

func (w *faultyVault) GetRecord(ctx context.Context, subject custos.SubjectID, recordType string) (vault.Stored, error) {
	return call(w.f, "vault.GetRecord", func() (vault.Stored, error) { return w.s.GetRecord(ctx, subject, recordType) })
}

func (w *faultyVault) GetSubject(ctx context.Context, subject custos.SubjectID) (vault.Subject, error) {
	return call(w.f, "vault.GetSubject", func() (vault.Subject, error) { return w.s.GetSubject(ctx, subject) })
}

func (w *faultyVault) SubjectRecords(ctx context.Context, subject custos.SubjectID) ([]vault.Stored, error) {
	return call(w.f, "vault.SubjectRecords", func() ([]vault.Stored, error) { return w.s.SubjectRecords(ctx, subject) })
}

func (w *faultyVault) PutRecord(ctx context.Context, wr vault.Write) error {
	return w.f.Do("vault.PutRecord", func() error { return w.s.PutRecord(ctx, wr) })
}

func (w *faultyVault) PutRecords(ctx context.Context, ws []vault.Write) error {
	return w.f.Do("vault.PutRecords", func() error { return w.s.PutRecords(ctx, ws) })
}

func (w *faultyVault) LookupSubjects(ctx context.Context, subjects []custos.SubjectID, refs [][]byte) ([]vault.SubjectLookup, error) {
	return call(w.f, "vault.LookupSubjects", func() ([]vault.SubjectLookup, error) { return w.s.LookupSubjects(ctx, subjects, refs) })
}

func (w *faultyVault) SetRestriction(ctx context.Context, subject custos.SubjectID, r vault.Restriction) error {
	return w.f.Do("vault.SetRestriction", func() error { return w.s.SetRestriction(ctx, subject, r) })
}

func (w *faultyVault) GetTombstone(ctx context.Context, ref []byte) (vault.Tombstone, error) {
	return call(w.f, "vault.GetTombstone", func() (vault.Tombstone, error) { return w.s.GetTombstone(ctx, ref) })
}

func (w *faultyVault) PlaceTombstone(ctx context.Context, fence vault.Fence) error {
	return w.f.Do("vault.PlaceTombstone", func() error { return w.s.PlaceTombstone(ctx, fence) })
}

func (w *faultyVault) ForgetSubject(ctx context.Context, ref []byte, at time.Time) (vault.Deleted, error) {
	return call(w.f, "vault.ForgetSubject", func() (vault.Deleted, error) { return w.s.ForgetSubject(ctx, ref, at) })
}

func (w *faultyVault) IndexCandidates(ctx context.Context, recordType, index string, value []byte) ([]vault.IndexCandidate, error) {
	return call(w.f, "vault.IndexCandidates", func() ([]vault.IndexCandidate, error) {
		return w.s.IndexCandidates(ctx, recordType, index, value)
	})
}

func (w *faultyVault) ScanRecords(ctx context.Context, recordType string, after custos.SubjectID, limit int) ([]vault.Stored, error) {
	return call(w.f, "vault.ScanRecords", func() ([]vault.Stored, error) { return w.s.ScanRecords(ctx, recordType, after, limit) })
}

func (w *faultyVault) SetIndex(ctx context.Context, subject custos.SubjectID, recordType string, expect int64, replace []string, entries []vault.IndexEntry) error {
	return w.f.Do("vault.SetIndex", func() error { return w.s.SetIndex(ctx, subject, recordType, expect, replace, entries) })
}

func (w *faultyVault) DeleteIndex(ctx context.Context, index string) (int64, error) {
	return call(w.f, "vault.DeleteIndex", func() (int64, error) { return w.s.DeleteIndex(ctx, index) })
}
