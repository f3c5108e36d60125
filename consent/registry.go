package consent

import (
	"context"
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

// DefaultProofRetention is how long the proof of a forgotten customer's
// consent is kept after the erasure when Config.ProofRetention is zero:
// three years (1,096 days, a leap day included), the general limitation
// period for civil claims (PRC Civil Code Art. 188), within which the
// handler may have to demonstrate the consent it relied on (GDPR Art. 7(1)).
// Unconfirmed for every jurisdiction: set the period your counsel requires.
const DefaultProofRetention = 1096 * 24 * time.Hour

// Pseudonyms gives customers' pseudonymous references: a keyed, stable
// function of the subject that cannot be turned back into it without the
// key (GDPR Art. 4(5)). *keys.Keyring implements it (Keyring.Reference).
type Pseudonyms interface {
	Reference(subject custos.SubjectID) []byte
}

// Config configures a Registry. Purposes, Notices, Fields, Store,
// Recorder, Subjects and Pseudonyms are required: there is no default
// policy, no default audit, and no act on a customer whose state is not
// known.
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
	// Recorder durably records the audit event of every act and read.
	Recorder Recorder
	// Subjects tells the state of each customer, as the vault holds it:
	// acts on forgotten customers are refused, acts that would create a
	// record for customers the vault does not hold, and acts that prepare
	// processing of restricted ones (see ErrUnknownSubject, ErrForgotten,
	// ErrRestricted). The vault takes the registry's Checker as its
	// authorizer, so the registry is built first: Subjects must answer
	// from the vault's store and keyring, or forward to the vault once it
	// is built.
	Subjects custos.Subjects
	// Pseudonyms gives the references under which the erasure of a
	// forgotten customer, and the proof kept of their consent, are stored:
	// pass the vault's *keys.Keyring, so that every component names a
	// customer by the same reference.
	Pseudonyms Pseudonyms
	// ProofRetention is how long the proof of a forgotten customer's
	// consent is kept (see EraseSubject); 0 means DefaultProofRetention.
	ProofRetention time.Duration
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
// consent acts: Request, Grant, Refuse, Defer, Withdraw, Renew, Expire,
// Revoke and Invalidate. Its Checker answers, on every access, whether a
// purpose's legal basis holds for a customer now. Every read of a
// customer's consent (Status, History, Receipts, Proof) names an access and
// is audited; EraseSubject erases a forgotten customer's records
// (custos.Eraser). Build it with New; a Registry is safe for concurrent
// use, and several registries, in several processes, may share one Store.
type Registry struct {
	purposes map[custos.PurposeID]*purpose
	order    []custos.PurposeID
	notices  map[string]*published
	store    Store
	rec      Recorder
	subjects custos.Subjects
	pseudo   Pseudonyms
	keep     time.Duration
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
	case cfg.Subjects == nil:
		return nil, fmt.Errorf("%w: no Subjects (the vault): acts on customers of unknown state are refused", ErrConfig)
	case cfg.Pseudonyms == nil:
		return nil, fmt.Errorf("%w: no Pseudonyms (the keyring): erasures need pseudonymous references", ErrConfig)
	case cfg.ProofRetention < 0:
		return nil, fmt.Errorf("%w: negative ProofRetention", ErrConfig)
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
		store: cfg.Store, rec: cfg.Recorder, subjects: cfg.Subjects, pseudo: cfg.Pseudonyms, keep: cfg.ProofRetention,
		askAgain: cfg.AskAgainAfter, remedy: cfg.Remedy, clock: cfg.Clock,
	}
	if r.askAgain == 0 {
		r.askAgain = DefaultAskAgainAfter
	}
	if r.keep == 0 {
		r.keep = DefaultProofRetention
	}
	if n := len(cfg.Pseudonyms.Reference("custos-config-check")); n < minRefBytes || n > maxRefBytes {
		return nil, fmt.Errorf("%w: Pseudonyms gives references of %d bytes, not %d to %d", ErrConfig, n, minRefBytes, maxRefBytes)
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

// The bounds of a pseudonymous reference's length.
const (
	minRefBytes = 16
	maxRefBytes = 64
)

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
