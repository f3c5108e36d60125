package keys

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// WrappedDEK is one customer's data-encryption keyset as stored: a Tink
// EncryptedKeyset (binary protobuf) produced under the KEK named by KEKID.
type WrappedDEK struct {
	// Subject is the customer the keyset belongs to.
	Subject custos.SubjectID
	// Ref is the customer's pseudonymous reference (see
	// [Keyring.Reference]), kept so that the shred ledger, which holds only
	// references, can be re-applied.
	Ref []byte
	// KEKID names the KEK that wrapped Keyset.
	KEKID string
	// Keyset is the wrapped keyset.
	Keyset []byte
	// Version counts updates: 1 when created, incremented by each update.
	Version int64
	// Created and Updated are the store-independent times of creation and
	// last update, from the Keyring's clock.
	Created, Updated time.Time
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
	// customer shredded by another.
	CreateDEK(ctx context.Context, d WrappedDEK) error
	// GetDEK returns the subject's DEK, or ErrNotFound.
	GetDEK(ctx context.Context, subject custos.SubjectID) (WrappedDEK, error)
	// UpdateDEK replaces the subject's DEK with d if the stored version is
	// d.Version-1; otherwise it returns ErrConflict, or ErrNotFound if there
	// is none.
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
	// ScanShreds returns up to limit entries whose Ref sorts after `after`
	// in byte order, ascending. A nil after starts at the beginning.
	ScanShreds(ctx context.Context, after []byte, limit int) ([]ShredEntry, error)
}
