package rights

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

// Recorder durably records audit events: *audit.Log implements it.
type Recorder = custos.Recorder

// DefaultTolerance is how far in the future a receipt time may lie when
// Config.Tolerance is zero: clocks of hosts differ a little, never by days.
const DefaultTolerance = 5 * time.Minute

// Config configures a Desk. Every field but Clock and Tolerance is
// required.
type Config struct {
	// Store persists requests and their histories.
	Store Store
	// Recorder records every step of every request before it is stored.
	Recorder Recorder
	// Verifier verifies requesters' identities.
	Verifier Verifier
	// Regimes are the clock policies requests may name, by Name.
	Regimes []Regime
	// Schema is the vault's schema: corrections are validated by the kind
	// of each field before anything is written (PIPL Art. 46).
	Schema vault.Schema
	// Vault, Consent, Retention and Outbox are the packages requests are
	// fulfilled through.
	Vault     Vault
	Consent   Consent
	Retention Retention
	Outbox    Outbox
	// Policy is what answers state.
	Policy Policy
	// Pseudonyms gives the references under which the requests of a
	// forgotten customer are kept (see Eraser): the keyring.
	Pseudonyms Pseudonyms
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
	// Tolerance is how far in the future a receipt time may lie; 0 means
	// DefaultTolerance.
	Tolerance time.Duration
}

// Desk receives data-subject requests, keeps their clocks and audited
// histories, and fulfils them. Build it with New; it is safe for
// concurrent use, and several, in several processes, may share one Store.
type Desk struct {
	store     Store
	rec       Recorder
	verifier  Verifier
	regimes   map[string]Regime
	clock     custos.Clock
	tolerance time.Duration
	maxSoon   Period

	schema    vault.Schema
	vault     Vault
	consent   Consent
	retention Retention
	outbox    Outbox
	policy    Policy
	pseudo    Pseudonyms
	purposes  map[custos.PurposeID]consent.Purpose
	// categories are each purpose's, for answers (purposeInfo).
	categories map[custos.PurposeID][]typeCategories
}

// New validates cfg and returns a Desk.
func New(cfg Config) (*Desk, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	case cfg.Verifier == nil:
		return nil, fmt.Errorf("%w: no Verifier", ErrConfig)
	case len(cfg.Regimes) == 0:
		return nil, fmt.Errorf("%w: no Regimes", ErrConfig)
	case cfg.Tolerance < 0:
		return nil, fmt.Errorf("%w: negative Tolerance", ErrConfig)
	case cfg.Vault == nil:
		return nil, fmt.Errorf("%w: no Vault", ErrConfig)
	case cfg.Consent == nil:
		return nil, fmt.Errorf("%w: no Consent", ErrConfig)
	case cfg.Retention == nil:
		return nil, fmt.Errorf("%w: no Retention", ErrConfig)
	case cfg.Outbox == nil:
		return nil, fmt.Errorf("%w: no Outbox", ErrConfig)
	case len(cfg.Schema.Types) == 0:
		return nil, fmt.Errorf("%w: no Schema", ErrConfig)
	case cfg.Pseudonyms == nil:
		return nil, fmt.Errorf("%w: no Pseudonyms (the keyring)", ErrConfig)
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	d := &Desk{
		store: cfg.Store, rec: cfg.Recorder, verifier: cfg.Verifier, regimes: map[string]Regime{}, clock: cfg.Clock, tolerance: cfg.Tolerance,
		schema: cfg.Schema, vault: cfg.Vault, consent: cfg.Consent, retention: cfg.Retention, outbox: cfg.Outbox, policy: cfg.Policy, pseudo: cfg.Pseudonyms,
		purposes: map[custos.PurposeID]consent.Purpose{}, categories: map[custos.PurposeID][]typeCategories{},
	}
	for _, p := range cfg.Consent.Purposes() {
		d.purposes[p.ID] = p
		d.categories[p.ID] = categoriesOf(p)
	}
	for _, disc := range cfg.Policy.Disclosures {
		for _, f := range disc.Fields {
			if _, err := d.field(f); err != nil {
				return nil, fmt.Errorf("%w: disclosure to %s: %w", ErrConfig, disc.Organisation, err)
			}
		}
	}
	for _, t := range []notify.TemplateID{notify.RequestAnswer, notify.CorrectionNotice, ExtensionNotice} {
		if _, ok := cfg.Outbox.Templates().Template(t); !ok {
			return nil, fmt.Errorf("%w: the outbox has no template %s (see ExtensionTemplate)", ErrConfig, t)
		}
	}
	if d.tolerance == 0 {
		d.tolerance = DefaultTolerance
	}
	for _, g := range cfg.Regimes {
		if err := g.Validate(); err != nil {
			return nil, err
		}
		if _, dup := d.regimes[g.Name]; dup {
			return nil, fmt.Errorf("%w: regime %s declared twice", ErrConfig, g.Name)
		}
		d.regimes[g.Name] = g
		if s := g.soon(); s.Months*31+s.Days > d.maxSoon.Months*31+d.maxSoon.Days {
			d.maxSoon = s
		}
	}
	return d, nil
}

// Regime returns the regime of that name.
func (d *Desk) Regime(name string) (Regime, bool) {
	g, ok := d.regimes[name]
	return g, ok
}

func (d *Desk) now() time.Time { return d.clock.Now().UTC().Truncate(time.Microsecond) }

// Get returns the request, or ErrNotFound.
func (d *Desk) Get(ctx context.Context, id string) (Request, error) {
	r, err := d.store.Get(ctx, id)
	if err != nil {
		return Request{}, fmt.Errorf("rights: read request: %w", err)
	}
	return r, nil
}

// History returns the request's history, oldest first, or ErrNotFound.
func (d *Desk) History(ctx context.Context, id string) ([]Entry, error) {
	h, err := d.store.History(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rights: read history: %w", err)
	}
	return h, nil
}

// field returns the kind of the schema's field "recordtype.field".
func (d *Desk) field(name string) (kind.Kind, error) {
	t, f, _ := strings.Cut(name, ".")
	for _, rt := range d.schema.Types {
		if rt.Name != t {
			continue
		}
		for _, fl := range rt.Fields {
			if fl.Name == f {
				return fl.Kind, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: the schema declares no field %q", ErrInvalidRequest, safe(name))
}

// forRequest returns acc carrying the request's id, for every call made
// to fulfil it.
func forRequest(acc custos.Access, r Request) custos.Access {
	acc.RequestID = r.ID
	return acc
}
