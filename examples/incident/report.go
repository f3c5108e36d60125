package main

import (
	"context"
	"io"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/storage/sqlstore"
)

// purposes are the example's two purposes as the records of processing
// state them: the vault's grants with their legal basis.
func purposes() []consent.Purpose {
	return []consent.Purpose{
		{ID: onboarding.Purpose, Description: consent.Text{ZH: "租赁服务", EN: "Lease servicing"}, Basis: custos.BasisContract,
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "email", "language"}}},
		{ID: notifier.Purpose, Description: consent.Text{ZH: "安全事件告知", EN: "Breach notices"}, Basis: custos.BasisLegalDuty, Law: "PIPL Art. 57",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"email", "language"}}},
	}
}

// writeReport ends the example with its signed report, beside the
// database: the incident register with its obligations, the notices and
// the audit log with the monitor's alerts.
func writeReport(ctx context.Context, out io.Writer, db *sqlstore.DB, log *audit.Log, mon audit.MonitorConfig, base string, at time.Time) error {
	cfg := report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://lessor.example/privacy"},
			Schema: schema(), Purposes: purposes(),
			People: []report.SubjectCategory{{ID: "lessees", Description: consent.Text{ZH: "承租人", EN: "Lessees"}, RecordTypes: []string{"customer"}}}},
		Audit:    &report.AuditState{Store: db.Audit(), Verifier: log.Verifier(), Monitor: &mon},
		Consents: db.ConsentRecords(), Retention: db.Retention(), Outbox: db.Notify(), Incidents: db.Incident(),
	}
	rep, err := exreport.Write(ctx, cfg, db.ReportSnapshots(), base, "zh-Hans", at)
	if err != nil {
		return err
	}
	say(out, "compliance report: %s, %d sections, %d findings", exreport.FilesOf(base).HTML, len(rep.Sections), len(rep.Findings))
	return nil
}
