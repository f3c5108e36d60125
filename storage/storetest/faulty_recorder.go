package storetest

import (
	"context"

	"github.com/custos-go/custos"
)

// FaultyRecorder wraps a custos.Recorder so that f decides which of its
// calls fail, counted with the store calls sharing f: a workflow's audit
// events are steps that can fail like its store writes. Before, the event
// is not recorded; After, it is recorded and the caller is told it was
// not.
func FaultyRecorder(r custos.Recorder, f *Faults) custos.Recorder { return &faultyRecorder{r: r, f: f} }

type faultyRecorder struct {
	r custos.Recorder
	f *Faults
}

func (w *faultyRecorder) Record(ctx context.Context, e custos.Event) error {
	return w.f.Do("recorder.Record", func() error { return w.r.Record(ctx, e) })
}
