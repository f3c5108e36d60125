package consent_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/storage/memstore"
)

// Purposes of the tests.
const (
	servicing custos.PurposeID = "lease-servicing"  // contract
	marketing custos.PurposeID = "marketing"        // consent, bundle-able
	analytics custos.PurposeID = "analytics"        // consent, bundle-able
	sharing   custos.PurposeID = "credit-sharing"   // consent, separate: provision + sensitive
	receipts  custos.PurposeID = "consent-receipts" // legal duty, issues receipts
)

var (
	t0    = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	app   = custos.Actor{ID: "svc-app", Role: "channel"}
	clerk = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: servicing}
	dpo   = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "dpo"}, Purpose: receipts}
)

// testClasses mirrors a small leasing schema.
func testClasses() consent.FieldClasses {
	c2 := custos.Class{Level: custos.C2}
	return consent.FieldClasses{
		"customer": {"name": c2, "mobile": c2, "resident_id": {Level: custos.C2, Sensitive: true}, "note": {Level: custos.C1}},
		"lease":    {"contract": {Level: custos.C1}, "months": {Level: custos.C1}},
	}
}

func txt(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }

func testNotice() consent.Notice {
	return consent.Notice{
		ID:              "privacy-notice",
		Controller:      consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "privacy@leasing.example"},
		Methods:         []string{"collection", "encrypted-storage"},
		Retention:       txt("Kept for the contract term plus 10 years (AML Art. 34)"),
		AtExpiry:        txt("Deleted or anonymised at the end of retention"),
		Rights:          txt("Write to the privacy office to access, copy, correct or delete"),
		Withdrawal:      txt("Settings > Privacy > Withdraw, or at any branch"),
		StorageLocation: "CN",
		Jurisdiction:    "CN",
		Body:            txt("We process your information as follows."),
	}
}

func testPurposes() []consent.Purpose {
	get := []custos.Action{custos.ActionGet, custos.ActionExport}
	return []consent.Purpose{
		{ID: servicing, Description: txt("Servicing your lease"), Basis: custos.BasisContract, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate, custos.ActionExport},
			Fields:  map[string][]string{"customer": {"name", "mobile", "resident_id", "note"}, "lease": {"contract", "months"}}},
		{ID: marketing, Description: txt("Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: get, Fields: map[string][]string{"customer": {"name", "mobile"}}, Validity: 365 * 24 * time.Hour},
		{ID: analytics, Description: txt("Product statistics"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: get, Fields: map[string][]string{"lease": {"months"}}},
		{ID: sharing, Description: txt("Sharing with a credit bureau"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: get, Fields: map[string][]string{"customer": {"name", "resident_id"}},
			Separate:   []consent.Trigger{consent.TriggerProvision, consent.TriggerSensitive},
			Recipients: []consent.Recipient{{Party: consent.Party{Name: "Example Credit Bureau", Contact: "dpo@bureau.example"}, Country: "CN"}},
			Necessity:  txt("The bureau matches applications by identity number"), Impact: txt("A credit report is created")},
		{ID: receipts, Description: txt("Answering consent-record requests"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 45",
			Notice: "privacy-notice", Actions: []custos.Action{custos.ActionConsentReceipt}},
	}
}

// events is a Recorder keeping events in memory; it can be made to fail.
type events struct {
	mu   sync.Mutex
	all  []custos.Event
	fail error
}

func (e *events) Record(_ context.Context, ev custos.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail != nil {
		return e.fail
	}
	e.all = append(e.all, ev)
	return nil
}

func (e *events) list() []custos.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.all)
}

func (e *events) last() custos.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.all) == 0 {
		return custos.Event{}
	}
	return e.all[len(e.all)-1]
}

// fixture is a registry over a store, with a settable clock.
type fixture struct {
	t      testing.TB
	store  consent.Store
	events *events
	now    time.Time
	reg    *consent.Registry
}

func (f *fixture) clock() time.Time { return f.now }

// newFixture builds a registry over a fresh memstore with the test policy,
// changed by mod if not nil.
func newFixture(t testing.TB, mod func(*consent.Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, store: memstore.New().Consent(), events: &events{}, now: t0}
	f.reg = f.registry(mod)
	return f
}

// registry builds another registry over the fixture's store and clock.
func (f *fixture) registry(mod func(*consent.Config)) *consent.Registry {
	f.t.Helper()
	cfg := f.config()
	if mod != nil {
		mod(&cfg)
	}
	r, err := consent.New(context.Background(), cfg)
	require.NoError(f.t, err)
	return r
}

func (f *fixture) config() consent.Config {
	return consent.Config{
		Purposes: testPurposes(), Notices: []consent.Notice{testNotice()}, Fields: testClasses(),
		Store: f.store, Recorder: f.events, Clock: f.clock,
	}
}

// act returns a valid, explicit act of subject on the current notice.
func (f *fixture) act(subject custos.SubjectID, purposes ...custos.PurposeID) consent.Act {
	n, ok := f.reg.NoticeFor(purposes[0])
	require.True(f.t, ok)
	return consent.Act{
		Subject: subject, Purposes: purposes, Actor: app, Channel: "app", Signal: consent.SignalClick,
		Notice: n.Version, Language: consent.LangZH, Evidence: "form-submission-0001", RequestID: "req-1",
	}
}

// check asks the fixture's checker about a Get of the fields.
func (f *fixture) check(subject custos.SubjectID, p custos.PurposeID, typ string, fields ...string) consent.Decision {
	f.t.Helper()
	d, err := f.reg.Checker().Authorize(context.Background(), consent.Request{
		Access: custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: p},
		Action: custos.ActionGet, Subject: subject, RecordType: typ, Fields: fields,
	})
	require.NoError(f.t, err)
	return d
}

// snapshot is everything the store holds about a customer's consent.
type snapshot struct {
	Records []consent.Record
	History map[custos.PurposeID][]consent.Entry
}

func (f *fixture) snapshot(subject custos.SubjectID) snapshot {
	f.t.Helper()
	ctx := context.Background()
	recs, err := f.store.SubjectConsents(ctx, subject)
	require.NoError(f.t, err)
	s := snapshot{Records: recs, History: map[custos.PurposeID][]consent.Entry{}}
	for _, p := range []custos.PurposeID{servicing, marketing, analytics, sharing, receipts} {
		h, err := f.store.History(ctx, subject, p)
		require.NoError(f.t, err)
		s.History[p] = h
	}
	return s
}
