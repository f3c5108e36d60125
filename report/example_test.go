package report_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// A leasing company's records of processing, generated from the same
// policy values it gives the vault, the consent registry and retention,
// with the state of its stores; written as one HTML page an auditor opens
// offline. The findings say what the policies leave out.
func Example() {
	ctx := context.Background()
	c2 := custos.Class{Level: custos.C2}
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
		{Name: "mobile", Kind: kind.Mobile{}, Class: c2},
	}}}}
	purposes := []consent.Purpose{
		{ID: "servicing", Description: consent.Text{ZH: "租赁服务", EN: "Lease servicing"}, Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		{ID: "marketing", Description: consent.Text{ZH: "短信营销", EN: "Offers by SMS"}, Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"mobile"}}},
	}
	rules := &retention.Policy{Rules: []retention.Rule{{Name: "servicing", RecordType: "customer", Purpose: "servicing",
		Start: retention.Start{Event: retention.EventContractEnded}, Max: retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19"}}}
	db := memstore.New() // the host's stores: sqlstore in production

	r, err := report.New(report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "dpo@leasing.example"},
			Schema: schema, Purposes: purposes, Retention: rules, KEK: "gcp-kms://projects/example/cryptoKeys/kek",
			People: []report.SubjectCategory{{ID: "lessees", Description: consent.Text{ZH: "承租人", EN: "Lessees"}, RecordTypes: []string{"customer"}}}},
		Consents: db.ConsentRecords(), Retention: db.Retention(), Outbox: db.Notify(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := r.Build(ctx, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range rep.Findings {
		fmt.Println(f.Severity, f.Code, f.Args, f.Article)
	}
	lang, _ := report.ParseLanguage("en")
	out := filepath.Join(os.TempDir(), "custos-example-report.html")
	err = report.WriteFile(out, func(w io.Writer) error { return r.WriteHTML(w, rep, lang) })
	fmt.Println("written:", err == nil)
	// Output:
	// gap purpose-without-retention [marketing customer] PIPL 19
	// gap epochs-off [] PIPL 47; GDPR 17
	// gap masking-off [] JR/T 0171-2020
	// written: true
}
