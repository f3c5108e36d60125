package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	compliance "github.com/custos-go/custos/report"
	"github.com/custos-go/custos/storage/sqlstore"
)

// purposes are the example's two purposes as the records of processing
// state them: the grants the vault is given, with their legal basis.
func purposes() []consent.Purpose {
	fields := map[string][]string{"contact": {"email", "language"}}
	return []consent.Purpose{
		{ID: onboarding.Purpose, Description: consent.Text{ZH: "登记联系方式", EN: "Taking contact details"}, Basis: custos.BasisContract,
			Actions: []custos.Action{custos.ActionPut}, Fields: fields},
		{ID: sender.Purpose, Description: consent.Text{ZH: "转让告知", EN: "Transfer notices"}, Basis: custos.BasisLegalDuty, Law: "PIPL Art. 22",
			Actions: []custos.Action{custos.ActionGet}, Fields: fields},
	}
}

// writeCompliance ends the example with its signed report, beside the
// database: its notifications section counts the dead letter as a failed
// check.
func writeCompliance(ctx context.Context, out io.Writer, db *sqlstore.DB, log *audit.Log, base string) error {
	cfg := compliance.Config{
		Policies: compliance.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://lessor.example/privacy"},
			Schema: schema(), Purposes: purposes(),
			People: []compliance.SubjectCategory{{ID: "lessees", Description: consent.Text{ZH: "承租人", EN: "Lessees"}, RecordTypes: []string{"contact"}}}},
		Audit:    &compliance.AuditState{Store: db.Audit(), Verifier: log.Verifier()},
		Consents: db.ConsentRecords(), Retention: db.Retention(), Outbox: db.Notify(),
	}
	rep, err := exreport.Write(ctx, cfg, db.ReportSnapshots(), base, "en", time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "compliance report: %s, %d sections, %d findings\n", exreport.FilesOf(base).HTML, len(rep.Sections), len(rep.Findings))
	return nil
}
