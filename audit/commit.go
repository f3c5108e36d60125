package audit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/custos-go/custos"
)

// request is one pending append: its encoded entries, appended in order
// at consecutive indexes the committer fills in, and where to send the
// outcome (the index of the first).
type request struct {
	entries []pending
	done    chan result
}

// pending is one encoded entry and its lookup keys.
type pending struct {
	entry []byte
	keys  LookupKeys
}

type result struct {
	index uint64
	err   error
}

// submit queues encoded entries and waits until they are durable; it
// returns the index of the first.
func (l *Log) submit(ctx context.Context, entries ...pending) (uint64, error) {
	req := &request{entries: entries, done: make(chan result, 1)}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return 0, fmt.Errorf("audit: %w", custos.ErrClosed)
	}
	select {
	case l.queue <- req:
		l.mu.RUnlock()
	case <-ctx.Done():
		l.mu.RUnlock()
		return 0, fmt.Errorf("audit: %w", ctx.Err())
	}
	select {
	case r := <-req.done:
		return r.index, r.err
	case <-ctx.Done():
		return 0, fmt.Errorf("audit: %w (the entry may still be written)", ctx.Err())
	}
}

// run is the committer: it takes every request queued while the previous
// write was in flight, up to maxBatch, and writes them as one batch; the
// requests queued while that write waits for the store's append lock join
// it too (see commit).
func (l *Log) run() {
	defer close(l.stopped)
	batch := make([]*request, 0, l.maxBatch)
	for {
		req, ok := <-l.queue
		if !ok {
			l.saveHistory(true)
			return
		}
		batch = l.fill(append(batch[:0], req))
		first, err := l.commit(&batch)
		for _, r := range batch {
			r.done <- result{index: first, err: err}
			first += uint64(len(r.entries))
		}
		clear(batch)
		l.saveHistory(false)
	}
}

// fill adds to batch the requests queued now, without waiting, until it
// holds maxBatch entries or the queue is empty (or closed: run sees that
// on its next receive).
func (l *Log) fill(batch []*request) []*request {
	n := 0
	for _, r := range batch {
		n += len(r.entries)
	}
	for n < l.maxBatch {
		select {
		case r, ok := <-l.queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			n += len(r.entries)
		default:
			return batch
		}
	}
	return batch
}

// commit appends the batch's entries to the tree, signs the new head and
// writes both in one store call, under the store's append lock. If another
// writer (another process) appended since, the batch extends the stored
// tree instead, once adopt has checked that it extends the one this Log
// knew: appends take turns on the database's lock and never fail because
// another writer appended first.
//
// The batch is built once the lock is held: the requests queued while this
// Log waited for it (another process holding it) join the batch, so that a
// process that waits commits more at once. *batch is the batch written,
// or failed: every request in it gets the outcome.
func (l *Log) commit(batch *[]*request) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	var next tree
	var first uint64
	err := l.store.Append(ctx, func(ctx context.Context, h Head, r HashReader) (Batch, error) {
		base := l.tree
		if h.Size != base.rng.End() || !bytes.Equal(h.Checkpoint, base.latest) {
			l.log.Debug("audit log extended by another writer; adopting its tree", slog.Uint64("size", h.Size))
			var err error
			if base, err = l.adopt(ctx, h, r); err != nil {
				return Batch{}, err
			}
		}
		*batch = l.fill(*batch)
		rng := cloneRange(base.rng)
		first = rng.End()
		var leaves []Leaf
		for _, req := range *batch {
			for _, p := range req.entries {
				index := first + uint64(len(leaves))
				setIndex(p.entry, index)
				hs, err := appendLeaf(rng, p.entry)
				if err != nil {
					return Batch{}, fmt.Errorf("audit: append to tree: %w", err)
				}
				leaves = append(leaves, Leaf{Index: index, Entry: p.entry, Hashes: hs, Lookup: p.keys})
			}
		}
		cp := Checkpoint{Origin: l.origin, Size: rng.End(), Root: rootOf(rng)}
		signed, err := signCheckpoint(cp, l.keys.signer)
		if err != nil {
			return Batch{}, fmt.Errorf("audit: sign checkpoint: %w", err)
		}
		next = tree{rng: rng, root: cp.Root, latest: signed}
		return Batch{First: first, Leaves: leaves, Head: Head{Size: cp.Size, Checkpoint: signed}}, nil
	})
	if err != nil {
		return 0, fmt.Errorf("audit: append: %w", err)
	}
	l.tree = next
	return first, nil
}

// saveHistory keeps the latest checkpoint in the history when the
// configured interval has passed, or always when final. A failure is logged,
// not returned: the head, written with every batch, covers every entry.
func (l *Log) saveHistory(final bool) {
	size := l.rng.End()
	now := l.now()
	if size == l.savedSize || (!final && now.Sub(l.savedAt) < l.history) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	err := l.store.SaveCheckpoint(ctx, SavedCheckpoint{Size: size, Checkpoint: l.latest, Saved: now})
	if err != nil {
		l.log.Warn("audit checkpoint not kept in history", slog.String("error", err.Error()))
		return
	}
	l.savedAt, l.savedSize = now, size
}
