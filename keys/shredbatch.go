package keys

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/fanout"
)

// ShredRequest is one customer of a ShredBatch and the time of its plan
// (see ShredAt).
type ShredRequest struct {
	Subject custos.SubjectID
	At      time.Time
}

// ShredBatch is ShredAt for many customers (crypto-shredding, PIPL Art.
// 47; GDPR Art. 17), with each customer's guarantees and order: their
// ledger entry is durable before their DEK is deleted, their group's epoch
// is marked dirty before the delete, and after it the epoch that completes
// the erasure is read. Every ledger entry of the batch is appended before
// any DEK is deleted. The store calls of one step run concurrently, so
// that a store committing concurrent writes together (SQLite) commits the
// step once, and the store is scrubbed once for the batch, not once per
// customer.
//
// It returns one Shredded per request, in order, each what ShredAt would
// report, or the first error. After an error some customers of the batch
// may be shredded and others not; ShredAt or ShredBatch again finishes
// them: every step is idempotent.
func (r *Keyring) ShredBatch(ctx context.Context, reqs []ShredRequest) ([]Shredded, error) {
	out := make([]Shredded, len(reqs))
	subjects := make([]custos.SubjectID, len(reqs))
	for i, q := range reqs {
		subjects[i] = q.Subject
		out[i].ShredEntry = ShredEntry{Ref: r.Reference(q.Subject), At: q.At.UTC().Truncate(time.Microsecond)}
	}
	if err := each(len(reqs), func(i int) error { return r.ledger.AppendShred(ctx, out[i].ShredEntry) }); err != nil {
		return nil, fmt.Errorf("keys: append to shred ledger: %w", err)
	}
	r.dropAll(subjects)
	deks, err := r.store.GetDEKs(ctx, subjects)
	if err != nil {
		return nil, fmt.Errorf("keys: read DEKs: %w", err)
	}
	wrapped := make(map[custos.SubjectID]WrappedDEK, len(deks))
	for _, w := range deks {
		wrapped[w.Subject] = w
	}
	groups := map[int64]time.Time{} // group -> earliest shred in it
	member := make([]int64, len(reqs))
	for i, s := range subjects {
		w, ok := wrapped[s]
		switch {
		case ok:
			member[i], out[i].KEKWrapped = w.Group, w.Group == 0
		case r.epochs != nil: // a rerun: the DEK is gone, its group is known
			member[i] = r.epochs.groupOf(out[i].Ref)
		default:
			out[i].KEKWrapped = true // a copy, if any, is under a KEK
		}
		if g := member[i]; g != 0 && (groups[g].IsZero() || out[i].At.Before(groups[g])) {
			groups[g] = out[i].At
		}
	}
	ids := make([]int64, 0, len(groups))
	for g := range groups {
		ids = append(ids, g)
	}
	// Mark the epochs dirty before the deletes too: if the process dies
	// right after a delete, the epoch still closes.
	if err := each(len(ids), func(j int) error { return r.markShred(ctx, ids[j], groups[ids[j]], nil) }); err != nil {
		return nil, err
	}
	if err := each(len(reqs), func(i int) error {
		_, err := r.store.DeleteDEKByRef(ctx, out[i].Ref)
		return err
	}); err != nil {
		return nil, fmt.Errorf("keys: delete DEK: %w", err)
	}
	r.dropAll(subjects) // a concurrent read may have cached one again
	// After the deletes, each group's current epoch is the last one any
	// copy of its DEKs can be wrapped under: its close completes the
	// erasures.
	marked := make([]Shredded, len(ids))
	if err := each(len(ids), func(j int) error { return r.markShred(ctx, ids[j], groups[ids[j]], &marked[j]) }); err != nil {
		return nil, err
	}
	epoch := make(map[int64]Shredded, len(ids))
	for j, g := range ids {
		epoch[g] = marked[j]
	}
	for i := range out {
		if m, ok := epoch[member[i]]; ok && member[i] != 0 {
			out[i].Group, out[i].Epoch, out[i].CompleteBy = m.Group, m.Epoch, m.CompleteBy
		}
		if r.epochs != nil && out[i].Epoch == 0 && !out[i].KEKWrapped {
			out[i].CompleteBy = out[i].At
		}
	}
	r.scrub(ctx)
	return out, nil
}

// dropAll drops the subjects' DEKs from the cache.
func (r *Keyring) dropAll(subjects []custos.SubjectID) {
	for _, s := range subjects {
		r.cache.drop(s)
	}
}

// each runs fn for every i in [0, n) concurrently and returns the first
// error, once all have returned.
func each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	fanout.Each(n, 0, func(i int) { errs[i] = fn(i) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
