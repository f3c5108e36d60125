package audit

import (
	"context"
	"fmt"
	"time"
)

// Leaf is one stored entry of the log with the tree hashes it completed.
type Leaf struct {
	// Index is the entry's position, from 0.
	Index uint64
	// Entry is the encoded entry (see Entry.Encode), the log's leaf data.
	Entry []byte
	// Hashes is the RFC 6962 leaf hash of Entry followed by the hashes of
	// the tree nodes that appending it completed, lowest level first: 32
	// bytes for each of 1 + (number of trailing one bits of Index) nodes.
	// The Log computes them; a store keeps them as given.
	Hashes []byte
	// Lookup is what an IndexedStore indexes the leaf by. The Log sets it
	// on the leaves it appends; a Store that is not indexed ignores it, and
	// ReadLeaves need not return it.
	Lookup LookupKeys
}

// Head is the stored state of the tree: its size and the signed checkpoint
// of that size.
type Head struct {
	// Size is the number of entries.
	Size uint64
	// Checkpoint is the signed checkpoint (C2SP signed note) of the tree
	// of Size entries; empty only for a log never written.
	Checkpoint []byte
}

// Batch is what one group commit appends: consecutive leaves and the new
// head.
type Batch struct {
	// First is the index of Leaves[0]; it must equal the stored size.
	First uint64
	// Leaves have indexes First, First+1, ... in order. A batch may have
	// none, to store a new head of the same size.
	Leaves []Leaf
	// Head is the head after the batch: Size is First+len(Leaves).
	Head Head
}

// SavedCheckpoint is a signed checkpoint kept in the log's history, so that
// a later verification checks that the log still contains what it
// contained then.
type SavedCheckpoint struct {
	// Size is the checkpoint's tree size.
	Size uint64
	// Checkpoint is the signed note.
	Checkpoint []byte
	// Saved is when it was kept.
	Saved time.Time
}

// SigningKey is the log's checkpoint signing key as stored: the note
// verifier key in clear, and the note signer key encrypted with the AEAD
// keyset named SignerKeyName, with the verifier key as associated data.
type SigningKey struct {
	// Verifier is the note verifier key ("<origin>+<hash>+<key>"), public.
	Verifier string
	// Wrapped is the encrypted note signer key.
	Wrapped []byte
	// Created is when the key was made.
	Created time.Time
}

// HashReader reads the stored tree hashes of leaves (Leaf.Hashes), in the
// order asked; ErrNotFound if one is not stored.
type HashReader interface {
	ReadHashes(ctx context.Context, indexes []uint64) ([][]byte, error)
}

// Extend builds the batch that extends the stored log whose head is head.
// r reads the stored hashes as of that head, inside the store's append
// lock. If Extend returns an error, the store writes nothing and returns
// it. Extend must not call the Store.
type Extend func(ctx context.Context, head Head, r HashReader) (Batch, error)

// Store persists the audit log. It holds no rules: the Log computes every
// hash and signature and the store keeps bytes. Implementations must be
// safe for concurrent use, return the sentinel errors named below (wrapped
// is fine), and return errors wrapping custos.ErrClosed after they are
// closed. Byte slices passed in may be retained; slices returned must not
// be modified by the store afterwards.
//
// storage/storetest checks these rules for any implementation.
type Store interface {
	// Append takes the store's exclusive append lock — the database's
	// own: a row lock on PostgreSQL, the write transaction (BEGIN
	// IMMEDIATE) on SQLite — reads the stored head, calls extend with it,
	// and writes the batch extend returns atomically and durably: every
	// leaf and the new head, or nothing. The lock is held until the batch
	// is written or abandoned, so appenders in any number of processes take
	// turns and none fails because another appended first. It returns
	// extend's error, writing nothing, if extend fails, and ErrConflict,
	// writing nothing, if the batch does not start at the stored size.
	// extend may be called more than once (a store retrying its
	// transaction); only the batch of the last call is written.
	Append(ctx context.Context, extend Extend) error
	// Head returns the stored head; a zero Head for an empty log.
	Head(ctx context.Context) (Head, error)
	// ReadLeaves returns up to limit stored leaves with Index >= from, in
	// ascending order of Index.
	ReadLeaves(ctx context.Context, from uint64, limit int) ([]Leaf, error)
	// ReadHashes returns the Hashes of the leaves at the given indexes, in
	// the order given; ErrNotFound if one is not stored.
	ReadHashes(ctx context.Context, indexes []uint64) ([][]byte, error)

	// SaveCheckpoint keeps c in the history. Saving a size already kept
	// succeeds and keeps the first.
	SaveCheckpoint(ctx context.Context, c SavedCheckpoint) error
	// ScanCheckpoints returns up to limit kept checkpoints with Size >=
	// from, in ascending order of Size.
	ScanCheckpoints(ctx context.Context, from uint64, limit int) ([]SavedCheckpoint, error)

	// CreateSigningKey stores the log's signing key, or returns ErrExists.
	CreateSigningKey(ctx context.Context, k SigningKey) error
	// SigningKey returns the stored signing key, or ErrNotFound.
	SigningKey(ctx context.Context) (SigningKey, error)
}

// CheckBatch returns an error if b does not extend a log of the given size
// consistently: ErrConflict if it starts elsewhere, a plain error if its
// leaves or head do not follow. Stores call it before writing.
func CheckBatch(size uint64, b Batch) error {
	if b.First != size {
		return fmt.Errorf("%w: batch starts at %d, the log holds %d", ErrConflict, b.First, size)
	}
	if b.Head.Size != b.First+uint64(len(b.Leaves)) {
		return fmt.Errorf("audit: head size %d does not follow the batch", b.Head.Size)
	}
	for i, l := range b.Leaves {
		if l.Index != b.First+uint64(i) {
			return fmt.Errorf("audit: batch leaf %d has index %d", i, l.Index)
		}
	}
	return nil
}
