package consent_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
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
	receipts  custos.PurposeID = "consent-receipts" // legal duty, issues receipts, reads histories and proof
	erasure   custos.PurposeID = "erasure"          // legal duty, forgets customers, purges proof
)

var (
	t0     = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	app    = custos.Actor{ID: "svc-app", Role: "channel"}
	clerk  = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: servicing}
	dpo    = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "dpo"}, Purpose: receipts}
	eraser = custos.Access{Actor: custos.Actor{ID: "staff-003", Role: "dpo"}, Purpose: erasure, RequestID: "forget-1"}
	// marketer reads the state of marketing's own consent.
	marketer = custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: marketing}
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
			Notice: "privacy-notice", Actions: []custos.Action{custos.ActionConsentReceipt, custos.ActionConsentStatus,
				custos.ActionConsentHistory, custos.ActionConsentProof}},
		{ID: erasure, Description: txt("Erasing customers"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47",
			Notice: "privacy-notice", Actions: []custos.Action{custos.ActionForget, custos.ActionConsentPurge}},
	}
}

// subjects is a fake custos.Subjects: every customer is active unless set
// otherwise; it can be made to fail.
type subjects struct {
	mu    sync.Mutex
	state map[custos.SubjectID]custos.SubjectState
	fail  error
}

func (s *subjects) SubjectState(_ context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return custos.SubjectUnknown, s.fail
	}
	if st, ok := s.state[subject]; ok {
		return st, nil
	}
	return custos.SubjectActive, nil
}

func (s *subjects) set(subject custos.SubjectID, st custos.SubjectState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == nil {
		s.state = map[custos.SubjectID]custos.SubjectState{}
	}
	s.state[subject] = st
}

// pseudonyms is HMAC-SHA256 under a fixed test key, as keys.Keyring's
// Reference is under the deployment's key.
type pseudonyms struct{}

func (pseudonyms) Reference(subject custos.SubjectID) []byte {
	m := hmac.New(sha256.New, []byte("custos consent test reference key"))
	m.Write([]byte(subject))
	return m.Sum(nil)
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
	t        testing.TB
	store    consent.Store
	events   *events
	subjects *subjects
	now      time.Time
	reg      *consent.Registry
}

func (f *fixture) clock() time.Time { return f.now }

// newFixture builds a registry over a fresh memstore with the test policy,
// changed by mod if not nil.
func newFixture(t testing.TB, mod func(*consent.Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, store: memstore.New().Consent(), events: &events{}, subjects: &subjects{}, now: t0}
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
		Store: f.store, Recorder: f.events, Subjects: f.subjects, Pseudonyms: pseudonyms{}, Clock: f.clock,
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

// snapshot is everything the store holds about a customer's consent,
// including the erasure kept under their reference.
type snapshot struct {
	Records []consent.Record
	History map[custos.PurposeID][]consent.Entry
	Erasure consent.Erasure
	Erased  bool
}

var allPurposes = []custos.PurposeID{servicing, marketing, analytics, sharing, receipts, erasure}

func (f *fixture) snapshot(subject custos.SubjectID) snapshot {
	f.t.Helper()
	return storeSnapshot(f.t, f.store, subject)
}

func storeSnapshot(t testing.TB, store consent.Store, subject custos.SubjectID) snapshot {
	t.Helper()
	ctx := context.Background()
	recs, err := store.SubjectConsents(ctx, subject)
	require.NoError(t, err)
	s := snapshot{Records: recs, History: map[custos.PurposeID][]consent.Entry{}}
	for _, p := range allPurposes {
		h, err := store.History(ctx, subject, p)
		require.NoError(t, err)
		s.History[p] = h
	}
	s.Erasure, err = store.GetErasure(ctx, pseudonyms{}.Reference(subject))
	if !errors.Is(err, consent.ErrNotFound) {
		require.NoError(t, err)
		s.Erased = true
	}
	return s
}

// history reads a customer's history as the DPO.
func (f *fixture) history(subject custos.SubjectID, p custos.PurposeID) []consent.Entry {
	f.t.Helper()
	h, err := f.reg.History(context.Background(), dpo, subject, p)
	require.NoError(f.t, err)
	return h
}

// status reads the state of a customer's consent as the DPO.
func (f *fixture) status(subject custos.SubjectID, p custos.PurposeID) consent.Status {
	f.t.Helper()
	st, err := f.reg.Status(context.Background(), dpo, subject, p)
	require.NoError(f.t, err)
	return st
}
