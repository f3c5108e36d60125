package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// at is the fixture's report time.
var at = time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)

func text(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }

// policies are a leasing company's policies: two record types, a
// contract purpose, a consent-based marketing purpose with a recipient
// abroad, and a retention policy that leaves marketing's data without a
// rule of its own.
func policies() report.Policies {
	c2 := custos.Class{Level: custos.C2}
	sensitive := custos.Class{Level: custos.C2, Sensitive: true}
	schema := vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "resident_id", Kind: kind.ResidentID{}, Class: sensitive},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "address", Kind: kind.Address{}, Class: c2},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{MaxRunes: 32}, Class: custos.Class{Level: custos.C1}, Required: true},
			{Name: "amount", Kind: kind.Money{}, Class: c2},
		}},
	}}
	purposes := []consent.Purpose{
		{ID: "servicing", Description: text("租赁服务", "Lease servicing"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet, custos.ActionFind},
			Fields:  map[string][]string{"customer": {"name", "mobile", "resident_id"}, "lease": {"contract", "amount"}}},
		{ID: "marketing", Description: text("短信营销", "Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}},
			Separate:   []consent.Trigger{consent.TriggerCrossBorder},
			Recipients: []consent.Recipient{{Party: consent.Party{Name: "Example Analytics GmbH", Contact: "privacy@analytics.example"}, Country: "DE"}},
			Validity:   365 * 24 * time.Hour},
	}
	pol := &retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Purpose: "servicing", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease-records", RecordType: "lease", Start: retention.Start{Event: retention.EventContractEnded},
			Max: retention.Years(5), Expiry: retention.RestrictThenDestroy, RestrictAfter: retention.Years(3), Law: "PIPL Art. 19"},
	}}
	return report.Policies{
		Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "dpo@leasing.example"},
		Schema:     schema, Purposes: purposes, Retention: pol,
		People: []report.SubjectCategory{
			{ID: "customers", Description: text("承租人", "Lessees"), RecordTypes: []string{"customer", "lease"}},
			{ID: "guarantors", Description: text("担保人", "Guarantors of a lease"), RecordTypes: []string{"customer"}, Purposes: []custos.PurposeID{"servicing"}},
		},
		Masking: &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
			"customer-service": {"customer.mobile": vault.Masked, "customer.resident_id": vault.Hidden},
		}},
		Search: &vault.SearchConfig{ExpectedCustomers: 100_000},
		KEK:    "gcp-kms://projects/example/locations/global/keyRings/custos/cryptoKeys/kek",
	}
}

// env is a fixture's stores with state to report on.
type env struct {
	db       *memstore.Store
	log      *audit.Log
	verifier string
	plans    []string
}

func newEnv(t testing.TB) *env {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	require.NoError(t, err)
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.leasing.example/custos"})
	require.NoError(t, err)
	t.Cleanup(func() { log.Close() })
	return &env{db: db, log: log, verifier: log.Verifier()}
}

// reads records n reads of distinct synthetic customers by one clerk.
func (e *env) reads(t testing.TB, n int) {
	clerk := custos.Access{Actor: custos.Actor{ID: "clerk-7", Role: "customer-service"}, Purpose: "servicing"}
	for i := range n {
		err := e.log.Record(context.Background(), custos.Event{Time: at.Add(-time.Duration(i) * time.Minute), Action: custos.ActionGet, Access: clerk,
			Basis: custos.BasisContract, Subject: custos.SubjectID(synthID(i)), RecordType: "customer", Fields: []string{"mobile"}, Outcome: custos.OutcomeAllowed})
		require.NoError(t, err)
	}
}

// consents writes consent histories straight into the store: customer i
// gave consent to marketing i months before at, and every third withdrew
// a day later.
func (e *env) consents(t testing.TB, n int) {
	ctx := context.Background()
	cs := e.db.Consent()
	staff := custos.Actor{ID: "app", Role: "channel"}
	for i := range n {
		subject := custos.SubjectID(synthID(i))
		given := at.AddDate(0, -(i % 12), -1)
		rec := consent.Record{Subject: subject, Purpose: "marketing", ID: synthRecordID(i), State: consent.StateGiven, Notice: "privacy-v1",
			Language: "zh-Hans", Generation: "g1", Given: given, Expires: given.Add(365 * 24 * time.Hour), Version: 1, Created: given, Updated: given}
		w := consent.Write{Record: rec, Entry: consent.Entry{Seq: 1, Time: given, Action: custos.ActionConsentGrant, State: consent.StateGiven,
			Actor: staff, Channel: "app", Signal: consent.SignalClick, Notice: "privacy-v1", Language: "zh-Hans"}, Ref: []byte("ref-0123456789abcdef" + synthID(i))}
		require.NoError(t, cs.Apply(ctx, []consent.Write{w}))
		if i%3 == 0 {
			later := given.Add(24 * time.Hour)
			rec.State, rec.Version, rec.Updated = consent.StateWithdrawn, 2, later
			w := consent.Write{Record: rec, Expect: 1, Entry: consent.Entry{Seq: 2, Time: later, Action: custos.ActionConsentWithdraw, State: consent.StateWithdrawn,
				Actor: staff, Channel: "app", Signal: consent.SignalClick}, Ref: w.Ref}
			require.NoError(t, cs.Apply(ctx, []consent.Write{w}))
		}
	}
}

// clocks starts n retention clocks, due over the coming months.
func (e *env) clocks(t testing.TB, n int) {
	for i := range n {
		due := at.AddDate(0, i%12, 1)
		_, err := e.db.Retention().PutClock(context.Background(), retention.Clock{Subject: custos.SubjectID(synthID(i)), Rule: "lease-records",
			RecordType: "lease", Started: at.AddDate(-5, 0, 0), Due: due, Next: due})
		require.NoError(t, err)
	}
}

// requests stores data-subject requests straight into the store: one due
// soon, one overdue, one due later, one answered in time, one late.
func (e *env) requests(t testing.TB) {
	day := 24 * time.Hour
	for i, r := range []rights.Request{
		{Kind: rights.Access, State: rights.Received, Received: at.Add(-20 * day), Due: at.Add(3 * day)},
		{Kind: rights.Erasure, State: rights.Verified, Received: at.Add(-40 * day), Due: at.Add(-2 * day)},
		{Kind: rights.Copy, State: rights.Received, Received: at.Add(-1 * day), Due: at.Add(20 * day)},
		{Kind: rights.Access, State: rights.Fulfilled, Received: at.Add(-40 * day), Due: at.Add(-10 * day), Closed: at.Add(-35 * day)},
		{Kind: rights.Erasure, State: rights.PartiallyFulfilled, Received: at.Add(-60 * day), Due: at.Add(-30 * day), Closed: at.Add(-25 * day)},
	} {
		r.ID, r.Key, r.Subject, r.Regime, r.Channel = rights.RequestID(synthID(i)), synthID(i), custos.SubjectID(synthID(i)), "gdpr", "app"
		r.FirstDue = r.Due
		_, _, err := e.db.Rights().Create(context.Background(), r, rights.Entry{Request: r.ID, Seq: 1, At: r.Received, Step: rights.StepReceived, State: r.State, Actor: "desk", Role: "dpo"})
		require.NoError(t, err)
	}
}

// transfer stores an approved, exported merger plan.
func (e *env) transfer(t testing.TB) transfer.Plan {
	plan := transfer.Plan{ID: "merger-2027", Cause: transfer.CauseMerger,
		Seller:    transfer.Party{Name: "Example Leasing Co., Ltd.", Contact: "dpo@leasing.example", Jurisdiction: "CN"},
		Recipient: transfer.Recipient{Party: transfer.Party{Name: "Acquirer Leasing Co.", Contact: "dpo@acquirer.example", Jurisdiction: "CN"}},
		Scope:     transfer.Scope{RecordTypes: []string{"customer", "lease"}, Purposes: []custos.PurposeID{"servicing"}},
		Effective: at.AddDate(0, 1, 0)}
	canon, err := plan.MarshalCanonical()
	require.NoError(t, err)
	st := e.db.Transfer()
	ctx := context.Background()
	require.NoError(t, st.CreatePlan(ctx, transfer.StoredPlan{ID: plan.ID, Plan: canon, Digest: plan.Digest(), Proposed: at, By: "cfo"}))
	for _, who := range []string{"cfo", "dpo"} {
		require.NoError(t, st.AddApproval(ctx, transfer.Approval{TransferID: plan.ID, Digest: plan.Digest(), Approver: custos.Actor{ID: who, Role: "approver"}, At: at}))
	}
	require.NoError(t, st.SetExported(ctx, plan.ID, make([]byte, 32), 1234))

	e.plans = append(e.plans, plan.ID)
	return plan
}

// incidents stores two incidents straight into the register's store: a
// leak whose CAC report was met in time and whose GDPR report is overdue,
// and a drill.
func (e *env) incidents(t testing.TB) {
	detected := at.Add(-100 * time.Hour)
	for _, inc := range []incident.Incident{
		{ID: "INC-2026-0042", Detected: detected, Aware: detected.Add(time.Hour), Kind: incident.KindLeak, Cause: "misconfigured bucket",
			People: 1200, Records: 3400, Grade: incident.GradeSerious, State: incident.StateContained, Version: 1, Steps: 1, LastStep: detected, Updated: detected,
			Obligations: []incident.Obligation{
				{ID: "cac-initial", Regime: incident.RegimeCAC, Duty: incident.DutyInitialReport, To: "CAC", Due: detected.Add(4 * time.Hour), Met: detected.Add(3 * time.Hour)},
				{ID: "gdpr-initial", Regime: incident.RegimeGDPR, Duty: incident.DutyInitialReport, To: "DPA", Due: detected.Add(73 * time.Hour)},
				{ID: "individuals", Regime: incident.RegimePIPL, Duty: incident.DutyIndividuals, Due: detected.Add(200 * time.Hour)},
			}},
		{ID: "DRILL-2026-01", Drill: true, Detected: detected, Aware: detected, Kind: incident.KindLoss, Cause: "drill", Grade: incident.GradeGeneral,
			State: incident.StateClosed, Version: 1, Steps: 1, LastStep: detected, Updated: detected,
			Obligations: []incident.Obligation{{ID: "pipl-initial", Regime: incident.RegimePIPL, Duty: incident.DutyInitialReport, To: "CAC", Due: detected.Add(time.Hour)}}},
	} {
		body, err := incident.Encode(inc)
		require.NoError(t, err)
		require.NoError(t, e.db.Incident().Create(context.Background(), incident.Record{ID: inc.ID, Version: 1, State: inc.State, Drill: inc.Drill, Opened: detected, Body: body},
			incident.Entry{Seq: 1, At: detected, Actor: custos.Actor{ID: "soc", Role: "security"}, Action: "opened", Key: "open"}))
	}
}

// outbox enqueues n notices.
func (e *env) outbox(t testing.TB, n int) {
	for i := range n {
		_, _, err := e.db.Notify().Enqueue(context.Background(), notify.Stored{ID: synthRecordID(i), Key: synthRecordID(i),
			To: notify.Customer(custos.SubjectID(synthID(i))), Channel: notify.ChannelEmail, Template: "transfer-notice",
			State: notify.StatePending, NextAt: at, Created: at, Updated: at})
		require.NoError(t, err)
	}
}

func (e *env) config() report.Config {
	return report.Config{
		Policies: policies(),
		Audit: &report.AuditState{Store: e.db.Audit(), Verifier: e.verifier,
			Monitor: &audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 5, Window: time.Hour}, AuditReads: true}},
		Consents:  e.db.ConsentRecords(),
		Retention: e.db.Retention(),
		Outbox:    e.db.Notify(),
		Rights:    &report.RightsState{Store: e.db.Rights(), Regimes: []rights.Regime{rights.GDPR()}},
		Transfers: &report.TransferState{Store: e.db.Transfer(), Plans: e.plans},
		Incidents: e.db.Incident(),
		Assessments: []report.Plan{{ID: "transfer-2027", Case: report.CaseProvision, Purposes: []custos.PurposeID{"servicing"},
			Recipient: &consent.Recipient{Party: consent.Party{Name: "Acquirer Leasing Co.", Contact: "dpo@acquirer.example"}, Country: "CN"},
			Answers:   map[string]consent.Text{report.QuestionLawful: text("合并，依第二十二条告知。", "Merger; notified under Art. 22.")}}},
	}
}

func synthID(i int) string       { return "syn-" + pad(i) }
func synthRecordID(i int) string { return "0000000000000000000000" + pad(i) }

func pad(i int) string {
	s := "0000000000" + itoa(i)
	return s[len(s)-10:]
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
