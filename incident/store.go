package incident

import (
	"context"
	"time"

	"github.com/custos-go/custos"
)

// Record is an incident as a Store keeps it: the encoded incident
// (Encode) and the columns a store lists by.
type Record struct {
	ID      string
	Version int64
	State   State
	Drill   bool
	Opened  time.Time
	// Body is the incident's encoding (see Encode).
	Body []byte
}

// Entry is one step of an incident's timeline: who did what when. The
// timeline is append-only; entries are numbered from 1 and dated in order.
type Entry struct {
	Seq   int64
	At    time.Time
	Actor custos.Actor
	// Action is the step, such as "opened", "scoped", "contained.revoke",
	// "reported", "closed".
	Action string
	// Detail says what changed, without personal data.
	Detail string
	// Key identifies the step for idempotency: a rerun of a step with a
	// key already on the timeline does nothing.
	Key string
}

// Revocation records that containment revoked an actor.
type Revocation struct {
	Actor    string
	Incident string
	At       time.Time
}

// Store persists the register. It holds no rules: the Register validates,
// computes and encodes; the store keeps rows. Implementations must be safe
// for concurrent use from several processes sharing one database, return
// the sentinel errors named (wrapped is fine) and custos.ErrClosed after
// Close. storage/storetest checks these rules (RunIncidentStore).
type Store interface {
	// Create stores a new incident with its first timeline entry, in one
	// transaction; ErrExists, storing nothing, if the id is used.
	Create(ctx context.Context, r Record, first Entry) error
	// Get returns the incident, or ErrNotFound.
	Get(ctx context.Context, id string) (Record, error)
	// List returns up to limit incidents with ids after `after`, ascending.
	List(ctx context.Context, after string, limit int) ([]Record, error)
	// Update replaces the incident with r if the stored version is
	// r.Version-1 and appends e, whose Seq must follow the last entry's and
	// whose Key no entry of the incident has, in one transaction;
	// ErrConflict, changing nothing, otherwise (or ErrNotFound).
	Update(ctx context.Context, r Record, e Entry) error
	// Timeline returns up to limit entries with Seq >= from, ascending.
	Timeline(ctx context.Context, id string, from int64, limit int) ([]Entry, error)
	// EntryByKey returns the incident's entry with key, and false if there
	// is none.
	EntryByKey(ctx context.Context, id, key string) (Entry, bool, error)
	// AddAffected adds subjects to the incident's affected set (adding one
	// already there does nothing) and returns how many it holds after;
	// with no subjects it only counts. ErrNotFound for an unknown incident.
	AddAffected(ctx context.Context, id string, subjects []custos.SubjectID) (int64, error)
	// Affected returns up to limit subjects of the set sorting after
	// `after`, ascending.
	Affected(ctx context.Context, id string, after custos.SubjectID, limit int) ([]custos.SubjectID, error)
	// Revoke records r; revoking an actor already revoked keeps the first.
	Revoke(ctx context.Context, r Revocation) error
	// Revoked returns the actor's revocation and true, or false.
	Revoked(ctx context.Context, actor string) (Revocation, bool, error)
}
