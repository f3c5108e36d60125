package incident_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var (
	// t0 is a Friday night in Shanghai (23:00 local).
	t0        = time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	clerk     = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	insider   = custos.Access{Actor: custos.Actor{ID: "staff-666", Role: "clerk"}, Purpose: "lease-servicing"}
	responder = custos.Access{Actor: custos.Actor{ID: "sec-001", Role: "security"}, Purpose: "incident-response"}
	notifier  = custos.Access{Actor: custos.Actor{ID: "svc-incident", Role: "workflow"}, Purpose: "breach-notice"}
)

func schema() vault.Schema {
	return vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: custos.Class{Level: custos.C2}},
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}, Searchable: true},
	}}}}
}

// policy is a leasing company that is not CII, under CAC, GDPR and PIPL.
func policy() incident.Policy {
	return incident.Policy{
		Grading: incident.Grading{Thresholds: []incident.Threshold{
			{Grade: incident.GradeSerious, People: 3}, {Grade: incident.GradeMajor, People: 1_000_000},
		}},
		Regimes: incident.Regimes{Operator: incident.OperatorOther, Apply: []incident.Regime{incident.RegimeCAC, incident.RegimeGDPR, incident.RegimePIPL},
			CACRegulator: "cac-shanghai", GDPRAuthority: "eu-lead-sa", PIPLRegulator: "cac-shanghai-pi",
			PIPLWithin: 4 * time.Hour, IndividualsWithin: 72 * time.Hour},
	}
}

// fixture is a vault, audit log, notify outbox and register on memstore,
// under a clock the test moves.
type fixture struct {
	t      testing.TB
	now    *storetest.Clock // read by the audit log's goroutine too
	db     *memstore.Store
	kek    keys.KEK
	keys   *keys.Keyring
	log    *audit.Log
	vault  *vault.Vault
	outbox *notify.Outbox
	drill  *notify.Outbox
	reg    *incident.Register
	store  incident.Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	f := &fixture{t: t, now: storetest.NewClock(t0), db: memstore.New(), kek: kek}
	f.build(nil)
	return f
}

// clock is the fixture's time.
func (f *fixture) clock() time.Time { return f.now.Now() }

// set moves the fixture's time.
func (f *fixture) set(t time.Time) { f.now.Set(t) }

// build makes every component afresh over the fixture's database, as a new
// process would.
func (f *fixture) build(faults *storetest.Faults) {
	f.t.Helper()
	require.NoError(f.t, f.start(faults))
}

// start is build, returning the error of a component that fails to start;
// with faults, every store call, the components' own at start included,
// goes through them.
func (f *fixture) start(faults *storetest.Faults) error {
	ctx := context.Background()
	ks, ls, vs, as, ns, is := f.db.Keys(), f.db.Ledger(), f.db.Vault(), f.db.Audit(), f.db.Notify(), f.db.Incident()
	if faults != nil {
		ks, ls, vs, as, ns = storetest.FaultyKeys(ks, faults), storetest.FaultyLedger(ls, faults), storetest.FaultyVault(vs, faults),
			storetest.FaultyAudit(as, faults), storetest.FaultyNotify(ns, faults)
		is = storetest.FaultyIncident(is, faults)
	}
	var err error
	if f.keys, err = keys.New(ctx, keys.Config{KEK: f.kek, Store: ks, Ledger: ls, Clock: f.clock}); err != nil {
		return err
	}
	if f.log, err = audit.New(ctx, audit.Config{Store: as, Keys: f.keys, Origin: "test.example/audit", Clock: f.clock}); err != nil {
		return err
	}
	log := f.log
	f.t.Cleanup(func() { log.Close() })
	s := schema()
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing":   {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": s.AllFields("customer")}},
		"incident-response": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionRestrict, custos.ActionState}},
		"breach-notice":     {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"mobile"}}},
	})
	if err != nil {
		return err
	}
	f.store = is
	f.vault = nil
	// The register's store backs the vault's gate, so the vault needs the
	// register first; the register's containment needs the vault: build
	// the register, then the vault, then the register again with it.
	reg, err := f.newRegister(nil, nil)
	if err != nil {
		return err
	}
	if f.vault, err = vault.New(vault.Config{Schema: s, Keys: f.keys, Store: vs, Authorizer: reg.Gate(al), Recorder: f.log, Clock: f.clock,
		Search: vault.SearchConfig{ExpectedCustomers: 10_000}}); err != nil {
		return err
	}
	subjects := vault.Subjects(vs, f.keys)
	templates, err := incident.Templates()
	if err != nil {
		return err
	}
	if f.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: ns, Templates: templates, Recorder: f.log, Subjects: subjects, Clock: f.clock}); err != nil {
		return err
	}
	if f.drill, err = notify.NewOutbox(notify.OutboxConfig{Store: memstore.New().Notify(), Templates: templates, Recorder: f.log, Subjects: subjects, Clock: f.clock}); err != nil {
		return err
	}
	f.reg, err = f.newRegister(ks, &incident.Notices{Outbox: f.outbox, Drill: f.drill, Customers: notify.ChannelEmail, Regulators: notify.ChannelEmail,
		Contact: "https://leasing.example/privacy", Sender: notifier})
	return err
}

func (f *fixture) newRegister(deks incident.DEKLister, n *incident.Notices) (*incident.Register, error) {
	cfg := incident.Config{Store: f.store, Recorder: f.log, Policy: policy(), Clock: f.clock, Notices: n,
		Evidence: incident.Evidence{Audit: f.log, DEKs: deks, Classify: func(rt, field string) (custos.Class, bool) {
			return custos.Class{Level: custos.C2}, rt == "customer"
		}}}
	if f.vault != nil {
		cfg.Containment = incident.Containment{Restricter: f.vault, IndexKeys: f.vault, KEK: f.keys}
	}
	return incident.New(cfg)
}

// customers stores n customers C001... and returns their ids.
func (f *fixture) customers(n int) []custos.SubjectID {
	var out []custos.SubjectID
	for i := range n {
		s := custos.SubjectID(fmt.Sprintf("C%03d", i+1))
		require.NoError(f.t, f.vault.Put(context.Background(), clerk, s, "customer", vault.Values{"name": "王五", "mobile": fmt.Sprintf("1380013%04d", i)}))
		out = append(out, s)
	}
	return out
}

// reads has acc read each customer's record at the fixture's time, a
// minute apart.
func (f *fixture) reads(acc custos.Access, subjects ...custos.SubjectID) {
	for _, s := range subjects {
		_, err := f.vault.Get(context.Background(), acc, s, "customer", "name", "mobile")
		require.NoError(f.t, err)
		f.set(f.clock().Add(time.Minute))
	}
}

// open opens the incident the tests share.
func (f *fixture) open(id string) incident.Incident {
	inc, err := f.reg.Open(context.Background(), responder, incident.Incident{ID: id, Detected: f.clock(), Aware: f.clock().Add(10 * time.Minute), Kind: incident.KindLeak, Cause: "bulk read by an insider"})
	require.NoError(f.t, err)
	return inc
}

// auditQuery selects the register's own audit events.
func auditQuery() audit.Query { return audit.Query{Action: incident.ActionStep} }
