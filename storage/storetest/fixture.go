package storetest

import (
	"context"
	"slices"
	"sync"
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
)

// Accesses of the tests.
var (
	clerk   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: servicing, RequestID: "req-1"}
	market  = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "marketer"}, Purpose: marketing}
	court   = custos.Access{Actor: custos.Actor{ID: "staff-003", Role: "legal"}, Purpose: legalHold}
	dpo     = custos.Access{Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Purpose: erasure}
	noActor = custos.Access{Actor: custos.Actor{Role: "clerk"}, Purpose: servicing}
	noWhy   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}}
)

// testSchema is a small leasing schema.
func testSchema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.Text{}, Class: c2, Required: true},
			{Name: "mobile", Kind: kind.Text{}, Class: c2},
			{Name: "resident_id", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2, Sensitive: true}},
			{Name: "note", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 32},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, Required: true},
			{Name: "months", Kind: kind.Integer{Min: 1, Max: 120}, Class: custos.Class{Level: custos.C1}},
		}},
	}}
}

func testGrants(s vault.Schema) map[custos.PurposeID]vault.Grant {
	all := map[string][]string{"customer": s.AllFields("customer"), "lease": s.AllFields("lease")}
	rw := []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate, custos.ActionExport}
	return map[custos.PurposeID]vault.Grant{
		servicing: {Basis: custos.BasisContract, Actions: rw, Fields: all},
		marketing: {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionGet, custos.ActionExport}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		legalHold: {Basis: custos.BasisLegalDuty, Actions: rw, Fields: all},
		erasure:   {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict}},
	}
}

// eventLog is a Recorder that keeps events in memory and can be made to
// fail.
type eventLog struct {
	mu     sync.Mutex
	events []custos.Event
	fail   error
}

func (l *eventLog) Record(_ context.Context, e custos.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.events = append(l.events, e)
	return nil
}

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
	db     Adapter
	ledger Adapter
	kek    keys.KEK
	keys   *keys.Keyring
	vault  *vault.Vault
	events *eventLog
	now    time.Time
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	f := &fixture{t: t, db: openT(t, open), ledger: openT(t, open), kek: kek, events: &eventLog{}, now: t0}
	f.keys = f.keyring(kek)
	f.vault = f.newVault(f.keys)
	return f
}

func (f *fixture) clock() time.Time { return f.now }

// keyring builds a Keyring over the fixture's stores with the given KEKs.
func (f *fixture) keyring(kek keys.KEK, previous ...keys.KEK) *keys.Keyring {
	f.t.Helper()
	kr, err := keys.New(context.Background(), keys.Config{
		KEK: kek, PreviousKEKs: previous, Store: f.db.Keys(), Ledger: f.ledger.Ledger(), Clock: f.clock,
	})
	require.NoError(f.t, err)
	return kr
}

// newVault builds a second Vault over the fixture's stores.
func (f *fixture) newVault(kr *keys.Keyring) *vault.Vault {
	f.t.Helper()
	s := testSchema()
	al, err := vault.NewAllowList(s, testGrants(s))
	require.NoError(f.t, err)
	v, err := vault.New(vault.Config{
		Schema: s, Keys: kr, Store: f.db.Vault(), Authorizer: al, Recorder: f.events,
		LegalHoldPurposes: []custos.PurposeID{legalHold}, Clock: f.clock,
	})
	require.NoError(f.t, err)
	return v
}

// customer writes a synthetic customer and lease.
func (f *fixture) customer(subject custos.SubjectID) {
	f.t.Helper()
	ctx := context.Background()
	require.NoError(f.t, f.vault.Put(ctx, clerk, subject, "customer", vault.Values{
		"name": "Synthetic Person " + string(subject), "mobile": "13800000000", "resident_id": "110105194912310021",
	}))
	require.NoError(f.t, f.vault.Put(ctx, clerk, subject, "lease", vault.Values{"contract": "L-" + string(subject), "months": 36}))
}

// snapshot is everything the stores hold about one customer.
type snapshot struct {
	Subject vault.Subject
	Records []vault.Stored
	DEK     keys.WrappedDEK
	SubErr  string
	DEKErr  string
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
	return s
}
