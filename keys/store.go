package keys

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// WrappedDEK is one customer's data-encryption keyset as stored: a Tink
// EncryptedKeyset (binary protobuf) produced under the key named by KEKID:
// the KEK when Group is 0, else the group's erasure-epoch key held by the
// [Source].
type WrappedDEK struct {
	// Subject is the customer the keyset belongs to.
	Subject custos.SubjectID
	// Ref is the customer's pseudonymous reference (see
	// [Keyring.Reference]), kept so that the shred ledger, which holds only
	// references, can be re-applied.
	Ref []byte
	// Group is the customer's erasure group (see [EpochConfig]), or 0 for
	// a DEK wrapped directly by the KEK.
	Group int64
	// KEKID names the key that wrapped Keyset: a KEK ID when Group is 0,
	// else the Source name of an epoch key of Group.
	KEKID string
	// Keyset is the wrapped keyset.
	Keyset []byte
	// Version counts updates: 1 when created, incremented by each update.
	Version int64
	// Created and Updated are the store-independent times of creation and
	// last update, from the Keyring's clock.
	Created, Updated time.Time
}

// Group is the stored state of one erasure group: which epoch key its DEKs
// are wrapped under, whether an erasure happened since that epoch opened,
// and whether the close of the previous epoch is still under way.
type Group struct {
	// ID numbers the group, from 1.
	ID int64
	// Epoch numbers the current epoch, from 1.
	Epoch int64
	// Key is the Source name of the current epoch's key: every DEK of the
	// group is written under it.
	Key string
	// Retiring is the Source name of the previous epoch's key while its
	// close is under way (DEKs are being moved off it, then it is
	// destroyed), and empty otherwise.
	Retiring string
	// DirtySince is when the first erasure of the current epoch happened,
	// or zero if none did: a dirty epoch is due to close.
	DirtySince time.Time
	// Opened is when the current epoch began; Closed when the last close
	// finished (zero if none has).
	Opened, Closed time.Time
	// Version counts updates: 1 when created.
	Version int64
}

// WrappedKey is a named keyset of the deployment, such as the
// pseudonymous-reference key, wrapped by the KEK like a DEK.
type WrappedKey struct {
	// Name identifies the key, such as "custos.reference".
	Name string
	// KEKID names the KEK that wrapped Keyset.
	KEKID string
	// Keyset is the wrapped Tink keyset.
	Keyset []byte
	// Version counts updates, as for WrappedDEK.
	Version int64
	// Created and Updated as for WrappedDEK.
	Created, Updated time.Time
}

// Store persists wrapped keys. It holds no business rules: the Keyring
// decides what to write. Implementations must be safe for concurrent use
// and return the sentinel errors named below (wrapped is fine), so that
// callers can tell a missing key from a failing store. Byte slices passed in
// may be retained; slices returned must not be modified by the store
// afterwards.
type Store interface {
	// CreateDEK stores a new DEK. It returns ErrExists if the subject has
	// one, and ErrShredded, storing nothing, if d.Ref has a tombstone (see
	// DeleteDEK): checked in the same transaction, ordered against the
	// deletes of any process (on PostgreSQL a lock keyed by the reference;
	// SQLite serializes writers), so that no process recreates a key for a
	// customer shredded by another. If d.Group is not 0, it stores d only
	// if that group exists and its current Key is d.KEKID, checked in the
	// same transaction (holding the group row against a concurrent
	// UpdateGroup), and returns ErrConflict otherwise: no DEK is ever
	// written under a retiring epoch key.
	CreateDEK(ctx context.Context, d WrappedDEK) error
	// CreateDEKs stores new DEKs, all in one transaction: every one of
	// them, or, if any of them would fail CreateDEK, none, returning a
	// *custos.ItemError naming one that failed and wrapping its
	// error (ErrExists, ErrShredded, ErrConflict). The subjects are
	// distinct. It is the batch write's key step (vault.Vault.PutBatch).
	CreateDEKs(ctx context.Context, ds []WrappedDEK) error
	// GetDEK returns the subject's DEK, or ErrNotFound.
	GetDEK(ctx context.Context, subject custos.SubjectID) (WrappedDEK, error)
	// GetDEKs returns the DEKs of those of subjects that have one, in any
	// order; a subject without a DEK is skipped.
	GetDEKs(ctx context.Context, subjects []custos.SubjectID) ([]WrappedDEK, error)
	// UpdateDEK replaces the subject's DEK (group, KEK ID, keyset,
	// version, update time) with d if the stored version is d.Version-1;
	// otherwise it returns ErrConflict, or ErrNotFound if there is none.
	// The group rule of CreateDEK applies.
	UpdateDEK(ctx context.Context, d WrappedDEK) error
	// DeleteDEK deletes the subject's DEK and leaves a tombstone of its
	// Ref in the same transaction; it returns ErrNotFound if there is none.
	DeleteDEK(ctx context.Context, subject custos.SubjectID) error
	// DeleteDEKByRef deletes the DEK whose Ref is ref, if any, and leaves a
	// tombstone of ref whether there was one or not, in one transaction; it
	// reports whether a DEK was deleted. Tombstones are never removed.
	DeleteDEKByRef(ctx context.Context, ref []byte) (bool, error)
	// ScanDEKs returns up to limit DEKs whose subjects sort after `after`
	// in byte order, in ascending byte order of subject. An empty after
	// starts at the beginning.
	ScanDEKs(ctx context.Context, after custos.SubjectID, limit int) ([]WrappedDEK, error)
	// CountDEKs returns the number of stored DEKs.
	CountDEKs(ctx context.Context) (int64, error)
	// ScanGroupDEKs is ScanDEKs restricted to the DEKs of one group.
	ScanGroupDEKs(ctx context.Context, group int64, after custos.SubjectID, limit int) ([]WrappedDEK, error)

	// CreateGroup stores a new group, or returns ErrExists.
	CreateGroup(ctx context.Context, g Group) error
	// GetGroup returns the group, or ErrNotFound.
	GetGroup(ctx context.Context, id int64) (Group, error)
	// UpdateGroup replaces the group with g if the stored version is
	// g.Version-1, else returns ErrConflict (or ErrNotFound).
	UpdateGroup(ctx context.Context, g Group) error
	// DueGroups returns up to limit groups with an ID above after, in
	// ascending ID order, that have a close under way (Retiring not empty)
	// or are dirty since dirtyBefore or earlier.
	DueGroups(ctx context.Context, dirtyBefore time.Time, after int64, limit int) ([]Group, error)

	// CreateKey stores a new named key, or returns ErrExists.
	CreateKey(ctx context.Context, k WrappedKey) error
	// GetKey returns the named key, or ErrNotFound.
	GetKey(ctx context.Context, name string) (WrappedKey, error)
	// UpdateKey replaces the named key if the stored version is
	// k.Version-1, else returns ErrConflict (or ErrNotFound).
	UpdateKey(ctx context.Context, k WrappedKey) error
	// ListKeys returns every named key, sorted by name.
	ListKeys(ctx context.Context) ([]WrappedKey, error)
	// DeleteKey deletes the named key, or returns ErrNotFound.
	DeleteKey(ctx context.Context, name string) error
}

// Scrubber is implemented by stores that can make rows they deleted
// unrecoverable from their own files, as far as their engine allows (SQLite:
// secure_delete and a truncating WAL checkpoint). The Keyring calls Scrub
// after a shred and after an epoch close. It is hygiene only: the guarantee
// of crypto-shredding rests on destroyed keys, never on deleted rows.
type Scrubber interface {
	Scrub(ctx context.Context) error
}

// ShredEntry records that a customer's keys were destroyed. It holds the
// pseudonymous reference only, never the subject identifier.
type ShredEntry struct {
	// Ref is the customer's pseudonymous reference.
	Ref []byte
	// At is when the customer was shredded.
	At time.Time
}

// Ledger is the append-only list of shredded customers. Keep it apart from
// the backups of the Store (another database, another retention), so that it
// survives a restore of the Store and can be re-applied to it.
type Ledger interface {
	// AppendShred records e durably. Appending a Ref that is already
	// recorded succeeds and keeps the first entry.
	AppendShred(ctx context.Context, e ShredEntry) error
	// IsShredded reports whether ref is recorded.
	IsShredded(ctx context.Context, ref []byte) (bool, error)
	// FindShredded returns those of refs that are recorded, in any order:
	// IsShredded for a batch.
	FindShredded(ctx context.Context, refs [][]byte) ([][]byte, error)
	// ScanShreds returns up to limit entries whose Ref sorts after `after`
	// in byte order, ascending. A nil after starts at the beginning.
	ScanShreds(ctx context.Context, after []byte, limit int) ([]ShredEntry, error)
}
