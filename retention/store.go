package retention

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// Clock is one running retention clock: for one customer and one rule, when
// it started and when its periods run out. Retention computes every time;
// a store only keeps and indexes them.
type Clock struct {
	// Subject and Rule key the clock; RecordType is the rule's.
	Subject    custos.SubjectID
	Rule       string
	RecordType string
	// Started is the time of the latest event that started the clock.
	Started time.Time
	// Keep is when the rule's statutory minimum runs out; zero when the
	// rule has none.
	Keep time.Time
	// Due is when the rule's maximum runs out.
	Due time.Time
	// Next is when a sweep next looks at the clock: the restriction time
	// of a RestrictThenDestroy rule, then Due; the last day of year 9999
	// while the clock waits for other clocks of the customer. Stores index clocks by Next.
	Next time.Time
}

// parked is the Next of a clock that ran out but waits for the other
// clocks of its customer: the vault destroys whole customers, so a record
// type that may go waits for the last one that must stay.
func parked() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

// DueKey is a position in the due-date index: clocks sort by Next, then
// Subject, then Rule.
type DueKey struct {
	Next    time.Time
	Subject custos.SubjectID
	Rule    string
}

// Hold is a legal hold: while it is in force, no customer in its scope is
// destroyed or unrestricted by retention, whatever their clocks say (a
// court case, a regulator's inquiry, litigation the handler expects).
type Hold struct {
	// ID identifies the hold.
	ID string
	// Owner is who placed it and answers for it: an actor id. Required.
	Owner string
	// Reason says why, such as "case 2026-civil-0042"; follows
	// custos.GroundRule and holds no personal data. Required.
	Reason string
	// Subjects and RecordTypes are the scope: the customers named, or the
	// customers holding a record of one of the types named; both empty
	// means every customer.
	Subjects    []custos.SubjectID
	RecordTypes []string
	// Start is when the hold begins; End, if not zero, when it lapses.
	Start, End time.Time
	// Released is when it was released, and ReleasedBy by whom; zero and
	// empty while it stands.
	Released   time.Time
	ReleasedBy string
}

// Destruction is what retention keeps of a customer it destroyed: the
// vault's certificate, whole, under the customer's pseudonymous reference.
type Destruction struct {
	// Ref is the certificate's SubjectRef (hex): the customer's
	// pseudonymous reference, never the customer id.
	Ref string
	// Sweep identifies the sweep or erasure request that destroyed.
	Sweep string
	// Rules are the rules whose clocks ran out, sorted.
	Rules []string
	// At is when retention recorded the destruction.
	At time.Time
	// Certificate is the vault.Certificate as JSON, exactly as returned.
	Certificate []byte
}

// Store persists retention's clocks, holds, destructions and sweep mark.
// It holds no business rules, so a host can write an adapter in an
// afternoon and check it with storage/storetest.
//
// Implementations must be safe for concurrent use and apply each call
// atomically, and return ErrNotFound and ErrConflict (wrapped is fine)
// where documented. Slices passed in may be retained; slices returned must
// not be changed by the store afterwards.
type Store interface {
	// PutClock stores c, replacing the clock of (c.Subject, c.Rule)
	// unless that one started after c.Started; it reports whether it
	// stored c.
	PutClock(ctx context.Context, c Clock) (bool, error)
	// SetNext sets the Next of the clock (subject, rule) if it still has
	// Started started; else ErrConflict, or ErrNotFound when there is no
	// such clock.
	SetNext(ctx context.Context, subject custos.SubjectID, rule string, started, next time.Time) error
	// Clocks returns the customer's clocks sorted by rule; none is not an
	// error.
	Clocks(ctx context.Context, subject custos.SubjectID) ([]Clock, error)
	// DueClocks returns up to limit clocks with Next not after at, in
	// DueKey order, strictly after `after` (the zero DueKey starts at the
	// beginning). Its cost follows the clocks returned, not the clocks
	// stored.
	DueClocks(ctx context.Context, at time.Time, after DueKey, limit int) ([]Clock, error)

	// DeleteClocks deletes the customer's clocks and review dates, and
	// reports how many clocks there were.
	DeleteClocks(ctx context.Context, subject custos.SubjectID) (int, error)

	// Destroyed atomically stores d and deletes subject's clocks and
	// review dates. It returns ErrConflict, and changes nothing, if a
	// destruction under d.Ref exists.
	Destroyed(ctx context.Context, subject custos.SubjectID, d Destruction) error
	// GetDestruction returns the destruction under ref, or ErrNotFound.
	GetDestruction(ctx context.Context, ref string) (Destruction, error)
	// Destructions returns up to limit destructions with Ref after
	// `after`, by Ref.
	Destructions(ctx context.Context, after string, limit int) ([]Destruction, error)

	// PutHold stores a new hold, or returns ErrConflict if its ID exists.
	PutHold(ctx context.Context, h Hold) error
	// GetHold returns the hold, or ErrNotFound.
	GetHold(ctx context.Context, id string) (Hold, error)
	// ReleaseHold marks the hold released at `at` by `by`; ErrNotFound for
	// an unknown hold, ErrConflict for one already released.
	ReleaseHold(ctx context.Context, id string, at time.Time, by string) error
	// Holds returns the holds in force at `at` (started, not ended, not
	// released) whose Subjects name subject or are empty, by ID.
	Holds(ctx context.Context, subject custos.SubjectID, at time.Time) ([]Hold, error)
	// ListHolds returns up to limit holds, released or not, with ID after
	// `after`, by ID.
	ListHolds(ctx context.Context, after string, limit int) ([]Hold, error)

	// PutReview stores rv, replacing the review of (rv.Subject,
	// rv.RecordType) unless that one was reviewed after rv.Reviewed; it
	// reports whether it stored rv.
	PutReview(ctx context.Context, rv Review) (bool, error)
	// Reviews returns the customer's reviews sorted by record type; none
	// is not an error.
	Reviews(ctx context.Context, subject custos.SubjectID) ([]Review, error)
	// DueReviews returns up to limit reviews with Due not after at, in
	// ReviewKey order, strictly after `after` (the zero ReviewKey starts
	// at the beginning). Its cost follows the reviews returned, not the
	// reviews stored.
	DueReviews(ctx context.Context, at time.Time, after ReviewKey, limit int) ([]Review, error)

	// SweepMark returns the time of the latest sweep recorded, zero when
	// none was.
	SweepMark(ctx context.Context) (time.Time, error)
	// AdvanceSweep records a sweep at `at`; it returns ErrConflict if a
	// later sweep is recorded.
	AdvanceSweep(ctx context.Context, at time.Time) error
}
