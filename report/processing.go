package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/retention"
)

// processing is the records of processing (GDPR Art. 30(1); PIPL Art. 54,
// 56): purposes with their legal basis, the categories of people, the
// data categories and their classes, recipients and transfers abroad,
// retention periods. Every figure is read from the policy values.
type processing struct{ p *Policies }

func (s processing) Section(_ context.Context, _ time.Time) (Section, []Finding, error) {
	sec := Section{ID: "processing", Tables: []Table{s.purposes(), s.people(), s.fields(), s.recipients(), s.retention()}}
	return sec, append(s.findings(), s.peopleFindings()...), nil
}

// purposes lists each purpose's legal basis and its articles (PIPL Art.
// 13; GDPR Art. 6(1), 30(1)(b)).
func (s processing) purposes() Table {
	t := Table{ID: "purposes", Columns: cols(
		"purpose", Code, "description", Local, "basis", Code, "pipl", Code, "gdpr", Code, "law", Code,
		"record-types", Code, "actions", Code, "separate", Code, "validity", Code, "notice", Code)}
	for _, p := range s.p.Purposes {
		var actions, separate []string
		for _, a := range p.Actions {
			actions = append(actions, string(a))
		}
		for _, tr := range p.Separate {
			separate = append(separate, tr.String()+" ("+tr.Article()+")")
		}
		validity := ""
		if p.Validity > 0 {
			validity = days(p.Validity)
		}
		t.Rows = append(t.Rows, []Cell{Str(string(p.ID)), Text(p.Description), Str(p.Basis.String()),
			Str(p.Basis.PIPL()), Str(p.Basis.GDPR()), Str(p.Law), Str(strings.Join(slices.Sorted(maps.Keys(p.Fields)), ", ")),
			Str(strings.Join(actions, ", ")), Str(strings.Join(separate, ", ")), Str(validity), Str(p.Notice)})
	}
	return t
}

// fields lists every field with its class (PIPL Art. 28; JR/T 0171-2020),
// the purposes that use it and the rules that keep it.
func (s processing) fields() Table {
	t := Table{ID: "fields", Columns: cols(
		"record-type", Code, "field", Code, "kind", Code, "level", Code, "sensitive", Term,
		"searchable", Term, "purposes", Code, "rules", Code)}
	for _, rt := range s.p.Schema.Types {
		for _, f := range rt.Fields {
			kindName := ""
			if f.Kind != nil {
				kindName = f.Kind.Name()
			}
			t.Rows = append(t.Rows, []Cell{Str(rt.Name), Str(f.Name), Str(kindName), Str(f.Class.Level.String()),
				Str(yesNo(f.Class.Sensitive)), Str(yesNo(f.Searchable)),
				Str(strings.Join(s.usedBy(rt.Name, f.Name), ", ")), Str(strings.Join(s.rulesOf(rt.Name, ""), ", "))})
		}
	}
	return t
}

// recipients lists the other handlers data is provided to, flagging those
// abroad (PIPL Art. 23, 39; GDPR Art. 30(1)(d), (e)).
func (s processing) recipients() Table {
	t := Table{ID: "recipients", Columns: cols("purpose", Code, "recipient", Code, "contact", Code, "country", Code, "abroad", Term, "article", Code)}
	for _, p := range s.p.Purposes {
		cross := slices.Contains(p.Separate, consent.TriggerCrossBorder)
		for _, r := range p.Recipients {
			abroad := cross || (r.Country != "" && r.Country != "CN")
			article := "PIPL 23"
			if abroad {
				article = "PIPL 39"
			}
			t.Rows = append(t.Rows, []Cell{Str(string(p.ID)), Str(r.Name), Str(r.Contact), Str(r.Country), Str(yesNo(abroad)), Str(article)})
		}
	}
	return t
}

// retention lists the rules: how long each record type is kept and what
// happens then (PIPL Art. 19, 47; GDPR Art. 30(1)(f); AML Art. 34).
func (s processing) retention() Table {
	t := Table{ID: "retention", Columns: cols(
		"rule", Code, "record-type", Code, "purpose", Code, "start", Code, "min", Code, "max", Code,
		"expiry", Code, "restrict-after", Code, "body", Code, "law", Code)}
	if s.p.Retention == nil {
		return t
	}
	for _, r := range s.p.Retention.Rules {
		t.Rows = append(t.Rows, []Cell{Str(r.Name), Str(r.RecordType), Str(string(r.Purpose)), Str(r.Start.String()),
			Str(period(r.Min)), Str(period(r.Max)), Str(r.Expiry.String()), Str(period(r.RestrictAfter)), Str(r.Body), Str(r.Law)})
	}
	return t
}

// findings flags what the policies leave out: a purpose whose data no
// retention rule limits (PIPL Art. 19; GDPR Art. 5(1)(e)) and a field no
// purpose uses (PIPL Art. 6, minimum necessary).
func (s processing) findings() []Finding {
	var out []Finding
	if s.p.Retention == nil {
		out = append(out, Finding{Severity: Gap, Section: "processing", Code: "no-retention-policy", Article: "PIPL 19"})
	}
	for _, p := range s.p.Purposes {
		for _, typ := range slices.Sorted(maps.Keys(p.Fields)) {
			if len(s.rulesOf(typ, string(p.ID))) == 0 {
				out = append(out, Finding{Severity: Gap, Section: "processing", Code: "purpose-without-retention",
					Args: []string{string(p.ID), typ}, Article: "PIPL 19"})
			}
		}
	}
	for _, rt := range s.p.Schema.Types {
		for _, f := range rt.Fields {
			if len(s.usedBy(rt.Name, f.Name)) == 0 {
				out = append(out, Finding{Severity: Gap, Section: "processing", Code: "field-unused",
					Args: []string{rt.Name + "." + f.Name}, Article: "PIPL 6"})
			}
		}
	}
	return out
}

// usedBy returns the purposes that name the field.
func (s processing) usedBy(typ, field string) []string {
	var out []string
	for _, p := range s.p.Purposes {
		if slices.Contains(p.Fields[typ], field) {
			out = append(out, string(p.ID))
		}
	}
	return out
}

// rulesOf returns the retention rules that keep typ for purpose: rules of
// the type for that purpose or for every purpose. An empty purpose asks
// for every rule of the type.
func (s processing) rulesOf(typ, purpose string) []string {
	if s.p.Retention == nil {
		return nil
	}
	var out []string
	for _, r := range s.p.Retention.Rules {
		if r.RecordType == typ && (purpose == "" || r.Purpose == "" || string(r.Purpose) == purpose) {
			out = append(out, r.Name)
		}
	}
	return out
}

func period(p retention.Period) string {
	if p.IsZero() {
		return ""
	}
	return p.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// days writes a duration as whole days and the rest, such as "365d".
func days(d time.Duration) string {
	n := d / (24 * time.Hour)
	if rest := d - n*24*time.Hour; rest != 0 {
		return fmt.Sprintf("%dd%s", n, rest)
	}
	return fmt.Sprintf("%dd", n)
}
