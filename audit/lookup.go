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
	// Credential and Instance are the credential id and the application
	// instance the access came through, or empty.
	Credential string
	Instance   string
	// Period and Ref are the entry's reference period and customer
	// reference; both empty when the entry names no customer.
	Period string
	Ref    []byte
}

// Keys returns the entry's lookup keys.
func (e Entry) Keys() LookupKeys {
	return LookupKeys{Time: e.Time, Actor: e.Actor.ID, Role: e.Actor.Role, Credential: e.Credential, Instance: e.Instance,
		Period: e.Period, Ref: bytes.Clone(e.Ref)}
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

// ActorLookup selects the leaves of one actor, role, credential or
// application instance in a time range. At least one of Actor, Role,
// Credential and Instance is set; when several are, a leaf must match all
// of them.
type ActorLookup struct {
	Actor      string
	Role       custos.Role
	Credential string
	Instance   string
	// Since and Until bound the leaves' Lookup.Time: Since <= Time < Until.
	// A zero Since is unbounded below, a zero Until unbounded above.
	Since, Until time.Time
}

// Keyed reports whether q names a key to look up by: an actor, a role, a
// credential or an instance.
func (q ActorLookup) Keyed() bool {
	return q.Actor != "" || q.Role != "" || q.Credential != "" || q.Instance != ""
}

// Matches reports whether k matches every key q sets and lies in its time
// range.
func (q ActorLookup) Matches(k LookupKeys) bool {
	switch {
	case q.Actor != "" && k.Actor != q.Actor,
		q.Role != "" && k.Role != q.Role,
		q.Credential != "" && k.Credential != q.Credential,
		q.Instance != "" && k.Instance != q.Instance,
		!q.Since.IsZero() && k.Time.Before(q.Since),
		!q.Until.IsZero() && !k.Time.Before(q.Until):
		return false
	}
	return true
}

// lookup is the index lookup of the query's actor, role, credential and
// instance in its time range.
func (q Query) lookup() ActorLookup {
	return ActorLookup{Actor: q.Actor, Role: q.Role, Credential: q.Credential, Instance: q.Instance, Since: q.Since, Until: q.Until}
}

// IndexedStore is a Store that answers lookups by actor, role, credential
// or instance and time,
// and by customer reference, through indexes: the cost of a call is
// proportional to the leaves it returns, not to the size of the log. Log.Query
// uses it when the Store implements it and scans the log otherwise.
//
// A store indexes each leaf by the Lookup keys it was appended with, in the
// same atomic write as the leaf. storage/storetest checks these rules.
type IndexedStore interface {
	Store
	// ActorLeaves returns up to limit leaves matching every key q sets
	// whose (Time, Index) is at or after from, in ascending (Time, Index) order, each
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
