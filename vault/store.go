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
	// IndexEntries counts the record's blind-index entries. SubjectRecords
	// fills it, so that Forget can name on its certificate, before it
	// changes anything, what it will delete; other reads may leave it 0.
	IndexEntries int
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

// SubjectLookup is what LookupSubjects found about one customer.
type SubjectLookup struct {
	// Found reports that the customer has a subject entry, Subject.
	Found   bool
	Subject Subject
	// Forgotten reports a tombstone for the customer's reference.
	Forgotten bool
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

// Deleted counts what ForgetSubject removed.
type Deleted struct {
	// Subject reports that there was a subject entry.
	Subject bool
	// Records and IndexEntries count the rows deleted.
	Records, IndexEntries int
}

// Tombstone is what the store keeps of a customer once Forget has begun:
// their pseudonymous reference (never the subject identifier) and the
// destruction certificate. While it exists the store refuses every write
// to the customer with ErrForgotten, in every process (PIPL Art. 47; GDPR
// Art. 17).
type Tombstone struct {
	// Ref is the customer's pseudonymous reference (keys.Keyring.Reference).
	Ref []byte
	// Certificate is the destruction certificate as JSON, recorded in the
	// audit log before the tombstone was placed. It is empty for a
	// tombstone ForgetSubject placed without one (Reapply after a restore).
	Certificate []byte
	// Created is when the tombstone was placed.
	Created time.Time
	// Done reports that ForgetSubject deleted the customer's records,
	// index entries and subject entry: the erasure finished.
	Done bool
}

// RecordVersion names one stored record and its version.
type RecordVersion struct {
	Type    string
	Version int64
}

// Fence is the start of a Forget: the tombstone to place, and what the
// store must still hold of the customer for it to be placed, as the
// certificate already recorded describes it.
type Fence struct {
	Subject   custos.SubjectID
	Tombstone Tombstone
	// Records are the customer's records, sorted by type, and
	// IndexEntries the number of their index entries.
	Records      []RecordVersion
	IndexEntries int
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
	// stored version does not match w.Expect. It returns ErrForgotten,
	// changing nothing, when a tombstone for w.Ref exists: checked in the
	// write's own transaction, ordered against PlaceTombstone and
	// ForgetSubject of any process (on PostgreSQL a lock keyed by the
	// reference; SQLite serializes writers), so that a write racing a
	// Forget either commits before the tombstone, and is then deleted with
	// the customer, or fails.
	PutRecord(ctx context.Context, w Write) error
	// LookupSubjects returns, for each of subjects, its subject entry if
	// it has one and whether a tombstone exists for refs[i], its
	// reference, in the order given: the batch write's one read.
	LookupSubjects(ctx context.Context, subjects []custos.SubjectID, refs [][]byte) ([]SubjectLookup, error)
	// PutRecords applies every write of ws in one transaction, each as
	// PutRecord would, or none: if any of them would fail, it returns a
	// *custos.ItemError naming one that failed, wrapping its error
	// (ErrForgotten, ErrConflict), and changes nothing. The writes are to
	// distinct records.
	PutRecords(ctx context.Context, ws []Write) error
	// SetRestriction replaces the customer's restriction state, or returns
	// ErrNotFound; ErrForgotten when the customer's subject entry has a
	// tombstone.
	SetRestriction(ctx context.Context, subject custos.SubjectID, r Restriction) error

	// GetTombstone returns the tombstone for ref, or ErrNotFound.
	GetTombstone(ctx context.Context, ref []byte) (Tombstone, error)
	// PlaceTombstone stores f.Tombstone (not Done) if the customer's
	// records and index entries are still exactly those f names, checked
	// in the same transaction; else it returns ErrConflict. It returns
	// ErrForgotten if a tombstone for the reference exists already, and
	// ErrRestricted if the customer's subject entry is restricted. From
	// the tombstone on, GetRecord, SubjectRecords and ScanRecords skip the
	// customer's records, as if deleted.
	PlaceTombstone(ctx context.Context, f Fence) error
	// ForgetSubject deletes atomically the records, index entries and
	// subject entry of the customer whose subject entry has reference ref,
	// if any, and marks the tombstone for ref Done, placing one without a
	// certificate at time at if there is none. It reports what it deleted;
	// running it again deletes nothing and succeeds.
	ForgetSubject(ctx context.Context, ref []byte, at time.Time) (Deleted, error)

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
	// it returns ErrConflict (ErrNotFound if the record is gone,
	// ErrForgotten if the customer has a tombstone). The record itself is
	// not changed.
	SetIndex(ctx context.Context, subject custos.SubjectID, recordType string, expect int64, replace []string, entries []IndexEntry) error
	// DeleteIndex deletes every entry of the named index and returns how
	// many there were.
	DeleteIndex(ctx context.Context, index string) (int64, error)
}
