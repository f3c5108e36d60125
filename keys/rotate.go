package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
)

// RotateDEK adds a fresh AES-256-GCM key to the customer's keyset and makes
// it primary. Values written from now on use the new key; values already
// stored stay readable with the old one until they are re-encrypted.
func (r *Keyring) RotateDEK(ctx context.Context, subject custos.SubjectID) error {
	for range 3 {
		w, err := r.store.GetDEK(ctx, subject)
		if errors.Is(err, ErrNotFound) {
			if gone, lerr := r.Shredded(ctx, subject); lerr != nil {
				return lerr
			} else if gone {
				return ErrShredded
			}
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("keys: read DEK: %w", err)
		}
		h, err := r.unwrapDEK(ctx, w)
		if err != nil {
			return err
		}
		m := keyset.NewManagerFromHandle(h)
		id, err := m.Add(DEKTemplate())
		if err != nil {
			return fmt.Errorf("keys: add DEK key: %w", err)
		}
		if err := m.SetPrimary(id); err != nil {
			return fmt.Errorf("keys: set DEK primary: %w", err)
		}
		if h, err = m.Handle(); err != nil {
			return fmt.Errorf("keys: DEK handle: %w", err)
		}
		t, err := r.target(ctx, w.Ref)
		if err != nil {
			return err
		}
		if w.Keyset, err = r.encryptKeyset(t.aead, h, dekAD(subject)); err != nil {
			return err
		}
		w.Group, w.KEKID, w.Version, w.Updated = t.group, t.id, w.Version+1, r.now()
		switch err := r.store.UpdateDEK(ctx, w); {
		case err == nil:
			r.cache.drop(subject)
			return nil
		case errors.Is(err, ErrConflict):
			r.dropGroup(t.group)
			continue // rewrapped, rotated or its epoch closed meanwhile: start again from the new version
		default:
			return fmt.Errorf("keys: store DEK: %w", err)
		}
	}
	return fmt.Errorf("keys: rotate DEK: %w", ErrConflict)
}

// RewrapOptions controls a KEK rotation.
type RewrapOptions struct {
	// After resumes an interrupted rewrap: subjects up to and including
	// After are skipped. Use the Checkpoint of the last Progress reported.
	After custos.SubjectID
	// BatchSize is how many DEKs are read per store call; 0 means 256.
	// Memory use is bounded by it, whatever the number of customers.
	BatchSize int
	// Workers is how many DEKs of a batch are rewrapped at once, so that
	// their writes can share database commits; 0 means 8.
	Workers int
	// Progress, if set, is called after each batch.
	Progress func(RewrapProgress)
}

// RewrapProgress reports how far a rewrap has come.
type RewrapProgress struct {
	// Total is the number of DEKs stored when the rewrap started.
	Total int64
	// Seen counts DEKs examined by this call, Rewrapped those moved to the
	// current KEK (the others already were under it).
	Seen, Rewrapped int64
	// Checkpoint is the last subject done; pass it as RewrapOptions.After
	// to resume.
	Checkpoint custos.SubjectID
}

// Rewrap moves every stored keyset — the named deployment keys, then each
// customer's DEK — under the current KEK, unwrapping with the previous KEK
// named beside it. With erasure epochs, a DEK's target is its group's
// current epoch key instead: DEKs wrapped by a KEK move into their groups,
// and DEKs already in a group stay where they are. Field ciphertexts are not touched: only the wrapping of
// keys changes. It is safe to run while the vault serves reads and writes,
// and to run again: keysets already under the current KEK are skipped. When
// it returns without error, the previous KEKs can be removed from the
// configuration.
func (r *Keyring) Rewrap(ctx context.Context, opt RewrapOptions) (RewrapProgress, error) {
	var p RewrapProgress
	if err := r.rewrapNamed(ctx); err != nil {
		return p, err
	}
	total, err := r.store.CountDEKs(ctx)
	if err != nil {
		return p, fmt.Errorf("keys: count DEKs: %w", err)
	}
	p.Total, p.Checkpoint = total, opt.After
	batch := opt.BatchSize
	if batch <= 0 {
		batch = 256
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = 8
	}
	for {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		page, err := r.store.ScanDEKs(ctx, p.Checkpoint, batch)
		if err != nil {
			return p, fmt.Errorf("keys: scan DEKs: %w", err)
		}
		moved, err := r.rewrapBatch(ctx, page, workers)
		if err != nil {
			return p, err
		}
		if len(page) > 0 {
			p.Seen += int64(len(page))
			p.Rewrapped += moved
			p.Checkpoint = page[len(page)-1].Subject
		}
		if opt.Progress != nil && len(page) > 0 {
			opt.Progress(p)
		}
		if len(page) < batch {
			r.log.Info("keys: KEK rewrap done", slog.String("kek_id", r.kek.ID), slog.Int64("seen", p.Seen), slog.Int64("rewrapped", p.Rewrapped))
			return p, nil
		}
	}
}

// rewrapBatch rewraps a batch with up to workers at once and returns how
// many DEKs it moved. The batch is done only when all of it is: a
// checkpoint never passes a DEK that failed.
func (r *Keyring) rewrapBatch(ctx context.Context, page []WrappedDEK, workers int) (int64, error) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var moved atomic.Int64
	for _, w := range page {
		g.Go(func() error {
			ok, err := r.rewrapDEK(ctx, w)
			if ok {
				moved.Add(1)
			}
			return err
		})
	}
	err := g.Wait()
	return moved.Load(), err
}

// rewrapDEK moves one DEK under the current KEK, retrying if it changes
// meanwhile. It reports whether it rewrapped anything.
func (r *Keyring) rewrapDEK(ctx context.Context, w WrappedDEK) (bool, error) {
	for range 3 {
		t, err := r.target(ctx, w.Ref)
		if err != nil {
			return false, err
		}
		if w.Group == t.group && w.KEKID == t.id {
			return false, nil
		}
		h, err := r.unwrapDEK(ctx, w)
		if err != nil {
			return false, fmt.Errorf("keys: rewrap: %w", err)
		}
		if w.Keyset, err = r.encryptKeyset(t.aead, h, dekAD(w.Subject)); err != nil {
			return false, err
		}
		w.Group, w.KEKID, w.Version, w.Updated = t.group, t.id, w.Version+1, r.now()
		err = r.store.UpdateDEK(ctx, w)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, ErrNotFound):
			return false, nil // shredded meanwhile: nothing to rewrap
		case !errors.Is(err, ErrConflict):
			return false, fmt.Errorf("keys: store DEK: %w", err)
		}
		r.dropGroup(t.group)
		if w, err = r.store.GetDEK(ctx, w.Subject); errors.Is(err, ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, fmt.Errorf("keys: read DEK: %w", err)
		}
	}
	return false, fmt.Errorf("keys: rewrap: %w", ErrConflict)
}

// rewrapNamed moves every named deployment keyset under the current KEK.
func (r *Keyring) rewrapNamed(ctx context.Context) error {
	named, err := r.store.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("keys: list keys: %w", err)
	}
	for _, k := range named {
		if k.KEKID == r.kek.ID {
			continue
		}
		h, err := r.unwrap(k.KEKID, k.Keyset, namedAD(k.Name))
		if err != nil {
			return fmt.Errorf("keys: rewrap named key: %w", err)
		}
		if k.Keyset, err = r.wrap(h, namedAD(k.Name)); err != nil {
			return err
		}
		k.KEKID, k.Version, k.Updated = r.kek.ID, k.Version+1, r.now()
		if err := r.store.UpdateKey(ctx, k); err != nil && !errors.Is(err, ErrConflict) {
			return fmt.Errorf("keys: store named key: %w", err)
		}
	}
	return nil
}
