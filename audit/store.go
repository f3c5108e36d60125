package audit

import (
	"context"
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

// Store persists the audit log. It holds no rules: the Log computes every
// hash and signature and the store keeps bytes. Implementations must be
// safe for concurrent use, return the sentinel errors named below (wrapped
// is fine), and return errors wrapping custos.ErrClosed after they are
// closed. Byte slices passed in may be retained; slices returned must not
// be modified by the store afterwards.
//
// storage/storetest checks these rules for any implementation.
type Store interface {
	// Append writes b atomically and durably: every leaf and the new head,
	// or nothing. It returns ErrConflict, writing nothing, if the stored
	// size is not b.First.
	Append(ctx context.Context, b Batch) error
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
