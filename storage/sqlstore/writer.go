package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"

	"github.com/custos-go/custos"
)

// SQLite has one writer at a time, and with synchronous=FULL each commit
// waits for the disk. The group writer lets concurrent writes share one
// commit: a single goroutine takes every write waiting, runs each in its own
// savepoint of one transaction (a failing write is rolled back alone),
// commits once, and only then answers every caller. A caller still returns
// only once its write is durable. Writers of several processes take turns
// on the database's writeLock, woken as it is released (filelock.go).

// maxGroup bounds the writes committed together.
const maxGroup = 256

type writeReq struct {
	ctx  context.Context // checked before the write starts
	fn   func(*sql.Tx) error
	done chan error
	// alone asks for a transaction of its own: a large write (a batch of
	// customers) runs without a savepoint, whose journal SQLite rewinds
	// at the end of every statement at a cost growing with the write.
	alone bool
}

// groupWriter serializes and groups SQLite writes.
type groupWriter struct {
	db   *sql.DB
	lock *writeLock                       // taken around each transaction; nil for none
	wrap func(op string, err error) error // wraps the writer's own errors
	reqs chan writeReq
	quit chan struct{}
	gone chan struct{}
}

func newGroupWriter(db *sql.DB, lock *writeLock, wrap func(string, error) error) *groupWriter {
	w := &groupWriter{db: db, lock: lock, wrap: wrap, reqs: make(chan writeReq), quit: make(chan struct{}), gone: make(chan struct{})}
	go w.loop()
	return w
}

// do runs fn in the next group and waits for the group's commit; alone
// runs it in a transaction of its own.
func (w *groupWriter) do(ctx context.Context, fn func(*sql.Tx) error, alone bool) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), alone: alone}
	select {
	case w.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return w.wrap("write", custos.ErrClosed)
	}
	return <-req.done
}

func (w *groupWriter) close() {
	close(w.quit)
	<-w.gone
}

func (w *groupWriter) loop() {
	defer close(w.gone)
	var next *writeReq // an alone write that ended the last group
	for {
		var group []writeReq
		if next != nil {
			group, next = append(group, *next), nil
		} else {
			select {
			case r := <-w.reqs:
				group = append(group, r)
			case <-w.quit:
				return
			}
		}
	drain:
		for len(group) < maxGroup && !group[0].alone {
			select {
			case r := <-w.reqs:
				if r.alone {
					next = &r
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		w.commit(group)
	}
}

func (w *groupWriter) commit(group []writeReq) {
	stop, release := allGone(group)
	held := w.lock.lock(stop)
	release()
	if held {
		defer w.lock.unlock()
	}
	results := make([]error, len(group))
	tx, err := w.begin(group)
	if err != nil {
		w.fail(group, w.wrap("begin", err))
		return
	}
	if len(group) == 1 {
		// One write: its transaction is its savepoint.
		r := group[0]
		err := r.ctx.Err()
		if err == nil {
			err = r.fn(tx)
		}
		if err != nil {
			tx.Rollback()
			r.done <- err
			return
		}
		if err := tx.Commit(); err != nil {
			r.done <- w.wrap("commit", err)
			return
		}
		r.done <- nil
		return
	}
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT w`); err != nil {
			results[i] = w.wrap("savepoint", err)
			continue
		}
		// The write runs on, even if its caller gives up meanwhile:
		// interrupting a statement would roll back the whole group.
		if err := r.fn(tx); err != nil {
			results[i] = err
			if _, rerr := tx.Exec(`ROLLBACK TO w`); rerr != nil {
				// The transaction is unusable: fail the whole group.
				tx.Rollback()
				w.fail(group, w.wrap("rollback to savepoint", rerr))
				return
			}
		}
		if _, err := tx.Exec(`RELEASE w`); err != nil && results[i] == nil {
			results[i] = w.wrap("release savepoint", err)
		}
	}
	if err := tx.Commit(); err != nil {
		w.fail(group, w.wrap("commit", err))
		return
	}
	for i, r := range group {
		r.done <- results[i]
	}
}

// allGone returns a channel closed once every caller of the group has
// given up (its context ended), and the function that stops watching.
func allGone(group []writeReq) (<-chan struct{}, func()) {
	gone := make(chan struct{})
	var left atomic.Int64
	left.Store(int64(len(group)))
	stops := make([]func() bool, len(group))
	for i, r := range group {
		stops[i] = context.AfterFunc(r.ctx, func() {
			if left.Add(-1) == 0 {
				close(gone)
			}
		})
	}
	return gone, func() {
		for _, s := range stops {
			s()
		}
	}
}

// begin starts the group's transaction, which takes SQLite's write lock
// (BEGIN IMMEDIATE, see OpenSQLite), once commit holds the writeLock that
// wakes it when another process releases it. Another process holding the lock for
// longer than busy_timeout is waited for again while any caller of the
// group still waits: a write never fails because another process writes.
func (w *groupWriter) begin(group []writeReq) (*sql.Tx, error) {
	for {
		tx, err := w.db.BeginTx(context.Background(), nil)
		if err == nil || !isBusy(err) || !waiting(group) {
			return tx, err
		}
	}
}

// waiting reports whether a caller of the group still waits for it.
func waiting(group []writeReq) bool {
	for _, r := range group {
		if r.ctx.Err() == nil {
			return true
		}
	}
	return false
}

// isBusy reports SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy
}

// fail answers every write of a group with err: none of them was committed.
func (w *groupWriter) fail(group []writeReq, err error) {
	for _, r := range group {
		r.done <- err
	}
}
