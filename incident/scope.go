package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
)

// Evidence is where scoping reads. Both parts are optional; a scoping that
// needs a missing one fails with ErrConfig.
type Evidence struct {
	// Audit is the audit log: scoping queries it by actor or role and
	// time, through its store's indexes.
	Audit *audit.Log
	// DEKs lists the customers' wrapped DEKs (the keys.Store): scoping by
	// a compromised KEK reads which DEKs it wraps, and scoping from the
	// log resolves the log's pseudonymous references to customers by
	// recomputing each customer's reference.
	DEKs DEKLister
	// Classify gives a field's class, for the categories scoping finds;
	// nil, or false, leaves the class unknown (level zero).
	Classify func(recordType, field string) (custos.Class, bool)
}

// DEKLister is the part of keys.Store scoping reads.
type DEKLister interface {
	ScanDEKs(ctx context.Context, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error)
}

// Window is a scoping question to the audit log: what an actor, a role, a
// credential or an application instance (custos.Access Credential and
// Instance) read or tried to read between From and To. It names at least
// one of the four; when it names several, an entry must match all of them.
// It is bounded: both times are required and To is after From.
type Window struct {
	Actor      string
	Role       custos.Role
	Credential string
	Instance   string
	From, To   time.Time
}

func (w Window) validate() error {
	switch {
	case w.Actor == "" && w.Role == "" && w.Credential == "" && w.Instance == "":
		return fmt.Errorf("%w: a scope names an actor, a role, a credential or an instance", ErrInvalid)
	case w.From.IsZero() || w.To.IsZero():
		return fmt.Errorf("%w: a scope is bounded: both From and To are required", ErrInvalid)
	case !w.To.After(w.From):
		return fmt.Errorf("%w: scope ends (%s) before it starts (%s)", ErrInvalid, w.To.UTC().Format(time.RFC3339), w.From.UTC().Format(time.RFC3339))
	}
	return nil
}

// names says which keys the window names (not their values), such as
// "actor" or "credential+instance", for the timeline.
func (w Window) names() string {
	var out []string
	for _, k := range []struct {
		name string
		set  bool
	}{{"actor", w.Actor != ""}, {"role", w.Role != ""}, {"credential", w.Credential != ""}, {"instance", w.Instance != ""}} {
		if k.set {
			out = append(out, k.name)
		}
	}
	return strings.Join(out, "+")
}

// Scope is what a scoping found.
type Scope struct {
	// Customers is how many distinct customers it found; Affected the size
	// of the incident's affected set after adding them.
	Customers, Affected int64
	// Entries is the number of log entries (reads and attempts) found;
	// Released those the vault allowed, which released plaintext.
	Entries, Released int64
	// Categories are the record types and fields read.
	Categories []Category
}

// readActions are the vault operations that read personal information.
var readActions = []custos.Action{custos.ActionGet, custos.ActionFind, custos.ActionExport}

// found collects what scoping finds, bounded by the size of the answer.
type found struct {
	refs    map[string]map[string]bool // period -> ref -> seen
	at      map[string]time.Time       // period -> a time inside it
	fields  map[string]map[string]bool // record type -> field
	entries int64
	allowed int64
}

// ScopeFromAudit finds the customers the window's actor, role, credential
// or instance read or tried to read, with the fields (Evidence.Find), and adds them to the
// incident's affected set; the counts, categories and the exposure
// (plaintext released) follow, and so do the grade and obligations. Evidence
// that does not verify makes it fail with ErrEvidence, changing nothing. An
// actor with no entries finds nobody; that is not an error.
func (r *Register) ScopeFromAudit(ctx context.Context, acc custos.Access, id string, w Window) (Scope, error) {
	if err := acc.Validate(); err != nil {
		return Scope{}, err
	}
	if err := w.validate(); err != nil {
		return Scope{}, err
	}
	if _, err := r.Get(ctx, id); err != nil {
		return Scope{}, err
	}
	// Find calls back with pages of customers only after the log has
	// verified; the first page is added before the count is read.
	sc, err := r.ev.Find(ctx, acc, w, func(page []custos.SubjectID) error {
		_, err := r.store.AddAffected(ctx, id, page)
		if err != nil {
			return fmt.Errorf("incident: scope: store affected: %w", err)
		}
		return nil
	})
	if err != nil {
		return Scope{}, err
	}
	if sc.Affected, err = r.store.AddAffected(ctx, id, nil); err != nil {
		return Scope{}, fmt.Errorf("incident: scope: count affected: %w", err)
	}
	key := stepKey("scope-audit", w.Actor, w.Role, w.From.UnixMicro(), w.To.UnixMicro())
	if w.Credential != "" || w.Instance != "" {
		key = stepKey("scope-audit", w.Actor, w.Role, w.Credential, w.Instance, w.From.UnixMicro(), w.To.UnixMicro())
	}
	_, err = r.change(ctx, acc, id, step{action: "scoped.audit", detail: fmt.Sprintf("%s window found %d customers in %d entries", w.names(), sc.Customers, sc.Entries),
		key: key, apply: func(inc *Incident) error {
			inc.People = max(inc.People, sc.Affected)
			inc.Records += sc.Released
			inc.Categories = mergeCategories(inc.Categories, sc.Categories)
			if sc.Released > 0 {
				inc.Exposure.Plaintext = true
			}
			if inc.State == StateDetected {
				inc.State = StateAnalysing
			}
			return nil
		}})
	return sc, err
}

// Find streams to page, a page at a time, the customers the window's actor,
// role, credential or instance read or tried to read, through the audit
// log's indexes (Query by actor, role, credential or instance and time), and returns the counts and the fields read. Every
// entry's inclusion proof into the signed checkpoint is checked before any
// customer is passed on: an entry that does not verify fails the search with
// ErrEvidence — evidence must be sound. The search itself is recorded in the
// audit log as a read of the log by acc.
//
// Memory is bounded by the answer (one reference per customer found) and a
// page of DEKs: resolving the log's pseudonymous references reads the DEK
// list once, in pages, recomputing each customer's reference in the
// periods found. A period whose reference key was destroyed names nobody
// any more and is skipped.
func (e Evidence) Find(ctx context.Context, acc custos.Access, w Window, page func([]custos.SubjectID) error) (Scope, error) {
	if err := acc.Validate(); err != nil {
		return Scope{}, err
	}
	if err := w.validate(); err != nil {
		return Scope{}, err
	}
	if e.Audit == nil || e.DEKs == nil {
		return Scope{}, fmt.Errorf("%w: scoping from the audit log needs Evidence.Audit and Evidence.DEKs", ErrConfig)
	}
	f, err := e.readLog(ctx, acc, w)
	if err != nil {
		return Scope{}, err
	}
	sc := Scope{Entries: f.entries, Released: f.allowed, Categories: f.categories(e.Classify)}
	if len(f.refs) == 0 {
		return sc, nil
	}
	err = scanDEKs(ctx, e.DEKs, func(ds []keys.WrappedDEK) error {
		var hit []custos.SubjectID
		for _, d := range ds {
			for period, refs := range f.refs {
				_, ref, err := e.Audit.Reference(ctx, d.Subject, f.at[period])
				if errors.Is(err, keys.ErrNotFound) {
					continue // the period's key was destroyed: its references name nobody any more
				}
				if err != nil {
					return fmt.Errorf("incident: scope: %w", err)
				}
				if refs[string(ref)] {
					hit = append(hit, d.Subject)
					break
				}
			}
		}
		if len(hit) == 0 {
			return nil
		}
		sc.Customers += int64(len(hit))
		return page(hit)
	})
	return sc, err
}

// readLog queries the log for the window's reads.
func (e Evidence) readLog(ctx context.Context, acc custos.Access, w Window) (*found, error) {
	f := &found{refs: map[string]map[string]bool{}, at: map[string]time.Time{}, fields: map[string]map[string]bool{}}
	q := audit.Query{Actor: w.Actor, Role: w.Role, Credential: w.Credential, Instance: w.Instance, Since: w.From, Until: w.To}
	for m, err := range e.Audit.Query(ctx, acc, q) {
		if errors.Is(err, audit.ErrTampered) {
			return nil, fmt.Errorf("%w: %w", ErrEvidence, err)
		}
		if err != nil {
			return nil, fmt.Errorf("incident: scope: %w", err)
		}
		en := m.Entry
		if !slices.Contains(readActions, en.Action) || len(en.Ref) == 0 {
			continue
		}
		f.entries++
		if en.Outcome == custos.OutcomeAllowed {
			f.allowed++
		}
		if f.refs[en.Period] == nil {
			f.refs[en.Period], f.at[en.Period] = map[string]bool{}, en.Time
		}
		f.refs[en.Period][string(en.Ref)] = true
		if f.fields[en.RecordType] == nil {
			f.fields[en.RecordType] = map[string]bool{}
		}
		for _, name := range en.Fields {
			f.fields[en.RecordType][name] = true
		}
	}
	return f, nil
}

func (f *found) categories(classify func(string, string) (custos.Class, bool)) []Category {
	var out []Category
	for _, rt := range sortedKeys(f.fields) {
		c := Category{RecordType: rt}
		for _, name := range sortedKeys(f.fields[rt]) {
			fl := Field{Name: name}
			if classify != nil {
				if cl, ok := classify(rt, name); ok {
					fl.Class = cl
				}
			}
			c.Fields = append(c.Fields, fl)
		}
		out = append(out, c)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mergeCategories adds b's record types and fields to a's.
func mergeCategories(a, b []Category) []Category {
	out := slices.Clone(a)
	for _, c := range b {
		i := slices.IndexFunc(out, func(x Category) bool { return x.RecordType == c.RecordType })
		if i < 0 {
			out = append(out, Category{RecordType: c.RecordType, Fields: slices.Clone(c.Fields)})
			continue
		}
		fs := slices.Clone(out[i].Fields)
		for _, fl := range c.Fields {
			if !slices.ContainsFunc(fs, func(x Field) bool { return x.Name == fl.Name }) {
				fs = append(fs, fl)
			}
		}
		out[i].Fields = fs
	}
	return out
}

// scanDEKs reads the DEK list once, in pages, passing each page to fn.
func scanDEKs(ctx context.Context, l DEKLister, fn func([]keys.WrappedDEK) error) error {
	var after custos.SubjectID
	for {
		page, err := l.ScanDEKs(ctx, after, pageSize)
		if err != nil {
			return fmt.Errorf("incident: scope: read DEKs: %w", err)
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].Subject
	}
}

// ScopeFromKEK adds to the affected set every customer whose DEK is
// wrapped under the compromised KEK or epoch key kekID, and records the
// key as compromised: the encryption exemption of GDPR Art. 34(3)(a) no
// longer holds. It reads the DEK list once, in pages.
func (r *Register) ScopeFromKEK(ctx context.Context, acc custos.Access, id, kekID string) (Scope, error) {
	if err := acc.Validate(); err != nil {
		return Scope{}, err
	}
	if kekID == "" {
		return Scope{}, fmt.Errorf("%w: no KEK id", ErrInvalid)
	}
	if r.ev.DEKs == nil {
		return Scope{}, fmt.Errorf("%w: scoping by KEK needs Evidence.DEKs", ErrConfig)
	}
	if _, err := r.Get(ctx, id); err != nil {
		return Scope{}, err
	}
	var sc Scope
	err := scanDEKs(ctx, r.ev.DEKs, func(page []keys.WrappedDEK) error {
		var hit []custos.SubjectID
		for _, d := range page {
			if d.KEKID == kekID {
				hit = append(hit, d.Subject)
			}
		}
		if len(hit) == 0 {
			return nil
		}
		sc.Customers += int64(len(hit))
		_, err := r.store.AddAffected(ctx, id, hit)
		if err != nil {
			return fmt.Errorf("incident: scope: store affected: %w", err)
		}
		return nil
	})
	if err != nil {
		return Scope{}, err
	}
	if sc.Affected, err = r.store.AddAffected(ctx, id, nil); err != nil {
		return Scope{}, fmt.Errorf("incident: scope: count affected: %w", err)
	}
	_, err = r.change(ctx, acc, id, step{action: "scoped.kek", detail: fmt.Sprintf("KEK %s wraps %d customers' DEKs", kekID, sc.Customers),
		key: stepKey("scope-kek", kekID), apply: func(inc *Incident) error {
			inc.People = max(inc.People, sc.Affected)
			if !slices.Contains(inc.Exposure.CompromisedKEKs, kekID) {
				inc.Exposure.CompromisedKEKs = append(inc.Exposure.CompromisedKEKs, kekID)
			}
			if inc.State == StateDetected {
				inc.State = StateAnalysing
			}
			return nil
		}})
	return sc, err
}

// Affected yields the incident's affected customers in order, reading the
// store in pages.
func (r *Register) Affected(ctx context.Context, id string) func(yield func(custos.SubjectID, error) bool) {
	return func(yield func(custos.SubjectID, error) bool) {
		var after custos.SubjectID
		for {
			page, err := r.store.Affected(ctx, id, after, pageSize)
			if err != nil {
				yield("", fmt.Errorf("incident: affected: %w", err))
				return
			}
			for _, s := range page {
				if !yield(s, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1]
		}
	}
}
