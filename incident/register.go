package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// Policy is the host's incident policy: how incidents are graded and which
// regimes' reporting duties apply.
type Policy struct {
	Grading Grading
	Regimes Regimes
}

// Validate checks the grading and the regimes.
func (p Policy) Validate() error {
	if err := p.Grading.Validate(); err != nil {
		return err
	}
	return p.Regimes.Validate()
}

// Config configures a Register. Store, Recorder and Policy are required;
// the evidence and containment parts are optional, and the operations that
// need one fail with ErrConfig without it.
type Config struct {
	// Store persists the register.
	Store Store
	// Recorder durably records an audit event of every change before the
	// change is stored (audit.Log).
	Recorder custos.Recorder
	// Policy grades incidents and sets their obligations.
	Policy Policy
	// Clock gives the time of every step; nil means time.Now.
	Clock custos.Clock

	// Evidence, for scoping.
	Evidence Evidence
	// Containment actions.
	Containment Containment
	// Notices, sent through notify.
	Notices *Notices
}

// Register is the incident register: it opens incidents, keeps their
// append-only audited timeline through the NIST SP 800-61r3 lifecycle,
// grades them, computes their obligations and records how each was met,
// scopes them from evidence, contains them and sends their notices. Build
// it with New; it is safe for concurrent use, and several processes may
// share one Store.
type Register struct {
	store   Store
	rec     custos.Recorder
	policy  Policy
	clock   custos.Clock
	ev      Evidence
	contain Containment
	notices *Notices
}

// New validates cfg and returns a Register.
func New(cfg Config) (*Register, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	if cfg.Notices != nil {
		if err := cfg.Notices.validate(); err != nil {
			return nil, err
		}
	}
	return &Register{store: cfg.Store, rec: cfg.Recorder, policy: cfg.Policy, clock: cfg.Clock,
		ev: cfg.Evidence, contain: cfg.Containment, notices: cfg.Notices}, nil
}

// Open records a new incident, in state detected, with its grade and
// obligations computed from the policy, and "opened" as the first entry of
// its timeline, dated inc.Detected. It refuses an incident that does not
// validate (ErrInvalid: aware before detected, unknown kind, ...), changing
// nothing. Opening the same incident again (same id, kind and times) returns
// the stored one: a rerun after a crash opens it once. Another incident
// under a used id fails with ErrExists.
func (r *Register) Open(ctx context.Context, acc custos.Access, inc Incident) (Incident, error) {
	if err := acc.Validate(); err != nil {
		return Incident{}, err
	}
	inc.Detected, inc.Aware = inc.Detected.UTC().Truncate(time.Microsecond), inc.Aware.UTC().Truncate(time.Microsecond)
	inc.State, inc.Version, inc.Obligations, inc.Steps, inc.Lessons = StateDetected, 1, nil, 1, ""
	inc.Updated, inc.LastStep = inc.Detected, inc.Detected
	if err := inc.validate(); err != nil {
		return Incident{}, err
	}
	if err := r.settle(&inc); err != nil {
		return Incident{}, err
	}
	body, err := Encode(inc)
	if err != nil {
		return Incident{}, err
	}
	entry := Entry{Seq: 1, At: inc.Detected, Actor: acc.Actor, Action: "opened", Key: "open",
		Detail: fmt.Sprintf("kind=%s grade=%s", inc.Kind, inc.Grade)}
	if err := r.record(ctx, acc, inc.ID, entry); err != nil {
		return Incident{}, err
	}
	err = r.store.Create(ctx, Record{ID: inc.ID, Version: 1, State: inc.State, Drill: inc.Drill, Opened: inc.Detected, Body: body}, entry)
	if errors.Is(err, ErrExists) {
		got, gerr := r.Get(ctx, inc.ID)
		if gerr == nil && got.Kind == inc.Kind && got.Detected.Equal(inc.Detected) && got.Aware.Equal(inc.Aware) && got.Drill == inc.Drill {
			return got, nil
		}
		return Incident{}, fmt.Errorf("%w: incident %s", ErrExists, inc.ID)
	}
	if err != nil {
		return Incident{}, fmt.Errorf("incident: open: %w", err)
	}
	return inc, nil
}

// Get returns the incident, or ErrNotFound.
func (r *Register) Get(ctx context.Context, id string) (Incident, error) {
	rec, err := r.store.Get(ctx, id)
	if err != nil {
		return Incident{}, fmt.Errorf("incident: get: %w", err)
	}
	inc, err := Decode(rec.Body)
	if err != nil {
		return Incident{}, fmt.Errorf("incident %s: stored bytes: %w", id, err)
	}
	return inc, nil
}

// List yields every incident in id order, reading the store in pages.
func (r *Register) List(ctx context.Context) iter.Seq2[Incident, error] {
	return func(yield func(Incident, error) bool) {
		after := ""
		for {
			page, err := r.store.List(ctx, after, pageSize)
			if err != nil {
				yield(Incident{}, fmt.Errorf("incident: list: %w", err))
				return
			}
			for _, rec := range page {
				inc, err := Decode(rec.Body)
				if err != nil {
					err = fmt.Errorf("incident %s: stored bytes: %w", rec.ID, err)
				}
				if !yield(inc, err) || err != nil {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

// Timeline yields the incident's timeline in order, reading it in pages.
func (r *Register) Timeline(ctx context.Context, id string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for from := int64(1); ; {
			page, err := r.store.Timeline(ctx, id, from, pageSize)
			if err != nil {
				yield(Entry{}, fmt.Errorf("incident: timeline: %w", err))
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			from = page[len(page)-1].Seq + 1
		}
	}
}

// pageSize is how many rows one store call reads.
const pageSize = 256

// now returns the clock's time, UTC, microsecond precision.
func (r *Register) now() time.Time { return r.clock.Now().UTC().Truncate(time.Microsecond) }

// step is one change of an incident: its timeline entry and what it does.
type step struct {
	action string
	// key makes the step idempotent; "" derives it from action and detail.
	key    string
	detail string
	// at dates the entry; zero means now.
	at time.Time
	// apply changes the incident; an error leaves everything unchanged.
	apply func(*Incident) error
}

// stepKey derives an idempotency key from what a step does.
func stepKey(action string, parts ...any) string {
	b, _ := json.Marshal(parts)
	h := sha256.Sum256(append([]byte(action+"\x00"), b...))
	return action + ":" + hex.EncodeToString(h[:8])
}

// change applies s to the incident: it refuses a step of a closed
// incident, a step dated before the last entry, or one whose result does
// not validate, changing nothing; a step whose key is already on the
// timeline does nothing and returns the incident as stored. Otherwise it
// records the audit event, then stores the incident and the entry in one
// write, retrying when another writer changed the incident first.
func (r *Register) change(ctx context.Context, acc custos.Access, id string, s step) (Incident, error) {
	if err := acc.Validate(); err != nil {
		return Incident{}, err
	}
	if s.key == "" {
		s.key = stepKey(s.action, s.detail)
	}
	for attempt := 0; ; attempt++ {
		inc, err := r.Get(ctx, id)
		if err != nil {
			return Incident{}, err
		}
		if _, done, err := r.store.EntryByKey(ctx, id, s.key); err != nil {
			return Incident{}, fmt.Errorf("incident: read timeline: %w", err)
		} else if done {
			return inc, nil
		}
		if inc.State == StateClosed {
			return Incident{}, fmt.Errorf("%w: %s", ErrClosed, id)
		}
		at := s.at.UTC().Truncate(time.Microsecond)
		if s.at.IsZero() {
			if at = r.now(); at.Before(inc.LastStep) {
				at = inc.LastStep
			}
		}
		if at.Before(inc.LastStep) {
			return Incident{}, fmt.Errorf("%w: step dated %s, before the last entry (%s)", ErrInvalid,
				at.Format(time.RFC3339), inc.LastStep.Format(time.RFC3339))
		}
		next := clone(inc)
		if err := s.apply(&next); err != nil {
			return Incident{}, err
		}
		if err := next.validate(); err != nil {
			return Incident{}, err
		}
		if err := r.settle(&next); err != nil {
			return Incident{}, err
		}
		next.Version, next.Steps, next.LastStep, next.Updated = inc.Version+1, inc.Steps+1, at, at
		body, err := Encode(next)
		if err != nil {
			return Incident{}, err
		}
		entry := Entry{Seq: next.Steps, At: at, Actor: acc.Actor, Action: s.action, Detail: s.detail, Key: s.key}
		if err := r.record(ctx, acc, id, entry); err != nil {
			return Incident{}, err
		}
		err = r.store.Update(ctx, Record{ID: id, Version: next.Version, State: next.State, Drill: next.Drill, Opened: next.Detected, Body: body}, entry)
		if errors.Is(err, ErrConflict) && attempt < 8 {
			continue
		}
		if err != nil {
			return Incident{}, fmt.Errorf("incident: store step %s: %w", s.action, err)
		}
		return next, nil
	}
}

// settle recomputes the grade (which only rises) and the obligations.
func (r *Register) settle(inc *Incident) error {
	inc.Grade = max(inc.Grade, r.policy.Grading.Grade(inc.People, inc.Records))
	obs, err := obligations(*inc, r.policy.Regimes, inc.Exposure.Exemption())
	if err != nil {
		return err
	}
	inc.Obligations = obs
	return nil
}

// ActionStep is the audit action of incident register changes.
const ActionStep custos.Action = "incident.step"

// record durably records the audit event of a timeline entry.
func (r *Register) record(ctx context.Context, acc custos.Access, id string, e Entry) error {
	ev := custos.Event{Time: e.At, Action: ActionStep, Access: acc, RecordType: "incident",
		Fields: []string{e.Action}, Outcome: custos.OutcomeAllowed, Detail: "incident=" + id}
	if err := r.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	return nil
}

// clone returns a copy of inc sharing no slice with it.
func clone(inc Incident) Incident {
	inc.Systems = slices.Clone(inc.Systems)
	inc.Measures = slices.Clone(inc.Measures)
	inc.Obligations = slices.Clone(inc.Obligations)
	inc.Exposure.CompromisedKEKs = slices.Clone(inc.Exposure.CompromisedKEKs)
	cs := make([]Category, len(inc.Categories))
	for i, c := range inc.Categories {
		cs[i] = Category{RecordType: c.RecordType, Fields: slices.Clone(c.Fields)}
	}
	if inc.Categories != nil {
		inc.Categories = cs
	}
	return inc
}
