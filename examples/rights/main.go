// Command rights answers a leasing customer's data-subject requests on
// the regulators' clock, in memory, with synthetic data:
//
//   - the customer asks for a copy of their data (PIPL Art. 45; GDPR Art.
//     15): identity verified, the records exported with their consent
//     receipts and what Art. 15(1) lists, the answer enqueued;
//
//   - they correct their mobile number (PIPL Art. 46; GDPR Art. 16): the
//     value is checked by its kind, written through the vault, and the
//     credit bureau that received it is told (GDPR Art. 19);
//
//   - they ask to be erased while the AML period runs (PIPL Art. 47 ¶2):
//     kept in storage only, the answer naming the rule and until when;
//
//   - a request nobody took up shows up as overdue after a month (GDPR
//     Art. 12(3)).
//
//     go run ./examples/rights
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	// The report is written to custos-rights-example.report.html (and
	// .json, .pub) in the system's temporary directory.
	if err := run(context.Background(), os.Stdout, filepath.Join(os.TempDir(), "custos-rights-example")); err != nil {
		fmt.Fprintln(os.Stderr, "rights:", err)
		os.Exit(1)
	}
}

var (
	clerk   = custos.Access{Actor: custos.Actor{ID: "branch-07", Role: "clerk"}, Purpose: "lease-servicing"}
	officer = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "data-subject-requests"}
)

func text(en, zh string) consent.Text { return consent.Text{ZH: zh, EN: en} }

func schema() vault.Schema {
	c1, c2 := custos.Class{Level: custos.C1}, custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.PersonName{}, Class: c2}, {Name: "mobile", Kind: kind.Mobile{}, Class: c2}}},
		{Name: "lease", Fields: []vault.Field{{Name: "contract", Kind: kind.Text{}, Class: c1}}},
	}}
}

func purposes() []consent.Purpose {
	all := map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}
	return []consent.Purpose{
		{ID: "lease-servicing", Description: text("Servicing your lease", "履行您的租赁合同"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate}, Fields: all},
		{ID: "credit-check", Description: text("Checking credit with a bureau", "向征信机构查询信用"), Basis: custos.BasisOtherLaw,
			Law: "Credit Reporting Regulation Art. 14", Notice: "privacy", Actions: []custos.Action{custos.ActionGet},
			Fields:     map[string][]string{"customer": {"name", "mobile"}},
			Recipients: []consent.Recipient{{Party: consent.Party{Name: "Example Credit Bureau", Contact: "https://bureau.example"}, Country: "CN"}}},
		{ID: "data-subject-requests", Description: text("Answering requests about your data", "答复您的个人信息权利请求"), Basis: custos.BasisLegalDuty,
			Law: "PIPL Art. 44-50", Notice: "privacy", Fields: all, Actions: []custos.Action{custos.ActionExport, custos.ActionUpdate,
				custos.ActionRestrict, custos.ActionForget, custos.ActionState, custos.ActionConsentReceipt}},
		{ID: "retention", Description: text("Keeping records no longer than needed", "按期限保存和删除"), Basis: custos.BasisLegalDuty,
			Law: "PIPL Art. 19, 47", Notice: "privacy", Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	}
}

func retentionPolicy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.RestrictThenDestroy, Law: "AML Art. 34"},
		{Name: "lease-records", RecordType: "lease", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Max: retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
	}}
}

// simClock is the simulated time of the example; the audit log reads it
// from its own goroutine.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) add(years, months, days int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.AddDate(years, months, days)
}

// stack is the SDK a leasing company's service holds.
type stack struct {
	vault  *vault.Vault
	desk   *rights.Desk
	db     *memstore.Store
	log    *audit.Log
	clock  *simClock
	ticket int
}

func build(ctx context.Context, sim *simClock) (*stack, error) {
	clock := sim.now
	db := memstore.New()
	kek, err := insecuredevkek.New()
	if err != nil {
		return nil, err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger(), Clock: clock})
	if err != nil {
		return nil, err
	}
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.example.com/rights", Clock: clock})
	if err != nil {
		return nil, err
	}
	s := &stack{db: db, log: log, clock: sim}
	reg, err := consent.New(ctx, consent.Config{
		Purposes: purposes(), Fields: schema().Classes(), Store: db.Consent(), Recorder: log, Pseudonyms: kr, Clock: clock,
		Subjects: subjectsOf{&s.vault},
		Notices: []consent.Notice{{ID: "privacy", Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://leasing.example/privacy"},
			Methods: []string{"collection", "encrypted-storage"}, Retention: text("Contract term plus 10 years (AML Art. 34)", "合同期满后十年"),
			AtExpiry: text("Deleted", "删除"), Rights: text("Write to the privacy office", "联系个人信息保护负责人"),
			Withdrawal: text("Settings > Privacy", "设置 > 隐私"), StorageLocation: "CN", Jurisdiction: "CN", Body: text("How we process your data", "我们如何处理您的个人信息")}},
	})
	if err != nil {
		return nil, err
	}
	// The desk's eraser keeps a forgotten customer's requests, as proof
	// of their answers, under the customer's pseudonymous reference.
	eraser, err := rights.NewEraser(rights.EraserConfig{Store: db.Rights(), Recorder: log, Pseudonyms: kr, Clock: clock})
	if err != nil {
		return nil, err
	}
	s.vault, err = vault.New(vault.Config{Schema: schema(), Keys: kr, Store: db.Vault(), Authorizer: reg.Checker(), Recorder: log, Clock: clock,
		Erasers: []custos.Eraser{reg, eraser}, LegalHoldPurposes: []custos.PurposeID{"data-subject-requests"}})
	if err != nil {
		return nil, err
	}
	ret, err := retention.New(retention.Config{Policy: retentionPolicy(), Schema: schema(), Store: db.Retention(), Vault: s.vault, Recorder: log,
		Actor: custos.Actor{ID: "retention-sweeper", Role: "retention"}, Purpose: "retention", Clock: clock})
	if err != nil {
		return nil, err
	}
	tpl, err := notify.NewTemplates([]language.Tag{language.SimplifiedChinese, language.English}, append(notify.StandardTemplates(), rights.ExtensionTemplate())...)
	if err != nil {
		return nil, err
	}
	out, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Templates: tpl, Recorder: log, Subjects: s.vault, Clock: clock})
	if err != nil {
		return nil, err
	}
	s.desk, err = rights.New(rights.Config{
		Store: db.Rights(), Recorder: log, Regimes: []rights.Regime{rights.GDPR()}, Clock: clock, Schema: schema(),
		// The host's check: here, a code sent through the app, referenced
		// by the session; custos keeps the method and the reference only.
		Verifier: rights.VerifierFunc(func(_ context.Context, r rights.Request) (rights.Identity, error) {
			return rights.Identity{Method: "app-otp", Evidence: "otp-session:" + r.Key}, nil
		}),
		Vault: s.vault, Consent: reg, Retention: ret, Outbox: out, Pseudonyms: kr,
		Policy: rights.Policy{
			Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://leasing.example/privacy"},
			Contact:    "https://leasing.example/privacy", Complaint: consent.DefaultRemedy(),
			Source:      text("Given by you when the lease was signed", "您签订租赁合同时提供"),
			Retention:   retentionPolicy(),
			Disclosures: []rights.Disclosure{{Organisation: "credit-bureau", Fields: []string{"customer.name", "customer.mobile"}}},
			Channel:     "email",
		},
	})
	return s, err
}

type subjectsOf struct{ v **vault.Vault }

func (s subjectsOf) SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	return (*s.v).SubjectState(ctx, subject)
}

// ask submits and verifies a request of the customer received now.
func (s *stack) ask(ctx context.Context, r rights.Request) (rights.Request, error) {
	s.ticket++
	r.Key, r.Subject, r.Channel, r.Received, r.Regime = fmt.Sprintf("ticket-%04d", s.ticket), "C0000042", "app", s.clock.now(), "gdpr"
	r.Requester = rights.Requester{Kind: rights.Self}
	got, err := s.desk.Submit(ctx, officer, r)
	if err != nil {
		return got, err
	}
	return s.desk.Verify(ctx, officer, got.ID)
}

func run(ctx context.Context, w io.Writer, reportBase string) error {
	clock := &simClock{t: time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)}
	s, err := build(ctx, clock)
	if err != nil {
		return err
	}
	defer s.log.Close()
	day := func() string { return clock.now().Format(time.DateOnly) }
	if err := s.vault.Put(ctx, clerk, "C0000042", "customer", vault.Values{"name": "张三", "mobile": "13800000000"}); err != nil {
		return err
	}
	if err := s.vault.Put(ctx, clerk, "C0000042", "lease", vault.Values{"contract": "L-2026-0042"}); err != nil {
		return err
	}

	r, err := s.ask(ctx, rights.Request{Kind: rights.Copy})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  copy requested (%s), verified by %s, due %s\n", day(), r.ID, r.Identity.Method, r.Due.AddDate(0, 0, -1).Format(time.DateOnly))
	var doc bytes.Buffer
	ans, err := s.desk.Fulfil(ctx, officer, r.ID, rights.Fulfilment{Out: &doc})
	if err != nil {
		return err
	}
	var copyDoc rights.AccessDocument
	if err := json.Unmarshal(doc.Bytes(), &copyDoc); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  %s: %d records, categories %v, %d purposes, %d retention rules\n", day(), ans.Request.State, len(copyDoc.Records.Records),
		copyDoc.Categories, len(copyDoc.Purposes), len(copyDoc.Retention))

	clock.add(0, 0, 3)
	r, err = s.ask(ctx, rights.Request{Kind: rights.Correction, Fields: []string{"customer.mobile"}})
	if err != nil {
		return err
	}
	_, err = s.desk.Fulfil(ctx, officer, r.ID, rights.Fulfilment{Values: map[string]any{"customer.mobile": "139-0000"}})
	fmt.Fprintf(w, "%s  correction to a malformed number refused: %v\n", day(), err)
	ans, err = s.desk.Fulfil(ctx, officer, r.ID, rights.Fulfilment{Values: map[string]any{"customer.mobile": "+86 139 0000 0000"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  %s: %s\n", day(), ans.Request.State, ans.Request.Outcome)

	clock.add(0, 0, 2)
	r, err = s.ask(ctx, rights.Request{Kind: rights.Erasure, Ground: "PIPL Art. 47(1)(2): the lease ended"})
	if err != nil {
		return err
	}
	ans, err = s.desk.Fulfil(ctx, officer, r.ID, rights.Fulfilment{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  erasure %s: %s\n", day(), ans.Request.State, ans.Request.Outcome)

	_, err = s.desk.Submit(ctx, officer, rights.Request{Key: "ticket-9999", Kind: rights.Explanation, Subject: "C0000042",
		Requester: rights.Requester{Kind: rights.Self}, Channel: "post", Received: clock.now(), Regime: "gdpr"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  an explanation request arrives by post and is left in the tray\n", day())
	clock.add(0, 1, 1)
	for r, err := range s.desk.Overdue(ctx, clock.now(), 0) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s  OVERDUE: %s %s (%s), due %s\n", day(), r.ID, r.Kind, r.State, r.Due.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	c, err := s.db.Notify().Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "outbox: %d notices pending (answers to the customer, the correction to the credit bureau)\n", c.ByState[notify.StatePending])
	return writeReport(ctx, w, s, reportBase, clock.now())
}
