package main

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/storage/memstore"
)

// purposes are the example's purposes as the records of processing state
// them: the vault's grants with their legal basis, and marketing, whose
// profile the marketing-consent rule limits.
func purposes() []consent.Purpose {
	text := func(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }
	return []consent.Purpose{
		{ID: "lease-servicing", Description: text("租赁服务", "Lease servicing"), Basis: custos.BasisContract,
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet},
			Fields:  map[string][]string{"identity": {"name"}, "transaction": {"ref"}}},
		{ID: "marketing", Description: text("营销", "Marketing"), Basis: custos.BasisConsent,
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"marketing": {"segment"}}},
		{ID: "retention", Description: text("保存期限管理", "Retention"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47",
			Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	}
}

// writeReport ends the example with its signed report in files starting
// with base: the retention rules, what is due in the coming months and
// the destructions done.
func writeReport(ctx context.Context, db *memstore.Store, log *audit.Log, base string, at time.Time) error {
	pol := policy()
	cfg := report.Config{
		Policies: report.Policies{Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://lessor.example/privacy"},
			Schema: schema(), Purposes: purposes(), Retention: &pol,
			People: []report.SubjectCategory{{ID: "lessees", Description: consent.Text{ZH: "承租人", EN: "Lessees"}, RecordTypes: []string{"identity", "transaction", "marketing"}}}},
		Audit:    &report.AuditState{Store: db.Audit(), Verifier: log.Verifier()},
		Consents: db.ConsentRecords(), Retention: db.Retention(), Outbox: db.Notify(),
	}
	rep, err := exreport.Write(ctx, cfg, db.ReportSnapshots(), base, "en", at)
	if err != nil {
		return err
	}
	fmt.Printf("compliance report: %s, %d sections, %d findings\n", exreport.FilesOf(base).HTML, len(rep.Sections), len(rep.Findings))
	return nil
}
