package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// FaultyConsent wraps a consent.Store so that f decides which of its calls
// fail.
func FaultyConsent(s consent.Store, f *Faults) consent.Store { return &faultyConsent{s: s, f: f} }

type faultyConsent struct {
	s consent.Store
	f *Faults
}

var _ consent.Store = (*faultyConsent)(nil)

func (w *faultyConsent) PutNotice(ctx context.Context, n consent.PublishedNotice) error {
	return w.f.Do("consent.PutNotice", func() error { return w.s.PutNotice(ctx, n) })
}

func (w *faultyConsent) GetNotice(ctx context.Context, version string) (consent.PublishedNotice, error) {
	return call(w.f, "consent.GetNotice", func() (consent.PublishedNotice, error) { return w.s.GetNotice(ctx, version) })
}

func (w *faultyConsent) GetConsent(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) (consent.Record, error) {
	return call(w.f, "consent.GetConsent", func() (consent.Record, error) { return w.s.GetConsent(ctx, subject, purpose) })
}

func (w *faultyConsent) SubjectConsents(ctx context.Context, subject custos.SubjectID) ([]consent.Record, error) {
	return call(w.f, "consent.SubjectConsents", func() ([]consent.Record, error) { return w.s.SubjectConsents(ctx, subject) })
}

func (w *faultyConsent) History(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) ([]consent.Entry, error) {
	return call(w.f, "consent.History", func() ([]consent.Entry, error) { return w.s.History(ctx, subject, purpose) })
}

func (w *faultyConsent) Apply(ctx context.Context, writes []consent.Write) error {
	return w.f.Do("consent.Apply", func() error { return w.s.Apply(ctx, writes) })
}

func (w *faultyConsent) Erase(ctx context.Context, e consent.Erasure) error {
	return w.f.Do("consent.Erase", func() error { return w.s.Erase(ctx, e) })
}

func (w *faultyConsent) GetErasure(ctx context.Context, ref []byte) (consent.Erasure, error) {
	return call(w.f, "consent.GetErasure", func() (consent.Erasure, error) { return w.s.GetErasure(ctx, ref) })
}

func (w *faultyConsent) PurgeProof(ctx context.Context, t time.Time, limit int) (int, error) {
	return call(w.f, "consent.PurgeProof", func() (int, error) { return w.s.PurgeProof(ctx, t, limit) })
}
