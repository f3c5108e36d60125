package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/incident"
)

// incidents reports the incident register: each incident's kind, grade,
// phase and people concerned, and each obligation it owes — the reports to
// the CAC, the supervisory authority and the individuals — met, open,
// overdue, delayed with reasons or exempt (PIPL Art. 57; GDPR Art. 33, 34;
// CAC reporting measures). Drills are shown as drills and owe nothing.
type incidents struct{ store incident.Store }

var obligationStatuses = []incident.Status{incident.StatusMet, incident.StatusOpen, incident.StatusOverdue, incident.StatusDelayed, incident.StatusExempt}

func (s incidents) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	list := Table{ID: "incidents", Columns: cols("incident", Code, "kind", Code, "grade", Code, "phase", Code, "drill", Term,
		"detected", Time, "aware", Time, "people", Count, "records", Count, "met", Count, "open", Count, "overdue", Count, "delayed", Count, "exempt", Count)}
	obl := Table{ID: "obligations", Columns: cols("incident", Code, "obligation", Code, "regime", Code, "duty", Code, "to", Code,
		"due", Time, "met-at", Time, "status", Term)}
	timeline := Table{ID: "incident-timeline", Columns: cols("obligation", Code, "due-hours", Count, "met-hours", Count)}
	var fs []Finding
	after := ""
	for {
		page, err := s.store.List(ctx, after, pageSize)
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: list incidents: %w", err)
		}
		for _, rec := range page {
			inc, err := incident.Decode(rec.Body)
			if err != nil {
				return Section{}, nil, fmt.Errorf("report: incident %s: %w", rec.ID, err)
			}
			if inc.Detected.After(at) {
				continue
			}
			n := map[incident.Status]int64{}
			for _, o := range inc.Obligations {
				st := o.Status(at)
				n[st]++
				obl.Rows = append(obl.Rows, []Cell{Str(inc.ID), Str(o.ID), Str(string(o.Regime)), Str(string(o.Duty)), Str(o.To),
					When(o.Due), When(o.Met), Str("obligation." + string(st))})
				metHours := int64(0)
				if !o.Met.IsZero() {
					metHours = int64(o.Met.Sub(inc.Detected).Hours() + 0.5)
				}
				timeline.Rows = append(timeline.Rows, []Cell{Str(inc.ID + " " + o.ID), Num(int64(o.Due.Sub(inc.Detected).Hours() + 0.5)), Num(metHours)})
				if st == incident.StatusOverdue && !inc.Drill {
					fs = append(fs, Finding{Severity: Failure, Section: "incident", Code: "incident-obligation-overdue",
						Args: []string{inc.ID, o.ID}, Article: obligationArticle(o.Regime)})
				}
			}
			row := []Cell{Str(inc.ID), Str(string(inc.Kind)), Str(inc.Grade.String()), Str(inc.State.String()), Str(yesNo(inc.Drill)),
				When(inc.Detected), When(inc.Aware), Num(inc.People), Num(inc.Records)}
			for _, st := range obligationStatuses {
				row = append(row, Num(n[st]))
			}
			list.Rows = append(list.Rows, row)
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].ID
	}
	return Section{ID: "incident", Tables: []Table{list, obl, timeline},
		Charts: []Chart{{ID: "incident-timeline", Table: "incident-timeline", Series: []string{"due-hours", "met-hours"}}}}, fs, nil
}

func obligationArticle(g incident.Regime) string {
	switch g {
	case incident.RegimeCAC:
		return "CAC incident reporting measures"
	case incident.RegimeGDPR:
		return "GDPR 33, 34"
	}
	return "PIPL 57"
}
