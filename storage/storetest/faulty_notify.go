package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// FaultyNotify wraps a notify.Store so that f decides which of its calls
// fail.
func FaultyNotify(s notify.Store, f *Faults) notify.Store { return &faultyNotify{s: s, f: f} }

type faultyNotify struct {
	s notify.Store
	f *Faults
}

var _ notify.Store = (*faultyNotify)(nil)

type enqueued struct {
	m     notify.Stored
	added bool
}

func (w *faultyNotify) Enqueue(ctx context.Context, m notify.Stored) (notify.Stored, bool, error) {
	r, err := call(w.f, "notify.Enqueue", func() (enqueued, error) {
		got, added, err := w.s.Enqueue(ctx, m)
		return enqueued{got, added}, err
	})
	return r.m, r.added, err
}

func (w *faultyNotify) Get(ctx context.Context, id string) (notify.Stored, error) {
	return call(w.f, "notify.Get", func() (notify.Stored, error) { return w.s.Get(ctx, id) })
}

func (w *faultyNotify) Claim(ctx context.Context, c notify.Claim) ([]notify.Stored, error) {
	return call(w.f, "notify.Claim", func() ([]notify.Stored, error) { return w.s.Claim(ctx, c) })
}

func (w *faultyNotify) Finish(ctx context.Context, f notify.Finish) error {
	return w.f.Do("notify.Finish", func() error { return w.s.Finish(ctx, f) })
}

func (w *faultyNotify) Attempts(ctx context.Context, id string) ([]notify.Attempt, error) {
	return call(w.f, "notify.Attempts", func() ([]notify.Attempt, error) { return w.s.Attempts(ctx, id) })
}

func (w *faultyNotify) Counts(ctx context.Context) (notify.Counts, error) {
	return call(w.f, "notify.Counts", func() (notify.Counts, error) { return w.s.Counts(ctx) })
}

func (w *faultyNotify) List(ctx context.Context, st notify.State, after string, limit int) ([]notify.Stored, error) {
	return call(w.f, "notify.List", func() ([]notify.Stored, error) { return w.s.List(ctx, st, after, limit) })
}

func (w *faultyNotify) Retry(ctx context.Context, id string, now time.Time) error {
	return w.f.Do("notify.Retry", func() error { return w.s.Retry(ctx, id, now) })
}

func (w *faultyNotify) EraseSubject(ctx context.Context, subject custos.SubjectID) (int, error) {
	return call(w.f, "notify.EraseSubject", func() (int, error) { return w.s.EraseSubject(ctx, subject) })
}
