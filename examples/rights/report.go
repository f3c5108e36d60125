package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/rights"
)

// writeReport ends the example as a DPO's monthly run would: the report of
// the same policies and stores, its requests section showing the one left
// in the tray as overdue.
func writeReport(ctx context.Context, w io.Writer, s *stack, now time.Time) error {
	pol := retentionPolicy()
	r, err := report.New(report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://leasing.example/privacy"},
			Schema: schema(), Purposes: purposes(), Retention: &pol,
			People: []report.SubjectCategory{{ID: "lessees", Description: text("Lessees", "承租人"), RecordTypes: []string{"customer", "lease"}}}},
		Consents: s.db.ConsentRecords(), Retention: s.db.Retention(), Outbox: s.db.Notify(),
		Rights: &report.RightsState{Store: s.db.Rights(), Regimes: []rights.Regime{rights.GDPR()}},
	})
	if err != nil {
		return err
	}
	rep, err := r.Build(ctx, now)
	if err != nil {
		return err
	}
	en, err := report.ParseLanguage("en")
	if err != nil {
		return err
	}
	path := filepath.Join(os.TempDir(), "custos-rights-example-report.html")
	if err := report.WriteFile(path, func(w io.Writer) error { return r.WriteHTML(w, rep, en) }); err != nil {
		return err
	}
	fmt.Fprintf(w, "report written to %s; findings:", path)
	for _, f := range rep.Findings {
		fmt.Fprintf(w, " %s", f.Code)
	}
	fmt.Fprintln(w)
	return nil
}
