package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/keys"
)

// otherProcessLock opens the write lock file of the database at path as
// another process would and takes its lock, or fails the test; the
// returned function releases it. flock locks of two open files conflict
// even within one process.
func otherProcessLock(t *testing.T, path string) (release func()) {
	t.Helper()
	f, err := os.Open(path + "-lock")
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	require.NoError(t, syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB), "the lock is free")
	return func() { require.NoError(t, syscall.Flock(int(f.Fd()), syscall.LOCK_UN)) }
}

// waitUntil waits for a state of the lock, not for a time.
func waitUntil(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

// openWithLock opens a SQLite database in a new directory, closed when
// the test ends, and returns it with its path; it skips where there is no
// flock.
func openWithLock(t *testing.T) (*DB, string) {
	t.Helper()
	if !haveFlock {
		t.Skip("no flock on this system")
	}
	path := filepath.Join(t.TempDir(), "custos.db")
	s, err := OpenSQLite(context.Background(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, path
}

func testKey(name string) keys.WrappedKey {
	return keys.WrappedKey{Name: name, KEKID: "kek-test", Keyset: []byte{1}, Version: 1}
}

// TestWriteLockWakesTheWaiter builds the state of a write waiting while
// another process holds the database (its write lock file and SQLite's
// write transaction): the writer waits in flock, not in SQLite's polling
// busy handler, has written nothing, and is woken when the other releases
// the lock; its write is then durable.
func TestWriteLockWakesTheWaiter(t *testing.T) {
	ctx := context.Background()
	s, path := openWithLock(t)

	release := otherProcessLock(t, path)
	other, err := OpenSQLite(ctx, path, nil) // the other process's connection
	require.NoError(t, err)
	defer other.Close()
	tx, err := other.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: SQLite's write lock
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() { done <- s.Keys().CreateKey(ctx, testKey("waiter")) }()
	waitUntil(s.lock.waiting)
	select {
	case err := <-done:
		t.Fatalf("the write returned while another process held the lock: %v", err)
	default:
	}
	_, err = other.Keys().GetKey(ctx, "waiter")
	require.ErrorIs(t, err, keys.ErrNotFound, "nothing written while waiting")

	require.NoError(t, tx.Commit())
	release()
	require.NoError(t, <-done)
	got, err := other.Keys().GetKey(ctx, "waiter")
	require.NoError(t, err)
	assert.Equal(t, "kek-test", got.KEKID)
}

// TestWriteLockGivenUpWhenCallersLeave shows a write whose caller gives up
// while it waits for the lock: it fails with the caller's error and writes
// nothing, and the lock taken after the other process released it is
// released at once, so that the other (and this DB's next write) can
// take it again.
func TestWriteLockGivenUpWhenCallersLeave(t *testing.T) {
	ctx := context.Background()
	s, path := openWithLock(t)

	release := otherProcessLock(t, path)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Keys().CreateKey(cctx, testKey("gave-up")) }()
	waitUntil(s.lock.waiting)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	_, err := s.Keys().GetKey(ctx, "gave-up")
	require.ErrorIs(t, err, keys.ErrNotFound, "the abandoned write wrote nothing")

	release()
	waitUntil(func() bool {
		s.lock.mu.Lock()
		defer s.lock.mu.Unlock()
		return !s.lock.taking
	})
	otherProcessLock(t, path)() // free again: taken and released at once
	require.NoError(t, s.Keys().CreateKey(ctx, testKey("next")))
	_, err = s.Keys().GetKey(ctx, "next")
	require.NoError(t, err)
}
