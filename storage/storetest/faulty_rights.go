package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos/rights"
)

// FaultyRights wraps a rights.Store so that f decides which of its calls
// fail.
func FaultyRights(s rights.Store, f *Faults) rights.Store {
	return &faultyRights{s: s, f: f}
}

type faultyRights struct {
	s rights.Store
	f *Faults
}

var _ rights.Store = (*faultyRights)(nil)

func (w *faultyRights) Create(ctx context.Context, r rights.Request, e rights.Entry) (rights.Request, bool, error) {
	var created bool
	got, err := call(w.f, "rights.Create", func() (rights.Request, error) {
		var err error
		var out rights.Request
		out, created, err = w.s.Create(ctx, r, e)
		return out, err
	})
	if err != nil {
		created = false
	}
	return got, created, err
}

func (w *faultyRights) Get(ctx context.Context, id string) (rights.Request, error) {
	return call(w.f, "rights.Get", func() (rights.Request, error) { return w.s.Get(ctx, id) })
}

func (w *faultyRights) Advance(ctx context.Context, r rights.Request, e rights.Entry) error {
	return w.f.Do("rights.Advance", func() error { return w.s.Advance(ctx, r, e) })
}

func (w *faultyRights) History(ctx context.Context, id string) ([]rights.Entry, error) {
	return call(w.f, "rights.History", func() ([]rights.Entry, error) { return w.s.History(ctx, id) })
}

func (w *faultyRights) Due(ctx context.Context, until time.Time, after rights.DueKey, limit int) ([]rights.Request, error) {
	return call(w.f, "rights.Due", func() ([]rights.Request, error) { return w.s.Due(ctx, until, after, limit) })
}

func (w *faultyRights) List(ctx context.Context, after string, limit int) ([]rights.Request, error) {
	return call(w.f, "rights.List", func() ([]rights.Request, error) { return w.s.List(ctx, after, limit) })
}

func (w *faultyRights) OfSubject(ctx context.Context, key string, after string, limit int) ([]rights.Request, error) {
	return call(w.f, "rights.OfSubject", func() ([]rights.Request, error) { return w.s.OfSubject(ctx, key, after, limit) })
}
