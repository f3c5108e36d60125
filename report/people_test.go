package report_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/report"
)

// The categories of people (GDPR Art. 30(1)(c)) are in the records of
// processing with their record types and purposes: those a category
// names, or every purpose using its record types.
func TestCategoriesOfPeople(t *testing.T) {
	_, rep := build(t, report.Config{Policies: policies()})
	people := table(t, section(t, rep, "processing"), "people")
	require.Len(t, people.Rows, 2)
	assert.Equal(t, "customer, lease", cell(t, people, "customers", "record-types").S)
	assert.Equal(t, "servicing, marketing", cell(t, people, "customers", "purposes").S, "every purpose using the record types")
	assert.Equal(t, "servicing", cell(t, people, "guarantors", "purposes").S, "the purposes the category names")
	assert.Equal(t, "Guarantors of a lease", cell(t, people, "guarantors", "description").T.EN)
	assert.Equal(t, "no", cell(t, people, "guarantors", "minors").S)
	for _, f := range rep.Findings {
		assert.NotContains(t, []string{"no-people-categories", "record-type-without-people"}, f.Code)
	}
}

// Policies that describe no category of people, or leave a record type
// out of every category, are findings.
func TestMissingCategoriesOfPeopleAreFindings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		people []report.SubjectCategory
		want   []string
	}{
		{"none", nil, []string{"no-people-categories "}},
		{"lease left out", []report.SubjectCategory{{ID: "customers", Description: text("承租人", "Lessees"), RecordTypes: []string{"customer"}}},
			[]string{"record-type-without-people lease"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policies()
			p.People = tc.people
			_, rep := build(t, report.Config{Policies: p})
			var got []string
			for _, f := range rep.Findings {
				if strings.Contains(f.Code, "people") {
					got = append(got, f.Code+" "+strings.Join(f.Args, " "))
					assert.Equal(t, report.Gap, f.Severity)
					assert.Equal(t, "GDPR 30(1)(c)", f.Article)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// A category that names what the policies do not hold is refused by New
// with ErrConfig and a reason.
func TestBadCategoriesOfPeopleAreRefused(t *testing.T) {
	good := report.SubjectCategory{ID: "customers", Description: text("承租人", "Lessees"), RecordTypes: []string{"customer"}}
	for _, tc := range []struct {
		name string
		mod  func(*report.SubjectCategory)
		want string
	}{
		{"no ID", func(c *report.SubjectCategory) { c.ID = "" }, "needs an ID"},
		{"no English description", func(c *report.SubjectCategory) { c.Description.EN = "" }, "description in zh-Hans and en"},
		{"no record type", func(c *report.SubjectCategory) { c.RecordTypes = nil }, "names no record type"},
		{"unknown record type", func(c *report.SubjectCategory) { c.RecordTypes = []string{"pets"} }, `record type "pets" is not in the schema`},
		{"unknown purpose", func(c *report.SubjectCategory) { c.Purposes = []custos.PurposeID{"resale"} }, `purpose "resale" is not one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.mod(&c)
			p := policies()
			assert.Error(t, c.Validate(p.Schema, p.Purposes))
			p.People = []report.SubjectCategory{c}
			_, err := report.New(report.Config{Policies: p})
			require.ErrorIs(t, err, report.ErrConfig)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	p := policies()
	p.People = []report.SubjectCategory{good, good}
	_, err := report.New(report.Config{Policies: p})
	require.ErrorIs(t, err, report.ErrConfig)
	assert.Contains(t, err.Error(), "two categories named customers")
	require.NoError(t, good.Validate(p.Schema, p.Purposes))
}
