package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// ErrInjected is the error a fault-injecting store wrapper returns for the
// call it fails.
var ErrInjected = errors.New("storetest: injected fault")

// When says on which side of the wrapped call a fault strikes.
type When uint8

const (
	// Before fails the call without making it: the store is unchanged, as
	// when the database is unreachable.
	Before When = iota
	// After makes the call, then reports ErrInjected instead of its
	// result: the change is done but the caller does not know, as when
	// the process dies or the connection drops right after a commit.
	After
)

// Faults decides which store calls of a test fail. Wrap each store the code
// under test uses with the Faulty* wrapper of its interface, all sharing one
// Faults, and the calls of every wrapped store are counted together, in
// the order they are made. A zero Faults never fails; Arm sets the fault.
//
// Faults is safe for concurrent use.
type Faults struct {
	mu     sync.Mutex
	calls  int
	at     int
	when   When
	sticky bool
	fired  int
	last   string
}

// Arm makes the k-th call from now (k ≥ 1) fail, on the given side; if
// sticky, every call after it fails too (Before), as a database that stays
// down. Arm resets the call count. k ≤ 0 disarms.
func (f *Faults) Arm(k int, when When, sticky bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls, f.at, f.when, f.sticky, f.fired, f.last = 0, k, when, sticky, 0, ""
}

// Disarm stops injecting faults from now on; calls are still counted, and
// Fired and Last still tell what failed before.
func (f *Faults) Disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at, f.sticky = 0, false
}

// Calls returns the number of calls counted since the last Arm.
func (f *Faults) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Fired reports how many calls failed since the last Arm.
func (f *Faults) Fired() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fired
}

// Last names the store method of the first call that failed, for test
// messages.
func (f *Faults) Last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Do runs one store call named op under the fault plan: it counts the call,
// and returns ErrInjected without calling fn when the plan fails it before,
// or after calling fn when the plan fails it after. Wrappers call it for
// every method; a nil *Faults just calls fn.
func (f *Faults) Do(op string, fn func() error) error {
	if f == nil {
		return fn()
	}
	fail, when := f.next(op)
	if fail && when == Before {
		return fmt.Errorf("%w (before %s)", ErrInjected, op)
	}
	err := fn()
	if fail {
		return fmt.Errorf("%w (after %s)", ErrInjected, op)
	}
	return err
}

// next counts a call and says whether it fails, and on which side.
func (f *Faults) next(op string) (bool, When) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	switch {
	case f.at <= 0 || f.calls < f.at:
		return false, Before
	case f.calls == f.at:
	case !f.sticky:
		return false, Before
	default:
		f.fired++
		return true, Before // a store that stays down fails later calls before they run
	}
	f.fired++
	if f.last == "" {
		f.last = op
	}
	return true, f.when
}

// call is Do for a method with a result.
func call[T any](f *Faults, op string, fn func() (T, error)) (T, error) {
	var out T
	err := f.Do(op, func() error {
		var err error
		out, err = fn()
		return err
	})
	if err != nil && errors.Is(err, ErrInjected) {
		var zero T
		return zero, err
	}
	return out, err
}

// EveryFault runs scenario once for each store call it makes, failing that
// call: run k arms f to fail the k-th call (on the side when, not sticky),
// until a run makes fewer than k calls, so that every call of the scenario
// has failed once. The scenario builds its own state from scratch each time,
// runs the operation under f, then disarms f (or builds a fresh wrapper),
// reruns, and checks that the end state is the one a run without faults
// reaches: nothing lost, duplicated or done twice.
//
// max bounds the runs, as a guard against a scenario that never ends; the
// test fails if it is reached.
func EveryFault(t *testing.T, when When, max int, scenario func(t *testing.T, f *Faults)) {
	t.Helper()
	for k := 1; ; k++ {
		if k > max {
			t.Fatalf("storetest: the scenario still made %d store calls after %d runs; raise max", max, max)
		}
		f := &Faults{}
		f.Arm(k, when, false)
		fired := false
		t.Run(fmt.Sprintf("%s-call-%d", whenName(when), k), func(t *testing.T) {
			scenario(t, f)
			fired = f.firedOnce()
		})
		if !fired {
			return
		}
	}
}

// firedOnce reports whether the armed call was reached, whatever happened
// after.
func (f *Faults) firedOnce() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last != ""
}

func whenName(w When) string {
	if w == After {
		return "after"
	}
	return "before"
}
