package storetest

import (
	"context"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// FaultyIncident wraps an incident.Store so that f decides which of its
// calls fail.
func FaultyIncident(s incident.Store, f *Faults) incident.Store { return &faultyIncident{s: s, f: f} }

type faultyIncident struct {
	s incident.Store
	f *Faults
}

var _ incident.Store = (*faultyIncident)(nil)

func (w *faultyIncident) Create(ctx context.Context, r incident.Record, e incident.Entry) error {
	return w.f.Do("incident.Create", func() error { return w.s.Create(ctx, r, e) })
}

func (w *faultyIncident) Get(ctx context.Context, id string) (incident.Record, error) {
	return call(w.f, "incident.Get", func() (incident.Record, error) { return w.s.Get(ctx, id) })
}

func (w *faultyIncident) List(ctx context.Context, after string, limit int) ([]incident.Record, error) {
	return call(w.f, "incident.List", func() ([]incident.Record, error) { return w.s.List(ctx, after, limit) })
}

func (w *faultyIncident) Update(ctx context.Context, r incident.Record, e incident.Entry) error {
	return w.f.Do("incident.Update", func() error { return w.s.Update(ctx, r, e) })
}

func (w *faultyIncident) Timeline(ctx context.Context, id string, from int64, limit int) ([]incident.Entry, error) {
	return call(w.f, "incident.Timeline", func() ([]incident.Entry, error) { return w.s.Timeline(ctx, id, from, limit) })
}

func (w *faultyIncident) EntryByKey(ctx context.Context, id, key string) (incident.Entry, bool, error) {
	var ok bool
	e, err := call(w.f, "incident.EntryByKey", func() (incident.Entry, error) {
		e, found, err := w.s.EntryByKey(ctx, id, key)
		ok = found
		return e, err
	})
	return e, ok && err == nil, err
}

func (w *faultyIncident) AddAffected(ctx context.Context, id string, subjects []custos.SubjectID) (int64, error) {
	return call(w.f, "incident.AddAffected", func() (int64, error) { return w.s.AddAffected(ctx, id, subjects) })
}

func (w *faultyIncident) Affected(ctx context.Context, id string, after custos.SubjectID, limit int) ([]custos.SubjectID, error) {
	return call(w.f, "incident.Affected", func() ([]custos.SubjectID, error) { return w.s.Affected(ctx, id, after, limit) })
}

func (w *faultyIncident) Revoke(ctx context.Context, r incident.Revocation) error {
	return w.f.Do("incident.Revoke", func() error { return w.s.Revoke(ctx, r) })
}

func (w *faultyIncident) Revoked(ctx context.Context, actor string) (incident.Revocation, bool, error) {
	var ok bool
	r, err := call(w.f, "incident.Revoked", func() (incident.Revocation, error) {
		r, found, err := w.s.Revoked(ctx, actor)
		ok = found
		return r, err
	})
	return r, ok && err == nil, err
}
