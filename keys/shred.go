package keys

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Shred destroys the customer's DEK (crypto-shredding, PIPL Art. 47; GDPR
// Art. 17): it records the customer's pseudonymous reference in the ledger,
// then deletes the wrapped DEK and drops it from the cache. Once Shred
// returns, no ciphertext of the customer, in the store or in any backup, can
// be decrypted, and ForWrite refuses to create a new DEK for them.
//
// Shredding a customer without a DEK still records them in the ledger. It
// returns the ledger entry.
func (r *Keyring) Shred(ctx context.Context, subject custos.SubjectID) (ShredEntry, error) {
	e := ShredEntry{Ref: r.Reference(subject), At: r.now()}
	// The ledger first: if the delete below fails or the process dies, a
	// Reapply finishes the job.
	if err := r.ledger.AppendShred(ctx, e); err != nil {
		return ShredEntry{}, fmt.Errorf("keys: append to shred ledger: %w", err)
	}
	r.cache.drop(subject)
	// By reference: the store leaves a tombstone of it even when no DEK is
	// stored, so that no Keyring of any process creates one again.
	if _, err := r.store.DeleteDEKByRef(ctx, e.Ref); err != nil {
		return ShredEntry{}, fmt.Errorf("keys: delete DEK: %w", err)
	}
	r.cache.drop(subject) // a concurrent read may have cached it again
	return e, nil
}

// ReapplyProgress reports how far Reapply has come.
type ReapplyProgress struct {
	// Seen counts ledger entries examined, Deleted the DEKs deleted again.
	Seen, Deleted int64
	// Checkpoint is the last reference done; pass it as After to resume.
	Checkpoint []byte
}

// Reapply deletes every DEK the shred ledger names, for use after the
// store was restored from a backup older than some shreds. It streams the
// ledger in batches (bounded memory), can be resumed from a checkpoint with
// after, and calls progress, if not nil, after each batch. Each deleted DEK
// is also dropped from this Keyring's cache.
func (r *Keyring) Reapply(ctx context.Context, after []byte, progress func(ReapplyProgress)) (ReapplyProgress, error) {
	p := ReapplyProgress{Checkpoint: after}
	err := r.ScanLedger(ctx, after, func(batch []ShredEntry) error {
		for _, e := range batch {
			ok, err := r.store.DeleteDEKByRef(ctx, e.Ref)
			if err != nil {
				return fmt.Errorf("keys: delete DEK: %w", err)
			}
			p.Seen++
			if ok {
				p.Deleted++
			}
			p.Checkpoint = e.Ref
		}
		if progress != nil {
			progress(p)
		}
		return nil
	})
	if p.Deleted > 0 {
		r.cache.purge()
	}
	return p, err
}

// ScanLedger calls fn with successive batches of the shred ledger, in
// ascending order of reference, starting after `after`.
func (r *Keyring) ScanLedger(ctx context.Context, after []byte, fn func([]ShredEntry) error) error {
	const batch = 256
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := r.ledger.ScanShreds(ctx, after, batch)
		if err != nil {
			return fmt.Errorf("keys: scan shred ledger: %w", err)
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
			after = page[len(page)-1].Ref
		}
		if len(page) < batch {
			return nil
		}
	}
}

// now returns the clock's time in UTC at microsecond precision, which
// every store can hold exactly.
func (r *Keyring) now() time.Time { return r.clock.Now().UTC().Truncate(time.Microsecond) }
