package retention_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var (
	t0      = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clerk   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	counsel = custos.Access{Actor: custos.Actor{ID: "staff-007", Role: "legal"}, Purpose: "legal-hold"}
	sweeper = custos.Actor{ID: "retention-sweeper", Role: "retention"}
)

// fullSchema is leasingSchema with fields, for a real vault.
func fullSchema() vault.Schema {
	c1 := custos.Class{Level: custos.C1}
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "identity", Fields: []vault.Field{{Name: "name", Kind: kind.PersonName{}, Class: c2}}},
		{Name: "transaction", Fields: []vault.Field{{Name: "ref", Kind: kind.Text{}, Class: c1}}},
		{Name: "marketing", Fields: []vault.Field{{Name: "segment", Kind: kind.Text{}, Class: c1}}},
	}}
}

// fixture is a vault on memstore with a retention over it, under a clock
// the test moves.
type fixture struct {
	t      tb
	now    time.Time
	db     *memstore.Store
	keys   *keys.Keyring
	vault  *vault.Vault
	events *storetest.Recorder
	store  retention.Store // the retention store, possibly wrapped
	kek    keys.KEK
	epochs *keys.EpochConfig // key epochs, if the test sets them before build
	policy *retention.Policy // nil: leasingPolicy
}

// tb is what the fixture needs of a test; panicking, for examples.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// panicking is a tb for Example functions: a failed step panics.
type panicking struct{}

func (panicking) Helper()                           {}
func (panicking) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (panicking) FailNow()                          { panic("example setup failed") }

func newFixture(t tb) *fixture {
	t.Helper()
	f := &fixture{t: t, now: t0, db: memstore.New(), events: &storetest.Recorder{}}
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	f.kek = kek
	f.build(nil)
	return f
}

// build makes the keyring, vault and retention store over the fixture's
// database afresh, as a new process would: with faults not nil, every
// store call of theirs goes through it, counted together.
func (f *fixture) build(faults *storetest.Faults) {
	t := f.t
	t.Helper()
	ks, ledger, vs, rs := f.db.Keys(), f.db.Ledger(), f.db.Vault(), f.db.Retention()
	if faults != nil {
		ks, ledger, vs, rs = storetest.FaultyKeys(ks, faults), storetest.FaultyLedger(ledger, faults), storetest.FaultyVault(vs, faults), storetest.FaultyRetention(rs, faults)
	}
	var err error
	f.keys, err = keys.New(context.Background(), keys.Config{KEK: f.kek, Store: ks, Ledger: ledger, Clock: f.clock, Epochs: f.epochs})
	require.NoError(t, err)
	s := fullSchema()
	all := map[string][]string{"identity": s.AllFields("identity"), "transaction": s.AllFields("transaction"), "marketing": s.AllFields("marketing")}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: all},
		"retention":       {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	})
	require.NoError(t, err)
	f.vault, err = vault.New(vault.Config{Schema: s, Keys: f.keys, Store: vs, Authorizer: al, Recorder: f.events, Clock: f.clock})
	require.NoError(t, err)
	f.store = rs
}

func (f *fixture) clock() time.Time { return f.now }

// retention builds a Retention over the fixture's current store.
func (f *fixture) retention() *retention.Retention {
	f.t.Helper()
	r, err := retention.New(retention.Config{
		Policy: f.rules(), Schema: fullSchema(), Store: f.store, Vault: f.vault, Recorder: f.events,
		Actor: sweeper, Purpose: "retention", Clock: f.clock,
	})
	require.NoError(f.t, err)
	return r
}

// rules is the fixture's policy.
func (f *fixture) rules() retention.Policy {
	if f.policy != nil {
		return *f.policy
	}
	return leasingPolicy()
}

// customer stores a customer holding the given record types.
func (f *fixture) customer(subject custos.SubjectID, types ...string) {
	f.t.Helper()
	values := map[string]vault.Values{
		"identity": {"name": "张三"}, "transaction": {"ref": "TX-1"}, "marketing": {"segment": "gold"},
	}
	for _, typ := range types {
		require.NoError(f.t, f.vault.Put(context.Background(), clerk, subject, typ, values[typ]))
	}
}

// state returns the customer's state as the vault sees it.
func (f *fixture) state(subject custos.SubjectID) custos.SubjectState {
	f.t.Helper()
	r, err := f.vault.Restriction(context.Background(), custos.Access{Actor: sweeper, Purpose: "retention"}, subject)
	switch {
	case err == nil && r.Restricted:
		return custos.SubjectRestricted
	case err == nil:
		return custos.SubjectActive
	case err == vault.ErrForgotten:
		return custos.SubjectForgotten
	}
	return custos.SubjectUnknown
}

// ref is the customer's pseudonymous reference as certificates carry it.
func (f *fixture) ref(subject custos.SubjectID) string {
	return hex.EncodeToString(f.keys.Reference(subject))
}

// forgets counts the vault's allowed forget events per customer.
func (f *fixture) forgets() map[custos.SubjectID]int {
	n := map[custos.SubjectID]int{}
	for _, e := range f.events.Events() {
		if e.Action == custos.ActionForget && e.Outcome == custos.OutcomeAllowed {
			n[e.Subject]++
		}
	}
	return n
}
