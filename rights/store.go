package rights

import (
	"context"
	"time"
)

// DueKey is a position in the due index: open requests sort by Due, then
// ID.
type DueKey struct {
	Due time.Time
	ID  string
}

// Store persists requests and their histories. It holds no business
// rules, so a host can write an adapter in an afternoon and check it with
// storage/storetest (RightsSuite).
//
// Implementations must be safe for concurrent use, apply each call
// atomically, and return ErrNotFound and ErrConflict (wrapped is fine)
// where documented. Slices passed in may be retained; slices returned
// must not be changed by the store afterwards.
type Store interface {
	// Create stores r, at Version 1, with its first history entry e,
	// unless a request with r.ID exists: then it changes nothing and
	// returns that request. It reports whether it stored r.
	Create(ctx context.Context, r Request, e Entry) (Request, bool, error)
	// Get returns the request, or ErrNotFound.
	Get(ctx context.Context, id string) (Request, error)
	// Advance replaces the request r.ID by r and appends e to its
	// history, if the stored request's Version is r.Version-1 (and
	// e.Seq == r.Version); otherwise it changes nothing and returns
	// ErrConflict, or ErrNotFound when there is no such request.
	Advance(ctx context.Context, r Request, e Entry) error
	// History returns the request's entries by Seq, or ErrNotFound.
	History(ctx context.Context, id string) ([]Entry, error)
	// Due returns up to limit open requests (not Closed) with Due not
	// after until, in DueKey order, strictly after `after` (the zero
	// DueKey starts at the beginning). Its cost follows the requests
	// returned, not the requests stored.
	Due(ctx context.Context, until time.Time, after DueKey, limit int) ([]Request, error)
	// List returns up to limit requests with ID greater than after, by
	// ID, open and closed.
	List(ctx context.Context, after string, limit int) ([]Request, error)
	// OfSubject returns up to limit requests whose SubjectKey is key,
	// with ID greater than after, by ID: a customer's requests, or a
	// forgotten customer's pseudonymised ones. Advance moves a request to
	// its new SubjectKey. Its cost follows the requests returned.
	OfSubject(ctx context.Context, key string, after string, limit int) ([]Request, error)
}
