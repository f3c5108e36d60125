package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// security lists the technical measures in force (GDPR Art. 30(1)(g), 32;
// PIPL Art. 51), read from the configuration the host runs with, and the
// role-based masking rules.
type security struct {
	p        *Policies
	verifier string
}

func (s security) Section(_ context.Context, _ time.Time) (Section, []Finding, error) {
	var fs []Finding
	m := Table{ID: "measures", Columns: cols("measure", Term, "setting", Code, "article", Code)}
	add := func(measure, setting, article string) {
		m.Rows = append(m.Rows, []Cell{Str("measure." + measure), Str(setting), Str(article)})
	}
	// What the vault does for every record, whatever the host configures.
	add("field-encryption", "AES-256-GCM, one Tink DEK keyset per customer, associated data binding customer, record type and field", "PIPL 51(3); GDPR 32(1)(a)")
	kek := s.p.KEK
	if kek == "" {
		kek = "(not stated)"
		fs = append(fs, Finding{Severity: Open, Section: "security", Code: "kek-not-stated", Article: "GDPR 32(1)(a)"})
	}
	add("kek", kek, "PIPL 51(3)")
	add("previous-keks", strconv.Itoa(len(s.p.PreviousKEKs)), "")
	if e := s.p.Epochs; e != nil {
		period := e.Period
		if period == 0 {
			period = 24 * time.Hour
		}
		add("erasure-epochs", fmt.Sprintf("%d groups, epoch closes %s after its first erasure", e.Groups, days(period)), "PIPL 47; GDPR 17")
	} else {
		add("erasure-epochs", "off", "PIPL 47; GDPR 17")
		fs = append(fs, Finding{Severity: Gap, Section: "security", Code: "epochs-off", Article: "PIPL 47; GDPR 17"})
	}
	if s.p.Search != nil {
		lb, err := vault.PlanIndex(s.p.Search.ExpectedCustomers)
		if err != nil {
			return Section{}, nil, fmt.Errorf("%w: Policies.Search: %w", ErrConfig, err)
		}
		add("blind-index", lb.String(), "GDPR 32(1)(a); PIPL 51(3)")
	}
	if s.verifier != "" {
		add("audit-verifier", s.verifier, "PIPL 54; GDPR 5(2)")
	}
	masking := Table{ID: "masking", Columns: cols("role", Code, "field", Code, "visibility", Term)}
	if mk := s.p.Masking; mk != nil {
		for _, role := range slices.Sorted(maps.Keys(mk.Rules)) {
			for _, f := range slices.Sorted(maps.Keys(mk.Rules[role])) {
				masking.Rows = append(masking.Rows, []Cell{Str(string(role)), Str(f), Str("visibility." + mk.Rules[role][f].String())})
			}
		}
		masking.Rows = append(masking.Rows, []Cell{Str("*"), Str("*"), Str("visibility." + mk.Default.String())})
		add("masking", fmt.Sprintf("%d roles, default %s", len(mk.Rules), mk.Default), "PIPL 51(3); JR/T 0171-2020")
	} else {
		add("masking", "off", "PIPL 51(3); JR/T 0171-2020")
		if s.hasLevel(custos.C2) {
			fs = append(fs, Finding{Severity: Gap, Section: "security", Code: "masking-off", Article: "JR/T 0171-2020"})
		}
	}
	return Section{ID: "security", Tables: []Table{m, masking}}, fs, nil
}

// hasLevel reports whether any field is of level l or above.
func (s security) hasLevel(l custos.Level) bool {
	for _, t := range s.p.Schema.Types {
		for _, f := range t.Fields {
			if f.Class.Level >= l {
				return true
			}
		}
	}
	return false
}
