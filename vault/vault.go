package vault

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/prf"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/keys"
)

// Config configures a Vault. Schema, Keys, Store, Authorizer and Recorder
// are required: there is no default authorizer and no default audit.
type Config struct {
	// Schema declares the record types and fields.
	Schema Schema
	// Keys hands out each customer's AEAD.
	Keys *keys.Keyring
	// Store persists the records.
	Store Store
	// Authorizer decides every operation.
	Authorizer Authorizer
	// Recorder durably records every operation's audit event.
	Recorder Recorder
	// Erasers are the components that keep their own records about
	// customers (the consent registry, a notification outbox): Forget calls
	// each, in order, before it destroys the customer's key, and lists
	// what each erased and kept on the certificate. Optional.
	Erasers []custos.Eraser
	// LegalHoldPurposes may still read and update customers in restricted,
	// storage-only state (PIPL Art. 47 ¶2), for example to answer a court
	// or regulator. Every other purpose is refused with ErrRestricted.
	LegalHoldPurposes []custos.PurposeID
	// MaxValueBytes limits a field value's canonical form, unless the field
	// sets its own MaxBytes; 0 means 64 KiB.
	MaxValueBytes int
	// Search configures blind indexes. It is required when the schema
	// declares a Searchable field or an Index.
	Search SearchConfig
	// Masking says what each role sees of each field on Get and Find; nil
	// shows every field plainly.
	Masking *Masking
	// Clock gives the time of records, events and certificates; nil means
	// time.Now.
	Clock custos.Clock
	// Logger receives operational messages, never personal data; nil
	// discards them.
	Logger *slog.Logger
}

// SearchConfig configures blind indexes.
type SearchConfig struct {
	// ExpectedCustomers is the population the deployment plans for; it
	// fixes the index value length through PlanIndex.
	ExpectedCustomers int
	// KeyRefresh is how often Find re-reads the set of live index keys,
	// which changes only during an index key rotation; 0 means one minute.
	KeyRefresh time.Duration
}

const (
	defaultMaxValueBytes = 64 << 10
	defaultKeyRefresh    = time.Minute
)

// Vault stores customer records with each customer's fields encrypted under
// that customer's own key, and releases them only to an access its
// Authorizer allows, after the Recorder has durably recorded the read.
// Build it with New; a Vault is safe for concurrent use.
type Vault struct {
	schema    *schema
	keys      *keys.Keyring
	store     Store
	auth      Authorizer
	rec       Recorder
	erasers   []custos.Eraser
	legalHold map[custos.PurposeID]bool
	masking   *Masking
	budget    LeakageBudget
	ikeys     *indexKeys
	clock     custos.Clock
	log       *slog.Logger

	seed    maphash.Seed
	stripes [64]sync.Mutex
	sels    selections
}

// New validates cfg and returns a Vault.
func New(cfg Config) (*Vault, error) {
	if cfg.MaxValueBytes < 0 {
		return nil, fmt.Errorf("%w: negative MaxValueBytes", ErrConfig)
	}
	if cfg.MaxValueBytes == 0 {
		cfg.MaxValueBytes = defaultMaxValueBytes
	}
	sc, err := compileSchema(cfg.Schema, cfg.MaxValueBytes)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Keys == nil:
		return nil, fmt.Errorf("%w: no Keys", ErrConfig)
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Authorizer == nil:
		return nil, fmt.Errorf("%w: no Authorizer", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	}
	v := &Vault{
		schema: sc, keys: cfg.Keys, store: cfg.Store, auth: cfg.Authorizer, rec: cfg.Recorder,
		legalHold: map[custos.PurposeID]bool{}, clock: cfg.Clock, log: cfg.Logger, seed: maphash.MakeSeed(),
		sels: selections{seed: maphash.MakeSeed()},
	}
	if err := compileMasking(cfg.Masking, sc); err != nil {
		return nil, err
	}
	v.masking = cfg.Masking
	if sc.hasIndexes() {
		if v.budget, err = PlanIndex(cfg.Search.ExpectedCustomers); err != nil {
			return nil, fmt.Errorf("%w (Config.Search.ExpectedCustomers)", err)
		}
		refresh := cfg.Search.KeyRefresh
		if refresh <= 0 {
			refresh = defaultKeyRefresh
		}
		v.ikeys = &indexKeys{kr: cfg.Keys, refresh: refresh, byVer: map[int]*prf.Set{}}
	}
	for i, e := range cfg.Erasers {
		if e == nil {
			return nil, fmt.Errorf("%w: Erasers[%d] is nil", ErrConfig, i)
		}
	}
	v.erasers = slices.Clone(cfg.Erasers)
	for _, p := range cfg.LegalHoldPurposes {
		if p == "" {
			return nil, fmt.Errorf("%w: empty legal-hold purpose", ErrConfig)
		}
		v.legalHold[p] = true
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	return v, nil
}

// now returns the clock's time in UTC at microsecond precision, which every
// store holds exactly.
func (v *Vault) now() time.Time { return v.clock.Now().UTC().Truncate(time.Microsecond) }

// lock serializes this Vault's writes to one customer; it returns the
// unlock function.
func (v *Vault) lock(subject custos.SubjectID) func() {
	m := &v.stripes[maphash.String(v.seed, string(subject))%uint64(len(v.stripes))]
	m.Lock()
	return m.Unlock
}

// fieldAD is the associated data of one field ciphertext: it binds the
// format version, record type, customer and field name.
func fieldAD(recordType string, subject custos.SubjectID, field string) []byte {
	return adata.AppendPart(fieldADPrefix(recordType, subject), field)
}

// fieldADPrefix is the associated data of a record's fields up to the field
// name, with room for a name appended.
func fieldADPrefix(recordType string, subject custos.SubjectID) []byte {
	b := make([]byte, 0, len(fieldADLabel)+12+len(recordType)+len(subject)+64)
	return appendFieldADPrefix(b, recordType, subject)
}

// appendFieldADPrefix appends the associated data of a record's fields up
// to the field name to b.
func appendFieldADPrefix(b []byte, recordType string, subject custos.SubjectID) []byte {
	return adata.Append(b, fieldADLabel, recordType, string(subject))
}

const fieldADLabel = "custos.field.v1"

// validate checks the access and subject every call carries.
func validate(acc custos.Access, subject custos.SubjectID) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	return subject.Validate()
}

// decide asks the authorizer about r and returns the operation's audit
// event, naming r's access, action, subject and fields and the basis
// decided. A refusal, or a failure to decide, is recorded and returned.
func (v *Vault) decide(ctx context.Context, r Request) (custos.Event, error) {
	ev := custos.Event{Action: r.Action, Access: r.Access, Subject: r.Subject, RecordType: r.RecordType, Fields: r.Fields}
	d, err := v.authorize(ctx, r)
	ev.Basis = d.Basis
	if err != nil {
		return ev, v.event(ctx, ev, err)
	}
	return ev, nil
}

// authorize asks the authorizer and turns a refusal into ErrDenied.
func (v *Vault) authorize(ctx context.Context, r Request) (Decision, error) {
	d, err := v.auth.Authorize(ctx, r)
	if err != nil {
		return d, fmt.Errorf("vault: authorizer: %w", err)
	}
	if !d.Allowed {
		return d, &denial{reason: d.Reason}
	}
	return d, nil
}

// denial is the error of a refused access; it wraps ErrDenied, and also
// when set, and carries the reason code and a detail naming fields (never
// values).
type denial struct {
	reason, detail string
	also           error
}

func (d *denial) Error() string {
	msg := ErrDenied.Error()
	if d.reason != "" {
		msg += ": " + d.reason
	}
	if d.also != nil {
		msg += ": " + strings.TrimPrefix(d.also.Error(), "vault: ")
	}
	if d.detail != "" {
		msg += " (" + d.detail + ")"
	}
	return msg
}

func (d *denial) Unwrap() []error {
	if d.also != nil {
		return []error{ErrDenied, d.also}
	}
	return []error{ErrDenied}
}

// checkRestriction refuses a restricted customer unless the purpose is a
// legal hold.
func (v *Vault) checkRestriction(r Restriction, p custos.PurposeID) error {
	if r.Restricted && !v.legalHold[p] {
		return ErrRestricted
	}
	return nil
}

// notFound tells a forgotten customer from one never stored.
func (v *Vault) notFound(ctx context.Context, subject custos.SubjectID) error {
	gone, err := forgotten(ctx, v.store, v.keys, subject)
	switch {
	case err != nil:
		return err
	case gone:
		return ErrForgotten
	}
	return ErrNotFound
}

// keyErr maps a keys error to the vault's.
func keyErr(err error) error {
	switch {
	case errors.Is(err, keys.ErrShredded):
		return ErrForgotten
	case errors.Is(err, keys.ErrNotFound):
		return fmt.Errorf("%w: customer has records but no key", ErrCorrupt)
	}
	return fmt.Errorf("vault: %w", err)
}

// event records an operation's audit event, with its outcome derived from
// err, and returns err joined with any recording failure.
func (v *Vault) event(ctx context.Context, e custos.Event, err error) error {
	e.Time = v.now()
	var reason string
	e.Outcome, reason = outcome(err)
	if err != nil {
		e.Reason = reason
	}
	if e.Fields != nil {
		e.Fields = slices.Clip(e.Fields)
	}
	if e.Reason == "corrupt" {
		// Authentication failed: tampering, or data moved between customers
		// or fields. Operators should know at once; no subject is logged.
		v.log.Warn("vault: stored data failed authentication", slog.String("action", string(e.Action)), slog.String("record_type", e.RecordType))
	}
	if rerr := v.rec.Record(ctx, e); rerr != nil {
		v.log.Error("vault: audit event not recorded; the operation failed closed", slog.String("action", string(e.Action)))
		return errors.Join(err, fmt.Errorf("%w: %w", ErrAudit, rerr))
	}
	return err
}

// outcome classifies err for the audit log.
func outcome(err error) (custos.Outcome, string) {
	if err == nil {
		return custos.OutcomeAllowed, ""
	}
	d, isDenial := errors.AsType[*denial](err)
	switch {
	case isDenial:
		if d.reason == "" {
			return custos.OutcomeDenied, "denied"
		}
		return custos.OutcomeDenied, d.reason
	case errors.Is(err, ErrRestricted):
		return custos.OutcomeDenied, "restricted"
	case errors.Is(err, ErrNotFound):
		return custos.OutcomeError, "not-found"
	case errors.Is(err, ErrForgotten):
		return custos.OutcomeError, "forgotten"
	case errors.Is(err, ErrCorrupt):
		return custos.OutcomeError, "corrupt"
	case errors.Is(err, ErrConflict):
		return custos.OutcomeError, "conflict"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return custos.OutcomeError, "canceled"
	}
	return custos.OutcomeError, "internal"
}
