package consent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

// exampleRegistry declares one contract purpose, one consent purpose and
// the erasure duty over a memstore.
func exampleRegistry() *consent.Registry {
	reg, err := consent.New(context.Background(), exampleConfig())
	if err != nil {
		panic(err)
	}
	return reg
}

func exampleConfig() consent.Config {
	text := func(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }
	classes := consent.FieldClasses{"customer": {
		"name":   {Level: custos.C2},
		"mobile": {Level: custos.C2},
	}}
	return consent.Config{
		Purposes: []consent.Purpose{
			{ID: "lease-servicing", Description: text("租赁服务", "Lease servicing"), Basis: custos.BasisContract,
				Notice: "privacy", Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
			{ID: "marketing", Description: text("短信营销", "Offers by SMS"), Basis: custos.BasisConsent,
				Notice: "privacy", Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"mobile"}}},
			{ID: "erasure", Description: text("依法删除", "Erasure"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47",
				Notice: "privacy", Actions: []custos.Action{custos.ActionForget}},
		},
		Notices: []consent.Notice{{
			ID:              "privacy",
			Controller:      consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "privacy@leasing.example"},
			Methods:         []string{"collection", "encrypted-storage"},
			Retention:       text("合同期满后十年", "Ten years after the contract ends"),
			AtExpiry:        text("到期删除", "Deleted at expiry"),
			Rights:          text("联系隐私办公室", "Write to the privacy office"),
			Withdrawal:      text("设置 > 隐私 > 撤回", "Settings > Privacy > Withdraw"),
			Body:            text("我们如何处理您的个人信息……", "How we process your personal information..."),
			StorageLocation: "CN", Jurisdiction: "CN",
		}},
		Fields:   classes,
		Store:    memstore.New().Consent(),
		Recorder: printEvents{},
		// The vault tells each customer's state, and the keyring gives
		// their pseudonymous reference (see ExampleRegistry_EraseSubject).
		Subjects:   heldCustomers{"C-0001": custos.SubjectActive, "C-0002": custos.SubjectActive},
		Pseudonyms: pseudonyms{},
		Clock:      func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) },
	}
}

// heldCustomers stands in for the vault: the state of the customers it
// holds; any other is unknown.
type heldCustomers map[custos.SubjectID]custos.SubjectState

func (h heldCustomers) SubjectState(_ context.Context, s custos.SubjectID) (custos.SubjectState, error) {
	return h[s], nil // the zero value is custos.SubjectUnknown
}

// printEvents prints each audit event.
type printEvents struct{}

func (printEvents) Record(_ context.Context, e custos.Event) error {
	fmt.Println(strings.TrimSpace(fmt.Sprintf("audit: %s %s %s %s", e.Action, e.Access.Purpose, e.Outcome, e.Reason)))
	return nil
}

// A customer gives consent to marketing, the marketer reads, the customer
// withdraws, and the very next read is refused. The contract purpose never
// depends on consent.
func Example() {
	ctx := context.Background()
	reg := exampleRegistry()
	checker := reg.Checker()
	notice, _ := reg.NoticeFor("marketing")
	act := consent.Act{
		Subject: "C-0001", Purposes: []custos.PurposeID{"marketing"},
		Actor: custos.Actor{ID: "svc-app", Role: "channel"}, Channel: "app", Signal: consent.SignalClick,
		Notice: notice.Version, Language: consent.LangZH, Evidence: "form-0001",
	}
	read := func(purpose custos.PurposeID) {
		d, err := checker.Authorize(ctx, consent.Request{
			Access: custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: purpose},
			Action: custos.ActionGet, Subject: "C-0001", RecordType: "customer", Fields: []string{"mobile"},
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("read for %s: allowed=%t basis=%s reason=%q\n", purpose, d.Allowed, d.Basis, d.Reason)
	}

	read("marketing")
	if err := reg.Grant(ctx, act); err != nil {
		panic(err)
	}
	read("marketing")
	if err := reg.Withdraw(ctx, act); err != nil {
		panic(err)
	}
	read("marketing")
	read("lease-servicing")
	// Output:
	// read for marketing: allowed=false basis=unknown reason="no-consent"
	// audit: consent.grant marketing allowed
	// read for marketing: allowed=true basis=consent reason=""
	// audit: consent.withdraw marketing allowed
	// read for marketing: allowed=false basis=unknown reason="consent-withdrawn"
	// read for lease-servicing: allowed=true basis=contract reason=""
}

// A refused act is a *Refusal: its sentinel error for the program, its
// reason code for the audit log, and the remedy to tell the person.
func ExampleRefusal() {
	ctx := context.Background()
	reg := exampleRegistry()
	err := reg.Withdraw(ctx, consent.Act{
		Subject: "C-0002", Purposes: []custos.PurposeID{"marketing"},
		Actor: custos.Actor{ID: "svc-app", Role: "channel"}, Channel: "app",
	})
	var r *consent.Refusal
	fmt.Println(errors.Is(err, consent.ErrNoConsent), errors.As(err, &r))
	fmt.Println(r.Reason)
	fmt.Println(r.Remedy.EN != "" && r.Remedy.ZH != "")
	// Output:
	// audit: consent.withdraw marketing denied no-consent
	// true true
	// no-consent
	// true
}

// Receipts are ISO/IEC TS 27560 records that read back strictly.
func ExampleParseReceipt() {
	r, err := consent.ParseReceipt([]byte(`{"schema_version": "custos.consent-receipt.v1"}`))
	fmt.Println(r.RecordID == "", errors.Is(err, consent.ErrReceipt))
	// Output:
	// true true
}

// When the vault forgets a customer, the registry erases their consent
// records (it is a custos.Eraser) and keeps only the pseudonymous history
// that proves the consent (GDPR Art. 7(1)), under the keyring's reference.
// The Erased goes on the destruction certificate; a second call reports
// the same.
func ExampleRegistry_EraseSubject() {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	if err != nil {
		panic(err)
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	if err != nil {
		panic(err)
	}
	cfg := exampleConfig()
	cfg.Store, cfg.Pseudonyms = db.Consent(), kr
	reg, err := consent.New(ctx, cfg)
	if err != nil {
		panic(err)
	}
	notice, _ := reg.NoticeFor("marketing")
	act := consent.Act{
		Subject: "C-0001", Purposes: []custos.PurposeID{"marketing"},
		Actor: custos.Actor{ID: "svc-app", Role: "channel"}, Channel: "app", Signal: consent.SignalClick,
		Notice: notice.Version, Language: consent.LangZH, Evidence: "form-0001",
	}
	if err := reg.Grant(ctx, act); err != nil {
		panic(err)
	}

	dpo := custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
	var eraser custos.Eraser = reg
	for range 2 {
		erased, err := eraser.EraseSubject(ctx, dpo, "C-0001")
		if err != nil {
			panic(err)
		}
		doc, _ := json.Marshal(erased)
		fmt.Println(string(doc))
	}
	fmt.Println(errors.Is(reg.Grant(ctx, act), consent.ErrForgotten))
	// Output:
	// audit: consent.grant marketing allowed
	// audit: consent.erase erasure allowed
	// {"component":"consent","removed":2,"kept":[{"what":"consent state history of purpose \"marketing\", keyed by pseudonymous reference, without subject, actor, guardian, evidence or request identifiers","count":1,"rule":"GDPR Art. 7(1), PIPL Art. 69: the handler must be able to demonstrate the consent it relied on","until":"2029-03-01T09:00:00Z"}]}
	// audit: consent.erase erasure allowed
	// {"component":"consent","removed":2,"kept":[{"what":"consent state history of purpose \"marketing\", keyed by pseudonymous reference, without subject, actor, guardian, evidence or request identifiers","count":1,"rule":"GDPR Art. 7(1), PIPL Art. 69: the handler must be able to demonstrate the consent it relied on","until":"2029-03-01T09:00:00Z"}]}
	// audit: consent.grant marketing denied subject-forgotten
	// true
}
