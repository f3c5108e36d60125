package storetest

import (
	"context"
	"slices"
	"sync"

	"github.com/custos-go/custos"
)

// Recorder is a custos.Recorder that keeps events in memory, in the order
// recorded, and can be made to fail, for tests of components that record
// audit events. The zero value is ready; it is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []custos.Event
	fail   error
}

// Record keeps e, or returns the error set by Fail.
func (l *Recorder) Record(_ context.Context, e custos.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.events = append(l.events, e)
	return nil
}

// Fail makes every later Record return err, until Fail(nil).
func (l *Recorder) Fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fail = err
}

// Events returns the events recorded so far.
func (l *Recorder) Events() []custos.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}
