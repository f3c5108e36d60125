package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// Shredded is what Shred did and when the erasure reaches every copy.
type Shredded struct {
	// ShredEntry is the ledger entry: the customer's reference and the
	// time of the shred.
	ShredEntry
	// Group and Epoch name the erasure epoch whose close completes the
	// erasure, when the DEK was wrapped under an epoch key; both are 0
	// otherwise.
	Group, Epoch int64
	// CompleteBy is the deadline after which no copy of the store (live
	// file, WAL, free pages, any backup) together with every key custos
	// still holds can decrypt the customer: the epoch's due time, plus
	// EpochConfig.CheckEvery and DestroyDelay. It is At when no DEK was
	// stored in an epoch group, and zero when the DEK was wrapped by the
	// KEK itself, for which custos can name no deadline: copies stay
	// decryptable until that KEK is rotated away and destroyed.
	CompleteBy time.Time
	// KEKWrapped reports a DEK wrapped by the KEK itself (no epochs).
	KEKWrapped bool
}

// Method describes, for a destruction certificate, how the erasure
// reaches every copy and by when; it never says "now" when it is not now.
func (s Shredded) Method() string {
	switch {
	case s.KEKWrapped:
		return "crypto-shredding: the customer's AES-256-GCM data-encryption keyset was deleted and its reference entered in the shred ledger; " +
			"the keyset was wrapped by the deployment KEK, which stays in use, so a copy of the store taken before the erasure (backup, free pages, WAL) " +
			"still decrypts with that KEK until it is rotated away and destroyed: no deadline"
	case s.Epoch == 0:
		return "crypto-shredding: the customer's reference was entered in the shred ledger; no data-encryption keyset of the customer was stored under an erasure-epoch key, so no copy holds one that any key custos uses can open"
	default:
		return "crypto-shredding: the customer's AES-256-GCM data-encryption keyset was deleted and its reference entered in the shred ledger; " +
			"copies of the wrapped keyset may remain in backups, free pages and the WAL until the erasure epoch holding it closes: " +
			"the epoch close rewraps the group's other keysets and destroys the epoch key through the key source, after which no copy opens with any key custos still holds; " +
			"complete_by is that deadline, if the host runs the epoch closer"
	}
}

// Shred destroys the customer's DEK (crypto-shredding, PIPL Art. 47; GDPR
// Art. 17): it records the customer's pseudonymous reference in the ledger,
// deletes the wrapped DEK, drops it from the cache and marks the epoch of
// the customer's group dirty. From then on ForWrite refuses to create a new
// DEK for them and no Keyring unwraps the stored one. Copies of the wrapped
// DEK taken before (backups, free pages, WAL) become undecryptable when the
// epoch closes (see EpochConfig and Shredded.CompleteBy); without epochs
// they stay decryptable with the KEK.
//
// Shredding a customer without a DEK still records them in the ledger.
// Shred can be run again after a failure: the ledger, the delete and the
// dirty mark are idempotent. The delete leaves a tombstone of the
// customer's reference in the store (Store.DeleteDEKByRef), so that no
// Keyring of any process creates a DEK for them again.
func (r *Keyring) Shred(ctx context.Context, subject custos.SubjectID) (Shredded, error) {
	return r.ShredAt(ctx, subject, r.now())
}

// ShredAt is Shred with the time of a plan (see PlanShred): the ledger
// entry, and the group's dirty mark if the epoch is clean, take the time
// at, so that what a certificate recorded from the plan says stays exact.
// A dirty mark earlier than the shred only brings the epoch's close
// forward.
func (r *Keyring) ShredAt(ctx context.Context, subject custos.SubjectID, at time.Time) (Shredded, error) {
	e := ShredEntry{Ref: r.Reference(subject), At: at.UTC().Truncate(time.Microsecond)}
	// The ledger first: if the delete below fails or the process dies, a
	// Reapply finishes the job.
	if err := r.ledger.AppendShred(ctx, e); err != nil {
		return Shredded{}, fmt.Errorf("keys: append to shred ledger: %w", err)
	}
	r.cache.drop(subject)
	out := Shredded{ShredEntry: e}
	var group int64
	switch w, err := r.store.GetDEK(ctx, subject); {
	case err == nil:
		group, out.KEKWrapped = w.Group, w.Group == 0
	case errors.Is(err, ErrNotFound):
		if r.epochs != nil { // a rerun: the DEK is gone, its group is known
			group = r.epochs.groupOf(e.Ref)
		} else {
			out.KEKWrapped = true // a copy, if any, is under a KEK
		}
	default:
		return Shredded{}, fmt.Errorf("keys: read DEK: %w", err)
	}
	// Mark the epoch dirty before the delete too: if the process dies
	// right after the delete, the epoch still closes.
	if err := r.markShred(ctx, group, e.At, nil); err != nil {
		return Shredded{}, err
	}
	if _, err := r.store.DeleteDEKByRef(ctx, e.Ref); err != nil {
		return Shredded{}, fmt.Errorf("keys: delete DEK: %w", err)
	}
	r.cache.drop(subject) // a concurrent read may have cached it again
	// After the delete, the group's current epoch is the last one any copy
	// of the DEK can be wrapped under: its close completes the erasure.
	if err := r.markShred(ctx, group, e.At, &out); err != nil {
		return Shredded{}, err
	}
	if r.epochs != nil && out.Epoch == 0 && !out.KEKWrapped {
		out.CompleteBy = e.At
	}
	r.scrub(ctx)
	return out, nil
}

// markShred marks the group's epoch dirty and, if out is set, records in it
// the epoch and deadline. A group never created held no DEK.
func (r *Keyring) markShred(ctx context.Context, group int64, at time.Time, out *Shredded) error {
	if group == 0 || r.epochs == nil {
		return nil
	}
	g, err := r.markDirty(ctx, group, at)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keys: mark epoch dirty: %w", err)
	}
	if out != nil {
		out.Group, out.Epoch, out.CompleteBy = g.ID, g.Epoch, r.epochs.cfg.deadline(g.DirtySince)
	}
	return nil
}

// scrub asks the store to make deleted rows unrecoverable from its files,
// if it can; a failure is logged, not returned: the guarantee rests on key
// destruction.
func (r *Keyring) scrub(ctx context.Context) {
	s, ok := r.store.(Scrubber)
	if !ok {
		return
	}
	if err := s.Scrub(ctx); err != nil {
		r.log.Warn("keys: store scrub after a shred failed", slog.String("error", err.Error()))
	}
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
