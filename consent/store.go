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
	// ErrConflict and changes nothing.
	Apply(ctx context.Context, writes []Write) error
}

// Recorder durably records the audit event of every consent act, with the
// same method set as the vault's Recorder so one audit log serves both. It
// must be safe for concurrent use.
type Recorder interface {
	Record(ctx context.Context, e custos.Event) error
}
