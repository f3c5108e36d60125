package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
)

// Source is a log to verify: a Store (the database the Log writes) or a
// directory exported in the C2SP tlog-tiles layout. Build it with
// StoreSource or TilesSource.
type Source struct {
	src source
}

// source is what Verify needs of a log.
type source interface {
	// head returns the latest signed checkpoint and the number of entries
	// held under it.
	head(ctx context.Context) (signed []byte, size uint64, err error)
	// history returns up to limit kept checkpoints with Size >= from,
	// ascending; none for sources without a history.
	history(ctx context.Context, from uint64, limit int) ([]SavedCheckpoint, error)
	// leaves calls fn with the leaves held at indexes from up to to, in
	// ascending order; a missing leaf is skipped, so fn sees the gap.
	leaves(ctx context.Context, from, to uint64, fn func(Leaf) error) error
	// check compares computed — the leaf hash and the hashes of the nodes
	// that appending the leaf completed — with what the source holds, and
	// describes a difference and the tree level of the lowest hash that
	// differs (0: the leaf's own).
	check(ctx context.Context, leaf Leaf, computed []byte) (string, int, error)
	// extra reports whether the source holds entries at index size or
	// beyond.
	extra(ctx context.Context, size uint64) (bool, error)
	// rangeAt returns the compact range of the first size leaves from held
	// hashes, to resume a verification.
	rangeAt(ctx context.Context, size uint64) (*compact.Range, error)
}

// StoreSource returns the log held by s.
func StoreSource(s Store) *Source { return &Source{src: storeSource{s}} }

type storeSource struct{ s Store }

// leafPage is how many leaves a scan reads per store call.
const leafPage = 1024

func (s storeSource) head(ctx context.Context) ([]byte, uint64, error) {
	h, err := s.s.Head(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: read head: %w", err)
	}
	return h.Checkpoint, h.Size, nil
}

func (s storeSource) history(ctx context.Context, from uint64, limit int) ([]SavedCheckpoint, error) {
	cs, err := s.s.ScanCheckpoints(ctx, from, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: read checkpoint history: %w", err)
	}
	return cs, nil
}

func (s storeSource) leaves(ctx context.Context, from, to uint64, fn func(Leaf) error) error {
	for from < to {
		page, err := s.s.ReadLeaves(ctx, from, int(min(leafPage, to-from)))
		if err != nil {
			return fmt.Errorf("audit: read entries: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, l := range page {
			if l.Index >= to {
				return nil
			}
			if err := fn(l); err != nil {
				return err
			}
		}
		next := page[len(page)-1].Index + 1
		if next <= from {
			return tamperAt(from, "store returned entries out of order")
		}
		from = next
	}
	return nil
}

func (s storeSource) check(_ context.Context, leaf Leaf, computed []byte) (string, int, error) {
	if len(leaf.Hashes) < hashSize || !bytes.Equal(leaf.Hashes[:hashSize], computed[:hashSize]) {
		return "entry does not match its stored leaf hash (altered, or moved from another position)", 0, nil
	}
	if len(leaf.Hashes) != len(computed) {
		return "stored tree hashes have the wrong length", 0, nil
	}
	for level := 1; level*hashSize < len(computed); level++ {
		if !bytes.Equal(leaf.Hashes[level*hashSize:(level+1)*hashSize], computed[level*hashSize:(level+1)*hashSize]) {
			return "stored tree hashes differ from the tree recomputed from the entries", level, nil
		}
	}
	return "", 0, nil
}

func (s storeSource) extra(ctx context.Context, size uint64) (bool, error) {
	page, err := s.s.ReadLeaves(ctx, size, 1)
	if err != nil {
		return false, fmt.Errorf("audit: read entries: %w", err)
	}
	return len(page) > 0, nil
}

func (s storeSource) rangeAt(ctx context.Context, size uint64) (*compact.Range, error) {
	rng, err := loadRange(ctx, s.s, size)
	var te *TamperError
	if errors.As(err, &te) || errors.Is(err, ErrNotFound) {
		return nil, tampered("stored tree hashes at the resume point are missing or malformed")
	}
	return rng, err
}
