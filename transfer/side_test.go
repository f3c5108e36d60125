package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// Purposes of the end-to-end tests.
const (
	servicing  custos.PurposeID = "lease-servicing"
	marketing  custos.PurposeID = "marketing"
	wide       custos.PurposeID = "marketing-wide"
	moving     custos.PurposeID = "company-transfer"
	provision  custos.PurposeID = "provision-to-acquirer"
	recordsOff custos.PurposeID = "records-office"
)

var (
	teller  = custos.Access{Actor: custos.Actor{ID: "staff-teller", Role: "clerk"}, Purpose: servicing}
	seller  = custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "operator"}, Purpose: moving, RequestID: "transfer-1"}
	channel = custos.Actor{ID: "svc-app", Role: "channel"}
	office  = custos.Access{Actor: custos.Actor{ID: "staff-records", Role: "records"}, Purpose: recordsOff}
)

func schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, Required: true},
		}},
		{Name: "scoring", Fields: []vault.Field{
			{Name: "grade", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}},
		}},
	}}
}

// policy keeps identity records 10 years after the relationship ends
// (AML Art. 34), leases 5 years after the contract, scores a year.
func policy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease-contract", RecordType: "lease", Start: retention.Start{Event: retention.EventContractEnded},
			Max: retention.Years(5), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
		{Name: "scoring", RecordType: "scoring", Start: retention.Start{Event: retention.EventCollected},
			Max: retention.Years(1), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
	}}
}

func txt(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }

func notice(controller string) consent.Notice {
	return consent.Notice{
		ID:              "privacy-notice",
		Controller:      consent.Party{Name: controller, Contact: "privacy@" + controller + ".example"},
		Methods:         []string{"collection", "encrypted-storage"},
		Retention:       txt("Kept for the contract term plus 10 years (AML Art. 34)"),
		AtExpiry:        txt("Deleted or anonymised at the end of retention"),
		Rights:          txt("Write to the privacy office"),
		Withdrawal:      txt("Settings > Privacy > Withdraw"),
		StorageLocation: "CN",
		Jurisdiction:    "CN",
		Body:            txt("We process your information as follows."),
	}
}

var all = map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}, "scoring": {"grade"}}

// purposes returns a side's purposes; the acquirer also has a wider
// marketing purpose.
func purposes(acquirer bool) []consent.Purpose {
	ps := []consent.Purpose{
		{ID: servicing, Description: txt("Servicing your lease"), Basis: custos.BasisContract, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionFind, custos.ActionUpdate}, Fields: all},
		{ID: marketing, Description: txt("Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		{ID: moving, Description: txt("Company transfer"), Basis: custos.BasisOtherLaw, Law: "PIPL Art. 22", Notice: "privacy-notice",
			Actions: []custos.Action{vault.ActionTransferOut, vault.ActionTransferIn, consent.ActionTransferOut, consent.ActionTransferIn, custos.ActionState, custos.ActionForget}, Fields: all},
		{ID: recordsOff, Description: txt("Records office"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47", Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionForget, custos.ActionState}},
	}
	if acquirer {
		ps = append(ps, consent.Purpose{ID: wide, Description: txt("Offers by SMS and about your lease"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}})
	} else {
		ps = append(ps, consent.Purpose{ID: provision, Description: txt("Providing your data to Acquirer Leasing"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionState}, Separate: []consent.Trigger{consent.TriggerProvision},
			Recipients: []consent.Recipient{{Party: consent.Party{Name: "Acquirer Leasing Co., Ltd.", Contact: "https://acquirer.example/privacy"}, Country: "CN"}}})
	}
	return ps
}

// side is one company's deployment: its own database, KEK, keyring,
// consent registry, vault and audit events.
type side struct {
	t      testing.TB
	name   string
	buyer  bool
	kek    keys.KEK
	skey   string
	store  transfer.Store
	db     database
	keys   *keys.Keyring
	reg    *consent.Registry
	vault  *vault.Vault
	events *storetest.Recorder
	signer note.Signer
	outbox *notify.Outbox
	ret    *retention.Retention
	log    *audit.Log
	vkey   string
	now    *testClock
	// lean, for the scale run, keeps no events in memory and bounds the
	// keyring's cache, as a deployment moving many customers would.
	lean bool
}

// database is an adapter holding every store a side uses: memstore or
// sqlstore.
type database interface {
	Keys() keys.Store
	Ledger() keys.Ledger
	Consent() consent.Store
	Vault() vault.Store
	Transfer() transfer.Store
	Notify() notify.Store
	Retention() retention.Store
	Audit() audit.Store
}

func newSide(t testing.TB, name string, acquirer bool, db database) *side {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	skey, vkey, err := note.GenerateKey(rand.Reader, name+".example/transfer")
	require.NoError(t, err)
	s := &side{t: t, name: name, buyer: acquirer, db: db, kek: kek, skey: skey, vkey: vkey, events: &storetest.Recorder{}, now: &testClock{t: t0}}
	s.build(nil)
	return s
}

// leaned returns the same company built lean (see side.lean).
func (s *side) leaned() *side {
	c := &side{t: s.t, name: s.name, buyer: s.buyer, db: s.db, kek: s.kek, skey: s.skey, vkey: s.vkey, now: s.now, lean: true}
	c.build(nil)
	return c
}

// rebuild returns the same company (database, KEK, signing key, clock)
// with every store wrapped so that f decides which calls fail, and its
// own audit events.
func (s *side) rebuild(f *storetest.Faults) *side {
	c := &side{t: s.t, name: s.name, buyer: s.buyer, db: s.db, kek: s.kek, skey: s.skey, vkey: s.vkey, events: &storetest.Recorder{}, now: s.now}
	c.build(f)
	return c
}

func (s *side) build(f *storetest.Faults) {
	t := s.t
	ctx := context.Background()
	var (
		ks  keys.Store      = s.db.Keys()
		led keys.Ledger     = s.db.Ledger()
		cs  consent.Store   = s.db.Consent()
		vs  vault.Store     = s.db.Vault()
		ts  transfer.Store  = s.db.Transfer()
		ns  notify.Store    = s.db.Notify()
		rs  retention.Store = s.db.Retention()
	)
	if f != nil {
		ks, led, cs = storetest.FaultyKeys(ks, f), storetest.FaultyLedger(led, f), storetest.FaultyConsent(cs, f)
		vs, ts, ns = storetest.FaultyVault(vs, f), storetest.FaultyTransfer(ts, f), storetest.FaultyNotify(ns, f)
		rs = storetest.FaultyRetention(rs, f)
	}
	s.store = ts
	var err error
	kc := keys.Config{KEK: s.kek, Store: ks, Ledger: led, Clock: s.clock}
	if s.lean {
		s.events, kc.Cache = nil, keys.CacheConfig{MaxEntries: 4096}
	}
	s.keys, err = keys.New(ctx, kc)
	require.NoError(t, err)
	s.log, err = audit.New(ctx, audit.Config{Store: s.db.Audit(), Keys: s.keys, Origin: s.name + ".example/audit", Clock: s.clock})
	require.NoError(t, err)
	t.Cleanup(func() { s.log.Close() })
	rec := tee{s.log, s.events}
	sc := schema()
	s.reg, err = consent.New(ctx, consent.Config{
		Purposes: purposes(s.buyer), Notices: []consent.Notice{notice(s.name)}, Fields: sc.Classes(),
		Store: cs, Recorder: rec, Subjects: vault.Subjects(vs, s.keys), Pseudonyms: s.keys, Clock: s.clock,
	})
	require.NoError(t, err)
	s.vault, err = vault.New(vault.Config{
		Schema: sc, Keys: s.keys, Store: vs, Authorizer: s.reg.Checker(), Recorder: rec, Clock: s.clock,
		Erasers: []custos.Eraser{s.reg},
		Search:  vault.SearchConfig{ExpectedCustomers: 1000},
	})
	require.NoError(t, err)
	s.ret, err = retention.New(retention.Config{
		Policy: policy(), Schema: sc, Store: rs, Vault: s.vault, Recorder: rec,
		Actor: office.Actor, Purpose: office.Purpose, Clock: s.clock,
	})
	require.NoError(t, err)
	s.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: ns, Recorder: rec, Subjects: vault.Subjects(vs, s.keys), Clock: s.clock})
	require.NoError(t, err)
	s.signer, err = note.NewSigner(s.skey)
	require.NoError(t, err)
}

// tee records each event in the audit log, then in memory for the tests.
type tee struct {
	log *audit.Log
	mem *storetest.Recorder
}

func (r tee) Record(ctx context.Context, e custos.Event) error {
	if err := r.log.Record(ctx, e); err != nil || r.mem == nil {
		return err
	}
	return r.mem.Record(ctx, e)
}

func (s *side) clock() time.Time { return s.now.get() }

// testClock is a settable clock shared by a side's components, some of
// which read it from their own goroutines (the audit log's writer).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// customer writes a synthetic customer with a lease and a scoring record.
func (s *side) customer(subject custos.SubjectID, mobile string) {
	s.t.Helper()
	ctx := context.Background()
	require.NoError(s.t, s.vault.Put(ctx, teller, subject, "customer", vault.Values{"name": "Synthetic Person " + string(rune('A'+subject[len(subject)-1]-'0')), "mobile": mobile}))
	require.NoError(s.t, s.vault.Put(ctx, teller, subject, "lease", vault.Values{"contract": "L-" + string(subject)}))
	require.NoError(s.t, s.vault.Put(ctx, teller, subject, "scoring", vault.Values{"grade": "B"}))
}

// consent records a customer's explicit consent to a purpose.
func (s *side) consent(subject custos.SubjectID, p custos.PurposeID) {
	s.t.Helper()
	n, ok := s.reg.NoticeFor(p)
	require.True(s.t, ok)
	require.NoError(s.t, s.reg.Grant(context.Background(), consent.Act{
		Subject: subject, Purposes: []custos.PurposeID{p}, Actor: channel, Channel: "app",
		Signal: consent.SignalClick, Notice: n.Version, Language: consent.LangZH, Evidence: "form-0001",
	}))
}

func (s *side) seller(t testing.TB) *transfer.Seller {
	t.Helper()
	sl, err := transfer.NewSeller(transfer.SellerConfig{
		Keys: s.keys, Vault: s.vault, Consent: s.reg, Signer: s.signer, Outbox: s.outbox, Retention: s.ret, Audit: s.log, Store: s.store,
		Recorder: tee{s.log, s.events}, Approval: rule, Clock: s.clock,
	})
	require.NoError(t, err)
	return sl
}

func (s *side) acquirer(t testing.TB, rc recipient) *transfer.Acquirer {
	t.Helper()
	a, err := transfer.NewAcquirer(transfer.AcquirerConfig{
		Keys: s.keys, Vault: s.vault, Consent: s.reg, Retention: s.ret, Private: rc.private, Signer: s.signer,
		Store: s.store, Recorder: tee{s.log, s.events}, Clock: s.clock,
	})
	require.NoError(t, err)
	return a
}

// world is a seller with three customers and an acquirer, with an
// approved plan between them.
type world struct {
	from, to *side
	rcpt     recipient
	plan     transfer.Plan
	sell     *transfer.Seller
	buy      *transfer.Acquirer
	ag       transfer.Agreement
}

func newWorld(t testing.TB, plan func(pub []byte) transfer.Plan) *world {
	t.Helper()
	return newWorldOn(t, plan, memstore.New(), memstore.New(), 3)
}

// newWorldOn is newWorld over the given databases with n customers.
func newWorldOn(t testing.TB, plan func(pub []byte) transfer.Plan, from, to database, n int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{from: newSide(t, "seller", false, from), to: newSide(t, "acquirer", true, to), rcpt: newRecipient(t)}
	for i := 4; i <= n; i++ {
		w.from.customer(custos.SubjectID(fmt.Sprintf("c-%d", i)), fmt.Sprintf("1390000%04d", i))
	}
	w.from.customer("c-1", "13800000001")
	w.from.customer("c-2", "13800000002")
	w.from.customer("c-3", "13800000003")
	w.from.consent("c-2", marketing)
	require.NoError(t, w.from.vault.Restrict(ctx, office, "c-3", "AML Art. 34: identity records kept 10 years"))
	require.NoError(t, w.from.ret.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventRelationshipEnded, At: t0}))
	_, err := w.from.ret.Place(ctx, office, retention.Hold{ID: "case-2026-0042", Owner: "staff-records", Reason: "case-2026-civil-0042", Subjects: []custos.SubjectID{"c-1", "c-2"}, Start: t0})
	require.NoError(t, err)
	w.plan = plan(w.rcpt.public)
	w.plan.Scope.Purposes = []custos.PurposeID{servicing, marketing}
	w.plan.Recipient.Verifier = w.to.vkey
	w.sell = w.from.seller(t)
	w.buy = w.to.acquirer(t, w.rcpt)
	require.NoError(t, w.sell.Propose(ctx, dpo, w.plan))
	require.NoError(t, w.sell.Approve(ctx, dpo, w.plan.ID))
	require.NoError(t, w.sell.Approve(ctx, counsel, w.plan.ID))
	_, err = w.sell.Notify(ctx, seller, w.plan.ID, notify.ChannelEmail)
	require.NoError(t, err)
	w.ag = transfer.Agreement{Transfer: w.plan.ID, SellerVerifier: w.from.vkey, SellerAudit: w.from.log.Verifier(),
		Purposes: map[custos.PurposeID]custos.PurposeID{servicing: servicing, marketing: marketing}}
	return w
}

// export writes the world's bundle.
func (w *world) export(t testing.TB) ([]byte, transfer.ExportReport) {
	t.Helper()
	var buf bytes.Buffer
	rep, err := w.sell.Export(context.Background(), seller, w.plan.ID, &buf, nil)
	require.NoError(t, err)
	return buf.Bytes(), rep
}
