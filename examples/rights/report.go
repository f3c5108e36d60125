package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/rights"
)

// writeReport ends the example as a DPO's monthly run would: the report of
// the same policies and stores, its requests section showing the one left
// in the tray as overdue, signed, in files starting with base.
func writeReport(ctx context.Context, w io.Writer, s *stack, base string, now time.Time) error {
	pol := retentionPolicy()
	cfg := report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://leasing.example/privacy"},
			Schema: schema(), Purposes: purposes(), Retention: &pol,
			People: []report.SubjectCategory{{ID: "lessees", Description: text("Lessees", "承租人"), RecordTypes: []string{"customer", "lease"}}}},
		Consents: s.db.ConsentRecords(), Retention: s.db.Retention(), Outbox: s.db.Notify(),
		Rights: &report.RightsState{Store: s.db.Rights(), Regimes: []rights.Regime{rights.GDPR()}},
	}
	rep, err := exreport.Write(ctx, cfg, s.db.ReportSnapshots(), base, "en", now)
	if err != nil {
		return err
	}
	path := exreport.FilesOf(base).HTML
	fmt.Fprintf(w, "report written to %s; findings:", path)
	for _, f := range rep.Findings {
		fmt.Fprintf(w, " %s", f.Code)
	}
	fmt.Fprintln(w)
	return nil
}
