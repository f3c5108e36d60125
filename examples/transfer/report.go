package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
)

// writeReport ends the example as the seller's DPO would: its signed
// report, whose transfers section shows the plan carried out, written in
// dir as seller.example.db.report.html (and .json, .pub).
func (c *company) writeReport(ctx context.Context, dir, plan string) (report.Report, error) {
	pol := policy()
	cfg := report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://seller.example/privacy"},
			Schema: schema(), Purposes: purposes(false), Retention: &pol,
			People: []report.SubjectCategory{{ID: "lessees", Description: txt("承租人", "Lessees"), RecordTypes: []string{"customer", "lease"}}}},
		Audit:    &report.AuditState{Store: c.db.Audit(), Verifier: c.log.Verifier()},
		Consents: c.db.ConsentRecords(), Retention: c.db.Retention(), Outbox: c.db.Notify(),
		Transfers: &report.TransferState{Store: c.db.Transfer(), Plans: []string{plan}},
	}
	return exreport.Write(ctx, cfg, c.db.ReportSnapshots(), filepath.Join(dir, "seller.example.db"), "zh-Hans", time.Time{})
}
