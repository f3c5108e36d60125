package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// writeLock wakes a process waiting for SQLite's write lock when it is
// released, instead of leaving it to SQLite's busy handler, which polls
// (sleeping 1, 2, 5, 10 … ms between tries) and leaves the database idle
// meanwhile. It is an exclusive advisory lock (flock) on a file beside the
// database (its path with "-lock" appended, created 0600), which a group
// writer takes before BEGIN IMMEDIATE and releases after the commit or
// rollback: writers of every custos process sharing the database queue
// in the kernel and the next is woken as the lock is freed.
//
// It adds no guarantee: SQLite's own lock still serialises every write,
// including those of programs that do not take this one. A writer whose
// callers all give up stops waiting for it (see lock), and on a system
// without flock there is none (openWriteLock returns nil).
type writeLock struct {
	f *os.File
	// fd is f's descriptor, read once (os.File.Fd makes it blocking).
	fd int

	mu sync.Mutex
	// taking is true while a goroutine waits in flock for the lock.
	taking bool
	// waiter receives whether the lock was taken, while lock waits for
	// it; nil when no one waits.
	waiter chan bool
	closed bool
}

// openWriteLock opens the lock file of the database at path, creating it
// 0600 (whatever the umask) if missing; an existing one keeps its mode, and
// is opened read-only, which flock needs no more than. It returns nil where
// the system has no flock.
func openWriteLock(path string) (*writeLock, error) {
	if !haveFlock {
		return nil, nil
	}
	path += "-lock"
	if err := createPrivate(path, "the write lock file"); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the reason, without the path
		}
		return nil, fmt.Errorf("%w: open the write lock file: %v", ErrConnect, err)
	}
	return &writeLock{f: f, fd: int(f.Fd())}, nil
}

// lock takes the lock, waiting until it is free; it gives up, returning
// false, when stop is closed or flock fails. Only one goroutine (the group
// writer) calls lock and unlock. A nil lock is never taken.
func (l *writeLock) lock(stop <-chan struct{}) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	if !l.taking && flockTry(l.fd) {
		l.mu.Unlock()
		return true // free: no one to wait for
	}
	got := make(chan bool, 1)
	l.waiter = got
	if !l.taking {
		l.taking = true
		go l.take()
	}
	l.mu.Unlock()
	select {
	case ok := <-got:
		return ok
	case <-stop:
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waiter == nil { // taken (or failed) meanwhile: got has the outcome
		return <-got
	}
	l.waiter = nil // the flock still under way releases the lock at once
	return false
}

// take waits in flock for the lock and hands it to the waiter, or releases
// it if no one waits any more.
func (l *writeLock) take() {
	err := flockExclusive(l.fd)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taking = false
	if l.waiter != nil && !l.closed {
		l.waiter <- err == nil
		l.waiter = nil
		return
	}
	if err == nil {
		flockRelease(l.fd)
	}
	if l.closed {
		l.f.Close()
	}
}

// unlock releases the lock lock took.
func (l *writeLock) unlock() {
	flockRelease(l.fd)
}

// waiting reports whether a goroutine waits in flock for the lock, for
// tests.
func (l *writeLock) waiting() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.taking && l.waiter != nil
}

// close closes the lock file; a flock still under way closes it once it
// returns.
func (l *writeLock) close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed, l.waiter = true, nil
	if !l.taking {
		l.f.Close()
	}
}
