package main

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// rules are the quickstart's retention rules: what the report states as
// the erasure time limits (GDPR Art. 30(1)(f)).
func rules() *retention.Policy {
	return &retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease-records", RecordType: "lease", Start: retention.Start{Event: retention.EventContractEnded},
			Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
	}}
}

// people are the categories of people the records hold (GDPR Art.
// 30(1)(c)): the lessees, and the guarantors of their leases, whose
// customer records the lease-servicing purpose reads.
func people() []report.SubjectCategory {
	return []report.SubjectCategory{
		{ID: "lessees", Description: consent.Text{ZH: "承租人", EN: "Lessees"}, RecordTypes: []string{"customer", "lease"}},
		{ID: "guarantors", Description: consent.Text{ZH: "租赁担保人", EN: "Guarantors of a lease"}, RecordTypes: []string{"customer"},
			Purposes: []custos.PurposeID{onboarding, servicing, erasure}},
	}
}

// writeReport ends the quickstart as a host's compliance run would: the
// records of processing and the state of the stores, generated from the
// same policy values and stores the app runs with, written as one HTML
// page in Chinese and as JSON for machines.
func (a *app) writeReport(ctx context.Context, path string) error {
	schema := Schema()
	cfg := report.Config{
		Policies: report.Policies{
			Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "dpo@leasing.example"},
			Schema:     schema, Purposes: purposes(schema), People: people(), Retention: rules(), Masking: masking(),
			Search: &vault.SearchConfig{ExpectedCustomers: a.customers}, KEK: a.kekID, Epochs: a.epochs,
		},
		Audit: &report.AuditState{Store: a.db.Audit(), Verifier: a.audit.Verifier(),
			Monitor: &audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 100, Window: time.Hour}, AuditReads: true}},
		Consents: a.db.ConsentRecords(), Retention: a.db.Retention(), Outbox: a.db.Notify(),
	}
	// The policy snapshot stored in the database is what the stock
	// `custos report`, which has none of these Go values, reports from.
	rep, err := exreport.Write(ctx, cfg, a.db.ReportSnapshots(), path, "zh-Hans", time.Time{})
	if err != nil {
		return err
	}
	a.printf("report: %s.report.html and .json, signed (key %s.report.pub), %d sections, %d findings\n", path, path, len(rep.Sections), len(rep.Findings))
	a.printf("the same report from the stock binary:\n  go run ./cmd/custos report --db %s --key @%s.audit.pub -o report.html\n", path, path)
	for _, f := range rep.Findings {
		a.printf("  %s %s %v %s\n", f.Severity, f.Code, f.Args, f.Article)
	}
	return nil
}
