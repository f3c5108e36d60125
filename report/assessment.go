package report

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// Case is the circumstance of PIPL Art. 55 that makes a personal
// information protection impact assessment necessary before processing.
type Case string

// The cases of PIPL Art. 55.
const (
	CaseSensitive   Case = "sensitive"    // 55(1): processing sensitive personal information
	CaseAutomated   Case = "automated"    // 55(2): automated decision-making
	CaseProvision   Case = "provision"    // 55(3): entrusting, providing to another handler, disclosing (a company transfer, PIPL 22, 23)
	CaseCrossBorder Case = "cross-border" // 55(4): providing abroad
	CaseOther       Case = "other"        // 55(5): other processing with a major impact on individuals
)

var cases = map[Case]string{CaseSensitive: "PIPL 55(1)", CaseAutomated: "PIPL 55(2)", CaseProvision: "PIPL 55(3)", CaseCrossBorder: "PIPL 55(4)", CaseOther: "PIPL 55(5)"}

// The questions PIPL Art. 56 requires an assessment to answer; the host
// answers them in Plan.Answers by these IDs.
const (
	// QuestionLawful: are the purpose and method lawful, legitimate and
	// necessary (PIPL 56(1))?
	QuestionLawful = "lawful"
	// QuestionImpact: what is the impact on the individuals' rights and
	// what are the security risks (PIPL 56(2))?
	QuestionImpact = "impact"
	// QuestionMeasures: are the protection measures lawful, effective and
	// proportionate to the risk (PIPL 56(3))?
	QuestionMeasures = "measures"
)

var questions = []string{QuestionLawful, QuestionImpact, QuestionMeasures}

// Plan is a planned processing the report drafts an impact assessment for
// (PIPL Art. 55, 56): the figures are filled from the policies, the
// questions only the host can answer are left visible until answered.
// The report and the assessment are kept at least 3 years (PIPL Art. 56
// ¶2; rule T5).
type Plan struct {
	// ID names the plan, such as "transfer-2027": lower-case letters,
	// digits, '-' and '_', at most 64.
	ID string
	// Case is why an assessment is needed.
	Case Case
	// Purposes are the purposes whose data the plan processes.
	Purposes []custos.PurposeID
	// Recipient, if set, is who receives the data, such as the acquirer
	// of a company transfer.
	Recipient *consent.Recipient
	// Answers are the host's answers to the questions of PIPL Art. 56,
	// by question ID (QuestionLawful, QuestionImpact, QuestionMeasures).
	Answers map[string]consent.Text
}

var planID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func (p Plan) validate() error {
	switch {
	case !planID.MatchString(p.ID):
		return fmt.Errorf("plan id is not a valid name")
	case cases[p.Case] == "":
		return fmt.Errorf("plan %s: case %q is not one of PIPL Art. 55", p.ID, p.Case)
	case len(p.Purposes) == 0:
		return fmt.Errorf("plan %s names no purpose", p.ID)
	}
	for q := range p.Answers {
		if !slices.Contains(questions, q) {
			return fmt.Errorf("plan %s answers unknown question %q", p.ID, q)
		}
	}
	return nil
}

// assessments drafts the impact assessment of each plan.
type assessments struct {
	p     *Policies
	plans []Plan
}

func (s assessments) Section(_ context.Context, _ time.Time) (Section, []Finding, error) {
	byID := map[custos.PurposeID]consent.Purpose{}
	for _, p := range s.p.Purposes {
		byID[p.ID] = p
	}
	classes := map[string]custos.Class{}
	for _, t := range s.p.Schema.Types {
		for _, f := range t.Fields {
			classes[t.Name+"."+f.Name] = f.Class
		}
	}
	sec := Section{ID: "assessment"}
	var fs []Finding
	for _, plan := range s.plans {
		t := Table{ID: "assessment-" + plan.ID, Title: "assessment", Args: []string{plan.ID},
			Columns: cols("item", Term, "value", Code, "answer", Local)}
		add := func(item, value string) { t.Rows = append(t.Rows, []Cell{Str("assess." + item), Str(value), {}}) }
		add("case", string(plan.Case)+" ("+cases[plan.Case]+")")
		var bases, fields, sensitive, recipients, rules []string
		for _, id := range plan.Purposes {
			p, ok := byID[id]
			if !ok {
				return Section{}, nil, fmt.Errorf("%w: plan %s names unknown purpose %q", ErrConfig, plan.ID, id)
			}
			bases = append(bases, fmt.Sprintf("%s: %s (%s; %s)", id, p.Basis, p.Basis.PIPL(), p.Basis.GDPR()))
			for _, typ := range slices.Sorted(maps.Keys(p.Fields)) {
				for _, f := range p.Fields[typ] {
					name := typ + "." + f
					c := classes[name]
					fields = append(fields, name+" ("+c.String()+")")
					if c.Sensitive {
						sensitive = append(sensitive, name)
					}
				}
				rules = append(rules, processing{s.p}.rulesOf(typ, string(id))...)
			}
			for _, r := range p.Recipients {
				recipients = append(recipients, r.Name+" "+r.Country)
			}
		}
		if r := plan.Recipient; r != nil {
			recipients = append(recipients, r.Name+" "+r.Country)
		}
		add("bases", strings.Join(bases, "; "))
		add("fields", strings.Join(uniq(fields), ", "))
		add("sensitive", strings.Join(uniq(sensitive), ", "))
		add("recipients", strings.Join(uniq(recipients), ", "))
		add("retention", strings.Join(uniq(rules), ", "))
		add("keep", "3y (PIPL 56)")
		for _, q := range questions {
			a, ok := plan.Answers[q]
			row := []Cell{Str("question." + q), Str("PIPL 56"), Text(a)}
			if !ok || a == (consent.Text{}) {
				row[2] = Cell{}
				fs = append(fs, Finding{Severity: Open, Section: "assessment", Code: "question-open", Args: []string{plan.ID, q}, Article: "PIPL 56"})
			}
			t.Rows = append(t.Rows, row)
		}
		sec.Tables = append(sec.Tables, t)
	}
	return sec, fs, nil
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
