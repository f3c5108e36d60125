package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

// Purposes of the test schema.
const (
	servicing custos.PurposeID = "lease-servicing"
	marketing custos.PurposeID = "marketing"
	legalHold custos.PurposeID = "court-order"
	erasure   custos.PurposeID = "erasure"
	upkeep    custos.PurposeID = "key-maintenance"
)

// Accesses of the tests.
var (
	clerk   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: servicing, RequestID: "req-1"}
	market  = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "marketer"}, Purpose: marketing}
	court   = custos.Access{Actor: custos.Actor{ID: "staff-003", Role: "legal"}, Purpose: legalHold}
	dpo     = custos.Access{Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Purpose: erasure}
	keeper  = custos.Access{Actor: custos.Actor{ID: "ops-001", Role: "operator"}, Purpose: upkeep}
	noActor = custos.Access{Actor: custos.Actor{Role: "clerk"}, Purpose: servicing}
	noWhy   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}}
)

// testSchema is a small leasing schema.
func testSchema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "resident_id", Kind: kind.ResidentID{}, Class: custos.Class{Level: custos.C2, Sensitive: true}, Searchable: true},
			{Name: "birth", Kind: kind.Date{}, Class: c2},
			{Name: "note", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 32},
		}, Indexes: []vault.Index{{Name: "name_birth", Fields: []string{"name", "birth"}}}},
		{Name: "profile", Fields: []vault.Field{
			{Name: "card", Kind: kind.BankCard{}, Class: custos.Class{Level: custos.C2, Sensitive: true}, Searchable: true},
			{Name: "employer", Kind: kind.USCC{}, Class: custos.Class{Level: custos.C1}},
			{Name: "email", Kind: kind.Email{}, Class: c2, Searchable: true},
			{Name: "address", Kind: kind.Address{}, Class: c2},
			{Name: "income", Kind: kind.Money{}, Class: c2},
			{Name: "since", Kind: kind.Date{}, Class: custos.Class{Level: custos.C1}},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, Required: true},
			{Name: "months", Kind: kind.Integer{Min: 1, Max: 120}, Class: custos.Class{Level: custos.C1}},
		}},
	}}
}

func testGrants(s vault.Schema) map[custos.PurposeID]vault.Grant {
	all := map[string][]string{"customer": s.AllFields("customer"), "lease": s.AllFields("lease"), "profile": s.AllFields("profile")}
	rw := []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate, custos.ActionExport, custos.ActionFind}
	return map[custos.PurposeID]vault.Grant{
		servicing: {Basis: custos.BasisContract, Actions: rw, Fields: all},
		marketing: {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionGet, custos.ActionExport, custos.ActionFind}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		legalHold: {Basis: custos.BasisLegalDuty, Actions: rw, Fields: all},
		erasure:   {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
		upkeep:    {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionReencrypt, custos.ActionReindex}},
	}
}

// maskingRules shows customer service masked contact data and no identity
// numbers.
func maskingRules() *vault.Masking {
	return &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
		"customer-service": {"customer.name": vault.Masked, "customer.mobile": vault.Masked, "customer.resident_id": vault.Hidden, "customer.note": vault.Masked,
			"profile.card": vault.Masked, "profile.employer": vault.Masked, "profile.email": vault.Masked, "profile.address": vault.Masked,
			"profile.income": vault.Masked, "profile.since": vault.Masked},
	}}
}

// eventLog is the Recorder of the fixtures.
type eventLog = Recorder

func (l *eventLog) all() []custos.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func (l *eventLog) last() custos.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return custos.Event{}
	}
	return l.events[len(l.events)-1]
}

// fixture is a vault over an adapter, with its ledger in a second adapter.
type fixture struct {
	t      *testing.T
	open   Opener
	db     Adapter
	ledger Adapter
	kek    keys.KEK
	keys   *keys.Keyring
	vault  *vault.Vault
	events *eventLog
	now    time.Time
	// population is the expected number of customers the blind index is
	// planned for; small populations make index values collide often.
	population int
	// epochs, if set, is the erasure-epoch configuration of every keyring
	// the fixture builds.
	epochs *keys.EpochConfig
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	return buildFixture(t, open, nil)
}

// fixtureOptions vary a fixture.
type fixtureOptions struct {
	cfg          *keys.EpochConfig // erasure epochs, if set
	sharedLedger bool              // the ledger in the store's database
}

// buildFixture is newFixture with options, if set.
func buildFixture(t *testing.T, open Opener, epochs *fixtureOptions) *fixture {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	db := openT(t, open)
	ledger := db // the fault scenarios, run many times, keep both in one database
	if epochs == nil || !epochs.sharedLedger {
		ledger = openT(t, open)
	}
	f := &fixture{t: t, open: open, db: db, ledger: ledger, kek: kek, events: &eventLog{}, now: t0, population: 1000}
	if epochs != nil {
		f.epochs = epochs.cfg
	}
	f.keys = f.keyring(kek)
	f.vault = f.newVault(f.keys)
	return f
}

func (f *fixture) clock() time.Time { return f.now }

// keyring builds a Keyring over the fixture's stores with the given KEKs.
func (f *fixture) keyring(kek keys.KEK, previous ...keys.KEK) *keys.Keyring {
	f.t.Helper()
	kr, err := keys.New(context.Background(), keys.Config{
		KEK: kek, PreviousKEKs: previous, Store: f.db.Keys(), Ledger: f.ledger.Ledger(), Clock: f.clock, Epochs: f.epochs,
	})
	require.NoError(f.t, err)
	return kr
}

// newVault builds a second Vault over the fixture's stores.
func (f *fixture) newVault(kr *keys.Keyring) *vault.Vault {
	f.t.Helper()
	return f.vaultWith(func(c *vault.Config) { c.Keys = kr })
}

// vaultWith builds a Vault over the fixture's keys and stores, configured
// like the fixture's own and then changed by edit.
func (f *fixture) vaultWith(edit func(*vault.Config)) *vault.Vault {
	f.t.Helper()
	s := testSchema()
	al, err := vault.NewAllowList(s, testGrants(s))
	require.NoError(f.t, err)
	cfg := vault.Config{
		Schema: s, Keys: f.keys, Store: f.db.Vault(), Authorizer: al, Recorder: f.events,
		LegalHoldPurposes: []custos.PurposeID{legalHold}, Clock: f.clock,
		Search: vault.SearchConfig{ExpectedCustomers: f.population, KeyRefresh: time.Minute}, Masking: maskingRules(),
	}
	edit(&cfg)
	v, err := vault.New(cfg)
	require.NoError(f.t, err)
	return v
}

// customer writes a synthetic customer and lease.
func (f *fixture) customer(subject custos.SubjectID) {
	f.t.Helper()
	ctx := context.Background()
	require.NoError(f.t, f.vault.Put(ctx, clerk, subject, "customer", vault.Values{
		"name": nameOf(subject), "mobile": "13800000000", "resident_id": "11010519491231002X", "birth": "1949-12-31",
	}))
	require.NoError(f.t, f.vault.Put(ctx, clerk, subject, "lease", vault.Values{"contract": "L-" + string(subject), "months": 36}))
}

// nameOf is the synthetic Latin name of a test customer: "Synthetic
// Person" and the customer's id with its digits spelled as letters (names
// hold no digits).
func nameOf(subject custos.SubjectID) string {
	b := []byte(subject)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = 'a' + c - '0'
		}
	}
	return "Synthetic Person " + string(b)
}

// snapshot is everything the stores hold about one customer.
type snapshot struct {
	Subject vault.Subject
	Records []vault.Stored
	DEK     keys.WrappedDEK
	SubErr  string
	DEKErr  string
	// Tombstone is the customer's tombstone, or TombErr why there is none.
	Tombstone vault.Tombstone
	TombErr   string
}

func (f *fixture) snapshot(subject custos.SubjectID) snapshot {
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Subject, err = f.db.Vault().GetSubject(ctx, subject); err != nil {
		s.SubErr = err.Error()
	}
	s.Records, _ = f.db.Vault().SubjectRecords(ctx, subject)
	if s.DEK, err = f.db.Keys().GetDEK(ctx, subject); err != nil {
		s.DEKErr = err.Error()
	}
	if s.Tombstone, err = f.db.Vault().GetTombstone(ctx, f.keys.Reference(subject)); err != nil {
		s.TombErr = err.Error()
	}
	return s
}
