package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/lru"
)

// DefaultAskAgainAfter is the interval that must pass after a refusal
// before the handler asks the same person again for the same purpose, when
// Config.AskAgainAfter is zero (rule L6). NDSR Art. 22(5) forbids asking
// again frequently after a refusal but names no figure; 48 hours follows
// the common practice of Chinese app-compliance guidance and is
// unconfirmed: set the figure your counsel requires.
const DefaultAskAgainAfter = 48 * time.Hour

// DefaultRemedy is what a person is told when an act of theirs is refused
// and Config.Remedy is empty (rule R6; PIPL Art. 50; GDPR Art. 12(4)).
func DefaultRemedy() Text {
	return Text{
		ZH: "如您认为您的个人信息权益受到侵害，可以向履行个人信息保护职责的部门投诉、举报，或依法向人民法院提起诉讼。",
		EN: "If you believe your rights over your personal information were infringed, you may lodge a complaint with the supervisory authority or seek a judicial remedy before a court.",
	}
}

// Config configures a Registry. Purposes, Notices, Fields, Store and
// Recorder are required: there is no default policy and no default audit.
type Config struct {
	// Purposes are every processing purpose of the host, consent-based or
	// not; an access naming any other purpose is refused.
	Purposes []Purpose
	// Notices are the current notices; every purpose names one, and every
	// notice describes at least one purpose.
	Notices []Notice
	// Fields classifies every field of every record type, as declared to
	// the vault.
	Fields FieldClasses
	// Store persists consent records and notices.
	Store Store
	// Recorder durably records the audit event of every act.
	Recorder Recorder
	// AskAgainAfter is the interval after a refusal before Request may ask
	// again (NDSR Art. 22(5)); 0 means DefaultAskAgainAfter.
	AskAgainAfter time.Duration
	// Remedy is what a refused person is told of their right to complain
	// or sue (PIPL Art. 50; GDPR Art. 12(4)); empty means DefaultRemedy.
	Remedy Text
	// Clock gives the time of acts and checks; nil means time.Now.
	Clock custos.Clock
	// CacheEntries bounds the Checker's cache of consent records; 0 means
	// 10,000 and a negative value disables it. The cache is consulted only
	// for requests carrying a store's AuthVersion, which changes with every
	// consent write, so it never serves a withdrawn consent.
	CacheEntries int
}

// Registry holds the validated purposes and notices of a host and records
// consent acts: Request, Grant, Refuse, Defer, Withdraw, Renew, Expire and
// Revoke. Its Checker answers, on every access, whether a purpose's legal
// basis holds for a customer now. Build it with New; a Registry is safe for
// concurrent use, and several registries, in several processes, may share
// one Store.
type Registry struct {
	purposes map[custos.PurposeID]*purpose
	order    []custos.PurposeID
	notices  map[string]*published
	store    Store
	rec      Recorder
	askAgain time.Duration
	remedy   Text
	clock    custos.Clock
	cache    *lru.Cache[consentKey, cachedConsent] // nil when disabled
}

// purpose is a validated Purpose with its indexes.
type purpose struct {
	Purpose
	notice     *published
	generation string
	actions    map[custos.Action]bool
	fields     map[string]map[string]bool
}

// published is a current notice and its published version.
type published struct {
	def Notice
	pub PublishedNotice
}

// New validates cfg and publishes the current version of every notice to
// the Store. It fails with ErrConfig on any policy error: a purpose without
// a valid basis (L1), reading an undeclared field, touching a sensitive
// field without separate consent (L7, L8), a notice missing what PIPL Art.
// 17 requires it to state (L9), and so on.
func New(ctx context.Context, cfg Config) (*Registry, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	case cfg.AskAgainAfter < 0:
		return nil, fmt.Errorf("%w: negative AskAgainAfter", ErrConfig)
	case cfg.CacheEntries > 10_000_000:
		return nil, fmt.Errorf("%w: CacheEntries over 10,000,000", ErrConfig)
	case len(cfg.Purposes) == 0:
		return nil, fmt.Errorf("%w: no purpose", ErrConfig)
	}
	if err := cfg.Fields.validate(); err != nil {
		return nil, err
	}
	r := &Registry{
		purposes: map[custos.PurposeID]*purpose{}, notices: map[string]*published{},
		store: cfg.Store, rec: cfg.Recorder, askAgain: cfg.AskAgainAfter, remedy: cfg.Remedy, clock: cfg.Clock,
	}
	if r.askAgain == 0 {
		r.askAgain = DefaultAskAgainAfter
	}
	switch {
	case cfg.CacheEntries == 0:
		r.cache = lru.New[consentKey, cachedConsent](10_000)
	case cfg.CacheEntries > 0:
		r.cache = lru.New[consentKey, cachedConsent](cfg.CacheEntries)
	}
	if r.remedy == (Text{}) {
		r.remedy = DefaultRemedy()
	} else if err := requireText(r.remedy, "remedy"); err != nil {
		return nil, err
	}
	for _, p := range cfg.Purposes {
		if err := p.validate(cfg.Fields); err != nil {
			return nil, err
		}
		if r.purposes[p.ID] != nil {
			return nil, fmt.Errorf("%w: purpose %q declared twice", ErrConfig, p.ID)
		}
		c := &purpose{Purpose: p, actions: map[custos.Action]bool{}, fields: map[string]map[string]bool{}}
		for _, a := range p.Actions {
			c.actions[a] = true
		}
		for typ, names := range p.Fields {
			c.fields[typ] = map[string]bool{}
			for _, n := range names {
				c.fields[typ][n] = true
			}
		}
		r.purposes[p.ID] = c
		r.order = append(r.order, p.ID)
	}
	slices.Sort(r.order)
	for _, n := range cfg.Notices {
		if err := n.validate(); err != nil {
			return nil, err
		}
		if r.notices[n.ID] != nil {
			return nil, fmt.Errorf("%w: notice %q declared twice", ErrConfig, n.ID)
		}
		var described []Purpose
		for _, id := range r.order {
			if p := r.purposes[id]; p.Notice == n.ID {
				described = append(described, p.Purpose)
			}
		}
		if len(described) == 0 {
			return nil, fmt.Errorf("%w: notice %q describes no purpose", ErrConfig, n.ID)
		}
		r.notices[n.ID] = &published{def: n, pub: publish(n, described)}
	}
	for _, id := range r.order {
		p := r.purposes[id]
		if p.notice = r.notices[p.Notice]; p.notice == nil {
			return nil, fmt.Errorf("%w: purpose %q names undeclared notice %q", ErrConfig, id, p.Notice)
		}
		p.generation = p.notice.pub.Generations[id]
	}
	now := r.now()
	for _, n := range r.notices {
		pub := n.pub
		pub.Published = now
		if err := r.store.PutNotice(ctx, pub); err != nil {
			return nil, fmt.Errorf("consent: publish notice: %w", err)
		}
	}
	return r, nil
}

// now returns the clock's time in UTC at microsecond precision, which every
// store holds exactly.
func (r *Registry) now() time.Time { return r.clock.Now().UTC().Truncate(time.Microsecond) }

// Purpose returns the declared purpose with the given ID.
func (r *Registry) Purpose(id custos.PurposeID) (Purpose, bool) {
	p, ok := r.purposes[id]
	if !ok {
		return Purpose{}, false
	}
	return p.Purpose, true
}

// Purposes returns every declared purpose, sorted by ID.
func (r *Registry) Purposes() []Purpose {
	out := make([]Purpose, len(r.order))
	for i, id := range r.order {
		out[i] = r.purposes[id].Purpose
	}
	return out
}

// Notice returns the current version of the notice with the given ID: the
// version a Grant must name (or one of the same generation).
func (r *Registry) Notice(id string) (PublishedNotice, bool) {
	n, ok := r.notices[id]
	if !ok {
		return PublishedNotice{}, false
	}
	return clonePublished(n.pub), true
}

// NoticeFor returns the current version of the notice that describes the
// purpose.
func (r *Registry) NoticeFor(id custos.PurposeID) (PublishedNotice, bool) {
	p, ok := r.purposes[id]
	if !ok {
		return PublishedNotice{}, false
	}
	return clonePublished(p.notice.pub), true
}

func clonePublished(p PublishedNotice) PublishedNotice {
	g := make(map[custos.PurposeID]string, len(p.Generations))
	for k, v := range p.Generations {
		g[k] = v
	}
	p.Generations = g
	p.Content = slices.Clone(p.Content)
	return p
}

// Status is a customer's consent for one purpose as it stands now.
type Status struct {
	// Record is the stored record; zero when the customer was never asked.
	Record Record
	// State is the state in force now: the stored state, except that a
	// given consent past its validity is StateExpired and one given on an
	// earlier notice generation is StateInvalidated.
	State State
	// Reason is "" when State permits processing, else the code the
	// Checker gives for refusing, such as "consent-withdrawn".
	Reason string
}

// Status reads the customer's consent for a consent-based purpose. A
// customer never asked has State StateUnknown and no error.
func (r *Registry) Status(ctx context.Context, subject custos.SubjectID, id custos.PurposeID) (Status, error) {
	if err := subject.Validate(); err != nil {
		return Status{}, err
	}
	p, ok := r.purposes[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownPurpose, safeID(id))
	}
	if p.Basis != custos.BasisConsent {
		return Status{}, fmt.Errorf("%w: %q", ErrNotConsentBased, id)
	}
	rec, err := r.store.GetConsent(ctx, subject, id)
	if errors.Is(err, ErrNotFound) {
		return Status{State: StateUnknown, Reason: reasonNoConsent}, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("consent: read record: %w", err)
	}
	st, reason := p.effective(rec, r.now())
	return Status{Record: rec, State: st, Reason: reason}, nil
}

// History returns the append-only history of the customer's consent for the
// purpose, oldest first.
func (r *Registry) History(ctx context.Context, subject custos.SubjectID, id custos.PurposeID) ([]Entry, error) {
	if err := subject.Validate(); err != nil {
		return nil, err
	}
	if _, ok := r.purposes[id]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownPurpose, safeID(id))
	}
	h, err := r.store.History(ctx, subject, id)
	if err != nil {
		return nil, fmt.Errorf("consent: read history: %w", err)
	}
	return h, nil
}

// NextAsk returns the earliest time Request may ask the customer for
// consent to the purpose: now, unless a refusal is younger than
// AskAgainAfter (NDSR Art. 22(5)).
func (r *Registry) NextAsk(ctx context.Context, subject custos.SubjectID, id custos.PurposeID) (time.Time, error) {
	st, err := r.Status(ctx, subject, id)
	if err != nil {
		return time.Time{}, err
	}
	now := r.now()
	if st.State == StateRefused {
		if next := st.Record.Refused.Add(r.askAgain); next.After(now) {
			return next, nil
		}
	}
	return now, nil
}

// Checker returns the registry's Checker.
func (r *Registry) Checker() *Checker { return &Checker{r: r} }

// Reason codes of refusals, as the Checker returns them and as they are
// recorded in audit events.
const (
	reasonNoConsent     = "no-consent"
	reasonNoticeChanged = "notice-changed"
	reasonExpired       = "consent-expired"
)

// effective returns the state in force of a stored record at now, and the
// refusal reason when it does not permit processing.
func (p *purpose) effective(rec Record, now time.Time) (State, string) {
	if rec.State.Permits() {
		switch {
		case rec.Generation != p.generation:
			return StateInvalidated, reasonNoticeChanged
		case !rec.Expires.IsZero() && !now.Before(rec.Expires):
			return StateExpired, reasonExpired
		}
		return rec.State, ""
	}
	if rec.State == StateUnknown {
		return StateUnknown, reasonNoConsent
	}
	return rec.State, "consent-" + rec.State.String()
}

// safeID returns id if it looks like a purpose name (lower-case letters,
// digits, '.', '-', '_', starting with a letter), else a placeholder, so
// that a value passed where a purpose belongs is not echoed in an error.
func safeID(id custos.PurposeID) string {
	if !noticeID.MatchString(string(id)) {
		return "(not a purpose name)"
	}
	return string(id)
}
