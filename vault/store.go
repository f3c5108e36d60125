package vault

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// Stored is one record as the store holds it: the field ciphertexts in an
// envelope (docs/FORMAT.md), never plaintext.
type Stored struct {
	Subject custos.SubjectID
	Type    string
	// Envelope holds the field ciphertexts.
	Envelope []byte
	// Version counts writes of the record: 1 when created.
	Version int64
	// Created and Updated are from the vault's clock.
	Created, Updated time.Time
	// Restriction is the customer's restriction state, filled by
	// GetRecord and SubjectRecords from the subject entry so that a read
	// needs one store call.
	Restriction Restriction
	// AuthVersion is the customer's authorization version: a number the
	// store changes in the same transaction as any change of the customer's
	// consents (see custos.AccessRequest), so that a consent-aware
	// authorizer can cache its answers safely. 0 means the store does not
	// keep one, and authorizers then decide afresh every time.
	AuthVersion int64
}

// Restriction is a customer's restricted, storage-only state (PIPL Art. 47
// ¶2; NDSR Art. 24; GDPR Art. 18): while a statutory retention period still
// runs or deletion is infeasible, the data is only stored and protected, not
// used.
type Restriction struct {
	// Restricted is true while the customer is restricted.
	Restricted bool
	// Ground says why, such as "AML Art. 34: identity records kept 10
	// years after the relationship ends". No personal data.
	Ground string
	// Since is when the restriction began.
	Since time.Time
}

// Subject is what the store keeps about a customer besides records.
type Subject struct {
	Subject custos.SubjectID
	// Ref is the customer's pseudonymous reference (keys.Keyring.Reference),
	// kept so that a shred ledger of references can be re-applied.
	Ref []byte
	// Restriction is the customer's restriction state.
	Restriction Restriction
	// Created is when the customer's first record was written.
	Created time.Time
}

// IndexEntry is one blind-index entry of a record.
type IndexEntry struct {
	// Index names the blind index (record type, fields and key version).
	Index string
	// Value is the truncated PRF output.
	Value []byte
	// Check is the indexed values, encrypted under the customer's DEK, so
	// that a search tells a match from the other customers sharing Value
	// without reading their records.
	Check []byte
}

// IndexCandidate is a customer holding an index value, and its check.
type IndexCandidate struct {
	Subject custos.SubjectID
	Check   []byte
}

// Expect values for Write.Expect.
const (
	// ExpectAny overwrites whatever version is stored, or creates.
	ExpectAny int64 = -1
	// ExpectAbsent creates and fails with ErrConflict if the record exists.
	ExpectAbsent int64 = 0
)

// Write is one atomic change of a record: the record, the customer's
// subject entry if it does not exist yet, and the record's index entries.
type Write struct {
	Subject custos.SubjectID
	// Ref is the customer's pseudonymous reference, stored with the
	// subject entry when it is created.
	Ref  []byte
	Type string
	// Envelope is the new field ciphertexts.
	Envelope []byte
	// Expect is the version the stored record must have for the write to
	// apply: ExpectAny, ExpectAbsent or an exact version. The store writes
	// version Expect+1 (1 for a new record).
	Expect int64
	// Time is the write's time stamp; Created is set from it on creation.
	Time time.Time
	// ReplaceIndexes names the indexes whose entries for this record the
	// write replaces by Index; entries of other indexes are kept.
	ReplaceIndexes []string
	Index          []IndexEntry
}

// Deleted counts what DeleteSubject removed.
type Deleted struct {
	Records, IndexEntries int
}

// Store persists records. It holds no business rules: it never sees
// plaintext or keys and decides nothing, so a host can write an adapter in
// an afternoon and check it with storage/storetest.
//
// Implementations must be safe for concurrent use, apply each call
// atomically (a failed call leaves nothing half-written), and return
// ErrNotFound and ErrConflict (wrapped is fine) where documented. Byte
// slices passed in may be retained; slices returned must not be changed by
// the store afterwards.
type Store interface {
	// GetRecord returns one record, or ErrNotFound. It is the read path's
	// one store call, so it need fill only what a read uses: Envelope,
	// Version, Updated, Restriction.Restricted and AuthVersion; Created,
	// Restriction.Ground and Restriction.Since may be left zero. Find
	// reads the empty subject, which no customer has, to make a search
	// that matches nobody cost what a refused match costs: it must return
	// ErrNotFound.
	GetRecord(ctx context.Context, subject custos.SubjectID, recordType string) (Stored, error)
	// GetSubject returns a customer's subject entry, or ErrNotFound.
	GetSubject(ctx context.Context, subject custos.SubjectID) (Subject, error)
	// SubjectRecords returns every record of a customer, sorted by type,
	// or ErrNotFound if the customer has no subject entry.
	SubjectRecords(ctx context.Context, subject custos.SubjectID) ([]Stored, error)
	// PutRecord applies w atomically, or returns ErrConflict when the
	// stored version does not match w.Expect.
	PutRecord(ctx context.Context, w Write) error
	// SetRestriction replaces the customer's restriction state, or returns
	// ErrNotFound.
	SetRestriction(ctx context.Context, subject custos.SubjectID, r Restriction) error
	// DeleteSubject deletes atomically the customer's records, index
	// entries and subject entry, or returns ErrNotFound.
	DeleteSubject(ctx context.Context, subject custos.SubjectID) (Deleted, error)
	// DeleteSubjectByRef deletes like DeleteSubject the customer whose
	// subject entry has the given Ref, and reports whether there was one.
	DeleteSubjectByRef(ctx context.Context, ref []byte) (bool, error)

	// IndexCandidates returns the customers whose record of type
	// recordType has an entry (index, value), with its Check, sorted by
	// subject. It reads the index alone: the search's first, cheap step.
	IndexCandidates(ctx context.Context, recordType, index string, value []byte) ([]IndexCandidate, error)
	// ScanRecords returns up to limit records of type recordType whose
	// subjects sort after `after` in byte order, ascending, with their
	// restriction.
	ScanRecords(ctx context.Context, recordType string, after custos.SubjectID, limit int) ([]Stored, error)
	// SetIndex replaces, for one record, the entries of the indexes named
	// in replace by entries, if the record's version is still expect; else
	// it returns ErrConflict (ErrNotFound if the record is gone). The record
	// itself is not changed.
	SetIndex(ctx context.Context, subject custos.SubjectID, recordType string, expect int64, replace []string, entries []IndexEntry) error
	// DeleteIndex deletes every entry of the named index and returns how
	// many there were.
	DeleteIndex(ctx context.Context, index string) (int64, error)
}
