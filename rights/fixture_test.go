package rights_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var (
	t0     = time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	dpo    = custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "dpo"}, Purpose: "data-subject-requests"}
	clerk  = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	app    = custos.Actor{ID: "svc-app", Role: "channel"}
	swept  = custos.Actor{ID: "retention-sweeper", Role: "retention"}
	legal  = custos.Access{Actor: custos.Actor{ID: "staff-007", Role: "legal"}, Purpose: "legal-hold"}
	bureau = consent.Recipient{Party: consent.Party{Name: "Example Credit Bureau", Contact: "dpo@bureau.example"}, Country: "CN"}
)

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

func txt(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }

// extraTypes names n more record types, for benchmarks of customers with
// many records.
func extraTypes(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("r%02d", i))
	}
	return out
}

func schemaWith(extra int) vault.Schema {
	c1, c2 := custos.Class{Level: custos.C1}, custos.Class{Level: custos.C2}
	s := vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.PersonName{}, Class: c2}, {Name: "mobile", Kind: kind.Mobile{}, Class: c2}}},
		{Name: "lease", Fields: []vault.Field{{Name: "contract", Kind: kind.Text{}, Class: c1}}},
		{Name: "marketing", Fields: []vault.Field{{Name: "segment", Kind: kind.Text{}, Class: c1}}},
	}}
	for _, t := range extraTypes(extra) {
		s.Types = append(s.Types, vault.RecordType{Name: t, Fields: []vault.Field{{Name: "v", Kind: kind.Text{}, Class: c1}}})
	}
	return s
}

func purposes(extra int) []consent.Purpose {
	all := map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}, "marketing": {"segment"}}
	for _, t := range extraTypes(extra) {
		all[t] = []string{"v"}
	}
	return []consent.Purpose{
		{ID: "lease-servicing", Description: txt("Servicing your lease"), Basis: custos.BasisContract, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate}, Fields: all},
		{ID: "marketing", Description: txt("Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"marketing": {"segment"}}},
		{ID: "credit-check", Description: txt("Checking credit with a bureau"), Basis: custos.BasisOtherLaw, Law: "Credit Reporting Regulation Art. 14", Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name"}}, Recipients: []consent.Recipient{bureau}},
		{ID: "data-subject-requests", Description: txt("Answering requests about your data"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 44-50",
			Notice: "privacy-notice", Actions: []custos.Action{custos.ActionExport, custos.ActionUpdate, custos.ActionRestrict, custos.ActionForget,
				custos.ActionState, custos.ActionConsentReceipt}, Fields: all},
		{ID: "retention", Description: txt("Keeping records no longer than needed"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 19, 47",
			Notice: "privacy-notice", Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	}
}

func notice() consent.Notice {
	return consent.Notice{
		ID: "privacy-notice", Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "privacy@leasing.example"},
		Methods: []string{"collection", "encrypted-storage"}, Retention: txt("Contract term plus 10 years (AML Art. 34)"),
		AtExpiry: txt("Deleted at the end of retention"), Rights: txt("Write to the privacy office"), Withdrawal: txt("Settings > Privacy"),
		StorageLocation: "CN", Jurisdiction: "CN", Body: txt("We process your information as follows."),
	}
}

func retentionPolicy() retention.Policy { return retentionPolicyWith(0) }

func retentionPolicyWith(extra int) retention.Policy {
	p := retentionPolicy0()
	for _, t := range extraTypes(extra) {
		p.Rules = append(p.Rules, retention.Rule{Name: "keep-" + t, RecordType: t, Start: retention.Start{Event: retention.EventRelationshipEnded},
			Max: retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19"})
	}
	return p
}

func retentionPolicy0() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.RestrictThenDestroy, Law: "AML Art. 34"},
		{Name: "lease-records", RecordType: "lease", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Max: retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
		{Name: "marketing-consent", RecordType: "marketing", Purpose: "marketing",
			Start: retention.Start{Event: retention.EventConsentWithdrawn, Purpose: "marketing"}, Max: retention.Days(1), Expiry: retention.Destroy, Law: "PIPL Art. 47(1)(3)"},
	}}
}

func policy() rights.Policy {
	return rights.Policy{
		Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "privacy@leasing.example"},
		Contact:    "https://leasing.example/privacy", Complaint: consent.DefaultRemedy(), Source: txt("Given by you when the lease was signed"),
		Retention: retentionPolicy(),
		Automated: []rights.Decision{{ID: "lease-score", Purpose: "lease-servicing", Logic: txt("A score from payment history decides the lease limit."),
			Effects: txt("A low score lowers the limit.")}},
		Disclosures: []rights.Disclosure{{Organisation: "credit-bureau", Fields: []string{"customer.name", "customer.mobile"}}},
		Channel:     "email",
	}
}

// fixture is a vault, consent registry, retention, outbox and desk on
// memstore, under a clock the test moves. The stores the stack uses may be
// wrapped (faults); setup goes through the plain ones.
type fixture struct {
	t        tb
	now      time.Time
	db       *memstore.Store
	events   *storetest.Recorder
	keys     *keys.Keyring
	verified map[string]rights.Identity
	extra    int                // record types beyond the three of schema()
	subjects []custos.SubjectID // the customers stored

	store       rights.Store
	vaultStore  vault.Store
	notifyStore notify.Store
	retStore    retention.Store

	vault     *vault.Vault
	registry  *consent.Registry
	retention *retention.Retention
	outbox    *notify.Outbox
	eraser    *rights.Eraser
	d         *rights.Desk
}

func newFixture(t tb) *fixture {
	t.Helper()
	f := &fixture{t: t, now: t0.Add(time.Hour), db: memstore.New(), events: &storetest.Recorder{}, verified: map[string]rights.Identity{}}
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	f.keys, err = keys.New(context.Background(), keys.Config{KEK: kek, Store: f.db.Keys(), Ledger: f.db.Ledger(), Clock: f.clock})
	require.NoError(t, err)
	return f
}

func (f *fixture) clock() time.Time { return f.now }

// verify is the host's verifier: it verifies the requests the test says.
func (f *fixture) verify(_ context.Context, r rights.Request) (rights.Identity, error) {
	id, ok := f.verified[r.ID]
	if !ok {
		return rights.Identity{}, fmt.Errorf("%w: no matching one-time code", rights.ErrVerification)
	}
	return id, nil
}

type forward struct{ v **vault.Vault }

func (s forward) SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	return (*s.v).SubjectState(ctx, subject)
}

// build builds the stack over the fixture's current stores.
func (f *fixture) build() {
	f.t.Helper()
	ctx := context.Background()
	if f.store == nil {
		f.store = f.db.Rights()
	}
	if f.vaultStore == nil {
		f.vaultStore = f.db.Vault()
	}
	if f.notifyStore == nil {
		f.notifyStore = f.db.Notify()
	}
	if f.retStore == nil {
		f.retStore = f.db.Retention()
	}
	s := schemaWith(f.extra)
	var err error
	f.registry, err = consent.New(ctx, consent.Config{
		Purposes: purposes(f.extra), Notices: []consent.Notice{notice()}, Fields: s.Classes(), Store: f.db.Consent(), Recorder: f.events,
		Subjects: forward{&f.vault}, Pseudonyms: f.keys, Clock: f.clock,
	})
	require.NoError(f.t, err)
	f.eraser, err = rights.NewEraser(rights.EraserConfig{Store: f.store, Recorder: f.events, Pseudonyms: f.keys, Clock: f.clock})
	require.NoError(f.t, err)
	f.vault, err = vault.New(vault.Config{
		Schema: s, Keys: f.keys, Store: f.vaultStore, Authorizer: f.registry.Checker(), Recorder: f.events, Clock: f.clock,
		Erasers: []custos.Eraser{f.registry, f.eraser}, LegalHoldPurposes: []custos.PurposeID{"data-subject-requests"},
	})
	require.NoError(f.t, err)
	f.retention, err = retention.New(retention.Config{Policy: retentionPolicyWith(f.extra), Schema: s, Store: f.retStore, Vault: f.vault,
		Recorder: f.events, Actor: swept, Purpose: "retention", Clock: f.clock})
	require.NoError(f.t, err)
	tpl, err := notify.NewTemplates([]language.Tag{language.SimplifiedChinese, language.English}, append(notify.StandardTemplates(), rights.ExtensionTemplate())...)
	require.NoError(f.t, err)
	f.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: f.notifyStore, Templates: tpl, Recorder: f.events, Subjects: f.vault, Clock: f.clock})
	require.NoError(f.t, err)
	f.d, err = rights.New(f.config())
	require.NoError(f.t, err)
}

func (f *fixture) config() rights.Config {
	return rights.Config{
		Store: f.store, Recorder: f.events, Verifier: rights.VerifierFunc(f.verify),
		Regimes: []rights.Regime{rights.GDPR(), rights.PIPL(rights.Days(15))}, Clock: f.clock,
		Schema: schemaWith(f.extra), Vault: f.vault, Consent: f.registry, Retention: f.retention, Outbox: f.outbox, Policy: policy(),
		Pseudonyms: f.keys,
	}
}

// desk builds the stack if needed and returns the desk.
func (f *fixture) desk() *rights.Desk {
	f.t.Helper()
	if f.d == nil {
		f.build()
	}
	return f.d
}

// customer stores a customer holding the given record types.
func (f *fixture) customer(subject custos.SubjectID, types ...string) {
	f.t.Helper()
	f.desk()
	values := map[string]vault.Values{
		"customer": {"name": "张三", "mobile": "13800000000"}, "lease": {"contract": "L-2026-0042"}, "marketing": {"segment": "gold"},
	}
	for _, typ := range types {
		require.NoError(f.t, f.vault.Put(context.Background(), clerk, subject, typ, values[typ]))
	}
	f.subjects = append(f.subjects, subject)
}

// whoseRef names the customer whose pseudonymous reference ref is, so
// that fixtures with different keys compare; "(unknown reference)" when
// it is none of the customers stored.
func (f *fixture) whoseRef(ref string) string {
	for _, s := range f.subjects {
		if hex.EncodeToString(f.keys.Reference(s)) == ref {
			return "(reference of " + string(s) + ")"
		}
	}
	return "(unknown reference)"
}

// consented records the customer's marketing consent.
func (f *fixture) consented(subject custos.SubjectID) {
	f.t.Helper()
	n, ok := f.registry.NoticeFor("marketing")
	require.True(f.t, ok)
	require.NoError(f.t, f.registry.Grant(context.Background(), consent.Act{
		Subject: subject, Purposes: []custos.PurposeID{"marketing"}, Actor: app, Channel: "app", Signal: consent.SignalClick,
		Notice: n.Version, Language: consent.LangZH, Evidence: "form-0001",
	}))
}

// request is a valid request of the customer.
func request(key string, k rights.Kind) rights.Request {
	r := rights.Request{Key: key, Kind: k, Subject: "C0000042", Requester: rights.Requester{Kind: rights.Self}, Channel: "app", Received: t0, Regime: "gdpr"}
	switch k {
	case rights.Portability:
		r.Recipient = "acme-leasing"
	case rights.Correction:
		r.Fields = []string{"customer.mobile"}
	case rights.Withdrawal:
		r.Purposes = []custos.PurposeID{"marketing"}
	case rights.Objection:
		r.Purposes, r.Ground = []custos.PurposeID{"marketing"}, "GDPR Art. 21(2): direct marketing"
	case rights.Erasure:
		r.Ground = "PIPL Art. 47(1)(2): service ended"
	case rights.Restriction:
		r.Ground = "GDPR Art. 18(1)(a): accuracy contested"
	}
	return r
}

// verified submits and verifies a request.
func (f *fixture) verifiedRequest(r rights.Request) rights.Request {
	f.t.Helper()
	ctx := context.Background()
	f.verified[rights.RequestID(r.Key)] = rights.Identity{Method: "sms-otp", Evidence: "otp:" + r.Key}
	got, err := f.desk().Submit(ctx, dpo, r)
	require.NoError(f.t, err)
	got, err = f.desk().Verify(ctx, dpo, got.ID)
	require.NoError(f.t, err)
	return got
}

// snapshot is everything a refused call must leave unchanged.
type snapshot struct {
	requests []rights.Request
	history  map[string][]rights.Entry
	events   int
	outbox   notify.Counts
}

func (f *fixture) snapshot() snapshot {
	f.t.Helper()
	ctx := context.Background()
	s := snapshot{history: map[string][]rights.Entry{}, events: len(f.events.Events())}
	all, err := f.db.Rights().List(ctx, "", 1000)
	require.NoError(f.t, err)
	for i, r := range all {
		if r.SubjectRef != "" {
			all[i].SubjectRef = f.whoseRef(r.SubjectRef)
		}
	}
	s.requests = all
	for _, r := range all {
		h, err := f.db.Rights().History(ctx, r.ID)
		require.NoError(f.t, err)
		s.history[r.ID] = h
	}
	s.outbox, err = f.db.Notify().Counts(ctx)
	require.NoError(f.t, err)
	return s
}
