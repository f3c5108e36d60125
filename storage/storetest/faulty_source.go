package storetest

import (
	"context"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos/keys"
)

// FaultySource wraps a keys.Source so that f decides which of its calls
// fail, counted together with the store calls f also governs: an epoch
// close interrupted at any KMS call is tested like one interrupted at any
// store call.
func FaultySource(s keys.Source, f *Faults) keys.Source { return &faultySource{s: s, f: f} }

type faultySource struct {
	s keys.Source
	f *Faults
}

var _ keys.Source = (*faultySource)(nil)

func (w *faultySource) Create(ctx context.Context, name string) error {
	return w.f.Do("source.Create", func() error { return w.s.Create(ctx, name) })
}

func (w *faultySource) AEAD(ctx context.Context, name string) (tink.AEAD, error) {
	return call(w.f, "source.AEAD", func() (tink.AEAD, error) { return w.s.AEAD(ctx, name) })
}

func (w *faultySource) Destroy(ctx context.Context, name string) error {
	return w.f.Do("source.Destroy", func() error { return w.s.Destroy(ctx, name) })
}

func (w *faultySource) List(ctx context.Context) ([]string, error) {
	return call(w.f, "source.List", func() ([]string, error) { return w.s.List(ctx) })
}
