package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// SubjectCategory is one category of the people whose personal
// information the host processes: the "categories of data subjects" the
// records of processing describe (GDPR Art. 30(1)(c)), such as customers,
// guarantors or customers' relatives named as emergency contacts. The
// report lists each with the record types that hold data about them and
// the purposes processing it.
type SubjectCategory struct {
	// ID names the category, such as "customers" or "guarantors".
	// Required, unique.
	ID string
	// Description says who they are, in both languages. Required.
	Description consent.Text
	// RecordTypes are the schema's record types holding data about
	// people of the category. At least one.
	RecordTypes []string
	// Purposes are the purposes processing their data; empty means every
	// purpose that uses one of RecordTypes. Each must be a purpose of the
	// policies.
	Purposes []custos.PurposeID
	// Minors is set when the category may include children under 14,
	// whose personal information is sensitive and needs a guardian's
	// consent (PIPL Art. 28(1), 31).
	Minors bool
}

// Validate checks the category against the schema and purposes it is
// reported with: an ID and a description in both languages, record types
// the schema declares, purposes the policies hold.
func (c SubjectCategory) Validate(s vault.Schema, purposes []consent.Purpose) error {
	if c.ID == "" {
		return fmt.Errorf("a subject category needs an ID")
	}
	if c.Description.ZH == "" || c.Description.EN == "" {
		return fmt.Errorf("subject category %s needs a description in zh-Hans and en", c.ID)
	}
	if len(c.RecordTypes) == 0 {
		return fmt.Errorf("subject category %s names no record type", c.ID)
	}
	for _, rt := range c.RecordTypes {
		if !slices.ContainsFunc(s.Types, func(t vault.RecordType) bool { return t.Name == rt }) {
			return fmt.Errorf("subject category %s: record type %q is not in the schema", c.ID, rt)
		}
	}
	for _, id := range c.Purposes {
		if !slices.ContainsFunc(purposes, func(p consent.Purpose) bool { return p.ID == id }) {
			return fmt.Errorf("subject category %s: purpose %q is not one of the policies' purposes", c.ID, id)
		}
	}
	return nil
}

// validatePeople checks every category and that their IDs are distinct.
func validatePeople(p *Policies) error {
	seen := map[string]bool{}
	for i, c := range p.People {
		if err := c.Validate(p.Schema, p.Purposes); err != nil {
			return fmt.Errorf("%w: Policies.People[%d]: %w", ErrConfig, i, err)
		}
		if seen[c.ID] {
			return fmt.Errorf("%w: Policies.People: two categories named %s", ErrConfig, c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// people lists the categories of people (GDPR Art. 30(1)(c)) with the
// record types and purposes concerning them.
func (s processing) people() Table {
	t := Table{ID: "people", Columns: cols("category", Code, "description", Local, "record-types", Code, "purposes", Code, "minors", Term)}
	for _, c := range s.p.People {
		t.Rows = append(t.Rows, []Cell{Str(c.ID), Text(c.Description), Str(strings.Join(c.RecordTypes, ", ")),
			Str(strings.Join(s.purposesOf(c), ", ")), Str(yesNo(c.Minors))})
	}
	return t
}

// purposesOf returns the category's purposes: those it names, or every
// purpose using one of its record types.
func (s processing) purposesOf(c SubjectCategory) []string {
	var out []string
	for _, p := range s.p.Purposes {
		named := slices.Contains(c.Purposes, p.ID)
		uses := len(c.Purposes) == 0 && slices.ContainsFunc(c.RecordTypes, func(rt string) bool { _, ok := p.Fields[rt]; return ok })
		if named || uses {
			out = append(out, string(p.ID))
		}
	}
	return out
}

// peopleFindings flags policies that describe no category of people, and
// record types no category covers (GDPR Art. 30(1)(c)).
func (s processing) peopleFindings() []Finding {
	if len(s.p.People) == 0 {
		return []Finding{{Severity: Gap, Section: "processing", Code: "no-people-categories", Article: "GDPR 30(1)(c)"}}
	}
	covered := map[string]bool{}
	for _, c := range s.p.People {
		for _, rt := range c.RecordTypes {
			covered[rt] = true
		}
	}
	var out []Finding
	for _, rt := range s.p.Schema.Types {
		if !covered[rt.Name] {
			out = append(out, Finding{Severity: Gap, Section: "processing", Code: "record-type-without-people", Args: []string{rt.Name}, Article: "GDPR 30(1)(c)"})
		}
	}
	return out
}
