package consent

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// Record is the current state of one customer's consent for one purpose:
// the head of its history. A customer has at most one record per purpose;
// it lives from the first act on the purpose and keeps its ID for ever.
type Record struct {
	// Subject and Purpose key the record.
	Subject custos.SubjectID
	Purpose custos.PurposeID
	// ID identifies the record in receipts (ISO/IEC TS 27560 record id):
	// 32 hex digits from crypto/rand.
	ID string
	// State is the stored state. The state in force may differ: a given
	// consent past its validity is expired, and one given on an earlier
	// notice generation is invalidated (see Registry.Status).
	State State
	// Notice is the notice version of the latest act that named one, and
	// Language the language the person read it in.
	Notice   string
	Language string
	// Generation is the purpose's notice generation the live consent was
	// given or renewed on; empty when none was.
	Generation string
	// Minor records that the person was under 14 and a guardian consented
	// (PIPL Art. 31).
	Minor bool
	// Given is when the live consent was given or last renewed; Expires
	// when it lapses (zero: not before withdrawal).
	Given, Expires time.Time
	// Refused is when the person last refused, for the interval before
	// asking again (NDSR Art. 22(5)).
	Refused time.Time
	// Version counts the record's history entries: 1 after the first act.
	Version int64
	// Created and Updated are the times of the first and latest act.
	Created, Updated time.Time
}

// Guardian identifies the parent or guardian who consents for a minor
// under 14 (PIPL Art. 31), by identifiers of the host, never by name.
type Guardian struct {
	// ID identifies the guardian in the host's systems.
	ID string `json:"id"`
	// Relation is the guardian's relation to the minor, such as "parent"
	// or "legal-guardian".
	Relation string `json:"relation"`
}

// Entry is one act in a record's append-only history: who recorded what,
// when, through which channel, on which notice version, with which evidence
// (rule L10; GDPR Art. 7(1)). It holds identifiers and codes, never
// personal data.
type Entry struct {
	// Seq numbers the entries of a record from 1; it equals the record's
	// Version after the act.
	Seq int64
	// Time is when the act was recorded.
	Time time.Time
	// Action is the act, such as custos.ActionConsentGrant.
	Action custos.Action
	// State is the record's state after the act.
	State State
	// Actor is who recorded the act: the service or member of staff, not
	// the person.
	Actor custos.Actor
	// Channel is where the act happened, such as "app" or "branch".
	Channel string
	// Signal is how the person expressed it.
	Signal Signal
	// Notice is the notice version shown, and Language its language.
	Notice, Language string
	// Evidence references the host's proof of the act, such as a form
	// submission or signed document id.
	Evidence string
	// Guardian is who consented for a minor; zero otherwise.
	Guardian Guardian
	// Reason is a code saying why, for acts of the handler (revoke,
	// expire).
	Reason string
	// RequestID correlates the act with the host's request.
	RequestID string
}

// Write is one change of a record: its new head and the history entry that
// explains it.
type Write struct {
	// Record is the new head; Record.Version is Expect+1. ID and Created
	// are set when the record is created and never change: on an update
	// the store keeps the stored ones.
	Record Record
	// Entry is appended to the record's history; Entry.Seq is
	// Record.Version.
	Entry Entry
	// Expect is the Version the stored record must have for the write to
	// apply; 0 means the record must not exist yet.
	Expect int64
	// Ref is the customer's pseudonymous reference (Config.Pseudonyms). The
	// store refuses the write with ErrForgotten when it holds an erasure of
	// Ref, in the same transaction, so that no act racing an erasure
	// recreates a forgotten customer's records.
	Ref []byte
}

// Erasure is the erasure of a forgotten customer's consent records: written
// by Store.Erase, read back by Store.GetErasure. It holds no subject
// identifier once stored.
type Erasure struct {
	// Subject is the customer whose records and histories Erase deletes;
	// empty when read back.
	Subject custos.SubjectID
	// Ref is the customer's pseudonymous reference, under which the
	// erasure and its proof are kept.
	Ref []byte
	// Records lists the purpose and Version of every record of the
	// customer as the registry read them: Erase applies only when the
	// customer's records are exactly these, else it returns ErrConflict
	// and changes nothing. Empty when read back.
	Records []RecordVersion
	// Removed counts the records and history entries deleted. Erase adds
	// it to the stored count; read back it is the total of every Erase.
	Removed int
	// At is when the customer's consent records were first erased, and
	// Until when the proof may be purged (zero once purged). Erase keeps
	// the stored ones when Ref was erased before.
	At, Until time.Time
	// Proof is the history kept as proof of consent. Erase adds the
	// entries whose (Purpose, Seq) it does not hold yet; read back it is
	// sorted by Purpose in byte order, then Seq.
	Proof []ProofEntry
}

// RecordVersion names one record of a customer and its Version.
type RecordVersion struct {
	Purpose custos.PurposeID
	Version int64
}

// ProofEntry is one history entry kept after the customer was forgotten,
// as proof that consent was given, renewed or ended (GDPR Art. 7(1)): what
// happened to the consent of which purpose, when, through which channel,
// with which signal, on which notice version. It holds no subject
// identifier, record id, actor id, evidence reference, guardian identity or
// request id: only codes, times and the role of who recorded it.
type ProofEntry struct {
	Purpose custos.PurposeID
	Seq     int64
	Time    time.Time
	Action  custos.Action
	State   State
	// Role is the role of who recorded the act, such as "channel".
	Role     custos.Role
	Channel  string
	Signal   Signal
	Notice   string
	Language string
	// Guardian records that a parent or guardian consented for a minor
	// (PIPL Art. 31), without naming them.
	Guardian bool
	Reason   string
}

// Store persists consent records, their histories and published notices.
// It holds no business rules: the Registry decides every change, so a host
// can write an adapter in an afternoon and check it with storage/storetest.
//
// Implementations must be safe for concurrent use by several processes on
// one database, and must not cache: a read returns the latest committed
// write of any process, which is what makes a withdrawal effective at once
// everywhere (PIPL Art. 15). They return ErrNotFound and ErrConflict
// (wrapped is fine) where documented, and custos.ErrClosed after Close.
// Values passed in may be retained; values returned must not be changed by
// the store afterwards.
type Store interface {
	// PutNotice stores a notice version. Storing a version already stored
	// succeeds and keeps the first.
	PutNotice(ctx context.Context, n PublishedNotice) error
	// GetNotice returns the notice version, or ErrNotFound.
	GetNotice(ctx context.Context, version string) (PublishedNotice, error)
	// GetConsent returns the customer's record for the purpose, or
	// ErrNotFound.
	GetConsent(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) (Record, error)
	// SubjectConsents returns every record of the customer, sorted by
	// purpose in byte order; none is not an error.
	SubjectConsents(ctx context.Context, subject custos.SubjectID) ([]Record, error)
	// History returns the record's entries in Seq order; none is not an
	// error.
	History(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) ([]Entry, error)
	// Apply applies every write atomically, or none: if any record's
	// stored Version differs from its write's Expect it returns
	// ErrConflict, and if an erasure of any write's Ref is stored it
	// returns ErrForgotten; either way it changes nothing.
	Apply(ctx context.Context, writes []Write) error

	// Erase applies e atomically, or nothing: it deletes every record and
	// history entry of e.Subject, stores the erasure of e.Ref (keeping At
	// and Until of an earlier one, adding Removed) and the proof entries
	// it does not hold yet, and changes the customer's authorization
	// version like Apply. It returns ErrConflict, changing nothing, when
	// the customer's records are not exactly e.Records.
	Erase(ctx context.Context, e Erasure) error
	// GetErasure returns the erasure stored for ref, with its proof, or
	// ErrNotFound.
	GetErasure(ctx context.Context, ref []byte) (Erasure, error)
	// PurgeProof deletes the proof of at most limit erasures whose Until is
	// not zero and not after t, sets their Until to zero, and returns how
	// many it purged. The erasures themselves are kept.
	PurgeProof(ctx context.Context, t time.Time, limit int) (int, error)
}

// Recorder durably records the audit event of every consent act, with the
// same method set as the vault's Recorder so one audit log serves both. It
// must be safe for concurrent use.
type Recorder interface {
	Record(ctx context.Context, e custos.Event) error
}
