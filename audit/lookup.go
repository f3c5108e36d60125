package audit

import (
	"bytes"
	"context"
	"time"

	"github.com/custos-go/custos"
)

// LookupKeys are the parts of an entry an IndexedStore indexes. The Log
// sets them on every leaf it appends (Leaf.Lookup), so a store indexes
// without decoding entries. They hold no personal data: the customer
// appears only as the entry's pseudonymous reference.
type LookupKeys struct {
	// Time is the entry's time, UTC, microsecond precision.
	Time time.Time
	// Actor and Role are the acting actor's ID and role.
	Actor string
	Role  custos.Role
	// Period and Ref are the entry's reference period and customer
	// reference; both empty when the entry names no customer.
	Period string
	Ref    []byte
}

// Keys returns the entry's lookup keys.
func (e Entry) Keys() LookupKeys {
	return LookupKeys{Time: e.Time, Actor: e.Actor.ID, Role: e.Actor.Role, Period: e.Period, Ref: bytes.Clone(e.Ref)}
}

// Position is a place in the (Time, Index) order an IndexedStore returns an
// actor's or a role's leaves in.
type Position struct {
	Time  time.Time
	Index uint64
}

// Before reports whether p comes before q in (Time, Index) order.
func (p Position) Before(q Position) bool {
	if !p.Time.Equal(q.Time) {
		return p.Time.Before(q.Time)
	}
	return p.Index < q.Index
}

// ActorLookup selects the leaves of one actor, or of one role, in a time
// range. At least one of Actor and Role is set; when both are, a leaf must
// match both.
type ActorLookup struct {
	Actor string
	Role  custos.Role
	// Since and Until bound the leaves' Lookup.Time: Since <= Time < Until.
	// A zero Since is unbounded below, a zero Until unbounded above.
	Since, Until time.Time
}

// IndexedStore is a Store that answers lookups by actor or role and time,
// and by customer reference, through indexes: the cost of a call is
// proportional to the leaves it returns, not to the size of the log. Log.Query
// uses it when the Store implements it and scans the log otherwise.
//
// A store indexes each leaf by the Lookup keys it was appended with, in the
// same atomic write as the leaf. storage/storetest checks these rules.
type IndexedStore interface {
	Store
	// ActorLeaves returns up to limit leaves matching q whose (Time,
	// Index) is at or after from, in ascending (Time, Index) order, each
	// with its Lookup keys.
	ActorLeaves(ctx context.Context, q ActorLookup, from Position, limit int) ([]Leaf, error)
	// RefLeaves returns up to limit leaves appended with the reference ref
	// in period and Index >= from, in ascending order of Index, each with
	// its Lookup keys.
	RefLeaves(ctx context.Context, period string, ref []byte, from uint64, limit int) ([]Leaf, error)
	// RefPeriods returns every period some leaf was appended with, each
	// once, in the order of the first leaf of each.
	RefPeriods(ctx context.Context) ([]string, error)
}
