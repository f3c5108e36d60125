package storetest

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// FaultyRetention wraps a retention.Store so that f decides which of its
// calls fail.
func FaultyRetention(s retention.Store, f *Faults) retention.Store {
	return &faultyRetention{s: s, f: f}
}

type faultyRetention struct {
	s retention.Store
	f *Faults
}

var _ retention.Store = (*faultyRetention)(nil)

func (w *faultyRetention) PutClock(ctx context.Context, c retention.Clock) (bool, error) {
	return call(w.f, "retention.PutClock", func() (bool, error) { return w.s.PutClock(ctx, c) })
}

func (w *faultyRetention) SetNext(ctx context.Context, subject custos.SubjectID, rule string, started, next time.Time) error {
	return w.f.Do("retention.SetNext", func() error { return w.s.SetNext(ctx, subject, rule, started, next) })
}

func (w *faultyRetention) Clocks(ctx context.Context, subject custos.SubjectID) ([]retention.Clock, error) {
	return call(w.f, "retention.Clocks", func() ([]retention.Clock, error) { return w.s.Clocks(ctx, subject) })
}

func (w *faultyRetention) DueClocks(ctx context.Context, at time.Time, after retention.DueKey, limit int) ([]retention.Clock, error) {
	return call(w.f, "retention.DueClocks", func() ([]retention.Clock, error) { return w.s.DueClocks(ctx, at, after, limit) })
}

func (w *faultyRetention) DeleteClocks(ctx context.Context, subject custos.SubjectID) (int, error) {
	return call(w.f, "retention.DeleteClocks", func() (int, error) { return w.s.DeleteClocks(ctx, subject) })
}

func (w *faultyRetention) Destroyed(ctx context.Context, subject custos.SubjectID, d retention.Destruction) error {
	return w.f.Do("retention.Destroyed", func() error { return w.s.Destroyed(ctx, subject, d) })
}

func (w *faultyRetention) GetDestruction(ctx context.Context, ref string) (retention.Destruction, error) {
	return call(w.f, "retention.GetDestruction", func() (retention.Destruction, error) { return w.s.GetDestruction(ctx, ref) })
}

func (w *faultyRetention) Destructions(ctx context.Context, after string, limit int) ([]retention.Destruction, error) {
	return call(w.f, "retention.Destructions", func() ([]retention.Destruction, error) { return w.s.Destructions(ctx, after, limit) })
}

func (w *faultyRetention) PutHold(ctx context.Context, h retention.Hold) error {
	return w.f.Do("retention.PutHold", func() error { return w.s.PutHold(ctx, h) })
}

func (w *faultyRetention) GetHold(ctx context.Context, id string) (retention.Hold, error) {
	return call(w.f, "retention.GetHold", func() (retention.Hold, error) { return w.s.GetHold(ctx, id) })
}

func (w *faultyRetention) ReleaseHold(ctx context.Context, id string, at time.Time, by string) error {
	return w.f.Do("retention.ReleaseHold", func() error { return w.s.ReleaseHold(ctx, id, at, by) })
}

func (w *faultyRetention) Holds(ctx context.Context, subject custos.SubjectID, at time.Time) ([]retention.Hold, error) {
	return call(w.f, "retention.Holds", func() ([]retention.Hold, error) { return w.s.Holds(ctx, subject, at) })
}

func (w *faultyRetention) SweepMark(ctx context.Context) (time.Time, error) {
	return call(w.f, "retention.SweepMark", func() (time.Time, error) { return w.s.SweepMark(ctx) })
}

func (w *faultyRetention) AdvanceSweep(ctx context.Context, at time.Time) error {
	return w.f.Do("retention.AdvanceSweep", func() error { return w.s.AdvanceSweep(ctx, at) })
}

func (w *faultyRetention) ListHolds(ctx context.Context, after string, limit int) ([]retention.Hold, error) {
	return call(w.f, "retention.ListHolds", func() ([]retention.Hold, error) { return w.s.ListHolds(ctx, after, limit) })
}

func (w *faultyRetention) PutReview(ctx context.Context, rv retention.Review) (bool, error) {
	return call(w.f, "retention.PutReview", func() (bool, error) { return w.s.PutReview(ctx, rv) })
}

func (w *faultyRetention) Reviews(ctx context.Context, subject custos.SubjectID) ([]retention.Review, error) {
	return call(w.f, "retention.Reviews", func() ([]retention.Review, error) { return w.s.Reviews(ctx, subject) })
}

func (w *faultyRetention) DueReviews(ctx context.Context, at time.Time, after retention.ReviewKey, limit int) ([]retention.Review, error) {
	return call(w.f, "retention.DueReviews", func() ([]retention.Review, error) { return w.s.DueReviews(ctx, at, after, limit) })
}
