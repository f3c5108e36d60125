package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/rights"
)

// RightsState is how the report reads the data-subject requests.
type RightsState struct {
	// Store is the rights desk's store: open requests through its due
	// index, every request through its list by id.
	Store rights.Store
	// Regimes are the clock policies the desk runs (rights.GDPR(),
	// rights.PIPL(...)), stated in the report and giving each regime's
	// due-soon window.
	Regimes []rights.Regime
}

// rightsState reports data-subject requests: open, due soon and overdue
// per kind (through the due index), and how long closed ones took to
// answer (PIPL Art. 44–50; GDPR Art. 12(3), 15–22). Requests are counted,
// never named.
type rightsState struct {
	r      *RightsState
	months int
}

// answerBuckets are the upper bounds, in days, of the answer-time
// histogram; the last bucket is open.
var answerBuckets = []struct {
	id   string
	days int
}{{"le-7d", 7}, {"le-14d", 14}, {"le-30d", 30}, {"le-60d", 60}, {"le-90d", 90}, {"gt-90d", 0}}

// clockBuckets split open requests by the time left before they are due.
var clockBuckets = []struct {
	id   string
	days int
}{{"overdue", 0}, {"le-7d", 7}, {"le-14d", 14}, {"le-30d", 30}, {"gt-30d", -1}}

func (s rightsState) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	soon := map[string]rights.Period{}
	regimes := Table{ID: "rights-regimes", Columns: cols("regime", Code, "period", Code, "extension", Code, "soon", Code, "law", Code)}
	for _, g := range s.r.Regimes {
		w := g.Soon
		if w.IsZero() {
			w = rights.Days(7)
		}
		soon[g.Name] = w
		ext := ""
		if !g.Extension.IsZero() {
			ext = g.Extension.String()
		}
		regimes.Rows = append(regimes.Rows, []Cell{Str(g.Name), Str(g.Period.String()), Str(ext), Str(w.String()), Str(g.Law)})
	}
	type counts struct{ open, soon, overdue, late, closed int64 }
	byKind := map[rights.Kind]*counts{}
	kindOf := func(k rights.Kind) *counts {
		if byKind[k] == nil {
			byKind[k] = &counts{}
		}
		return byKind[k]
	}
	clock := make([]int64, len(clockBuckets))
	far := at.AddDate(100, 0, 0)
	for r, err := range rights.DueIn(ctx, s.r.Store, rights.DueKey{}, far, pageSize, nil) {
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: %w", err)
		}
		c := kindOf(r.Kind)
		c.open++
		w, ok := soon[r.Regime]
		if !ok {
			w = rights.Days(7)
		}
		switch {
		case !r.Due.After(at):
			c.overdue++
		case !r.Due.After(at.AddDate(0, w.Months, w.Days)):
			c.soon++
		}
		clock[clockBucket(r.Due.Sub(at))]++
	}
	answered := make([]int64, len(answerBuckets))
	past := monthsTo(at, s.months)
	closedPerMonth := make([]int64, past.n)
	after := ""
	for {
		page, err := s.r.Store.List(ctx, after, pageSize)
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: list requests: %w", err)
		}
		for _, r := range page {
			if !r.State.Closed() || r.Closed.After(at) {
				continue
			}
			c := kindOf(r.Kind)
			c.closed++
			if r.Closed.After(r.Due) || r.Closed.Equal(r.Due) {
				c.late++
			}
			answered[answerBucket(r.Closed.Sub(r.Received))]++
			if i := past.index(r.Closed); i >= 0 && i < past.n {
				closedPerMonth[i]++
			}
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].ID
	}
	kinds := Table{ID: "rights-kinds", Columns: cols("kind", Code, "article", Code, "open", Count, "due-soon", Count, "overdue", Count, "closed", Count, "late", Count)}
	var overdue, late int64
	for k := rights.Access; k.Valid(); k++ {
		c := kindOf(k)
		overdue += c.overdue
		late += c.late
		kinds.Rows = append(kinds.Rows, []Cell{Str(k.String()), Str(k.Article()), Num(c.open), Num(c.soon), Num(c.overdue), Num(c.closed), Num(c.late)})
	}
	clocks := Table{ID: "rights-clocks", Columns: cols("time-left", Term, "requests", Count)}
	for i, b := range clockBuckets {
		clocks.Rows = append(clocks.Rows, []Cell{Str("left." + b.id), Num(clock[i])})
	}
	answers := Table{ID: "rights-answer-times", Columns: cols("answered-in", Term, "requests", Count)}
	for i, b := range answerBuckets {
		answers.Rows = append(answers.Rows, []Cell{Str("took." + b.id), Num(answered[i])})
	}
	closed := Table{ID: "rights-closed", Columns: cols("month", Code, "closed", Count)}
	for i, n := range closedPerMonth {
		closed.Rows = append(closed.Rows, []Cell{Str(past.label(i)), Num(n)})
	}
	var fs []Finding
	if overdue > 0 {
		fs = append(fs, Finding{Severity: Failure, Section: "rights", Code: "rights-overdue", Args: []string{fmt.Sprint(overdue)}, Article: "GDPR 12(3); PIPL 50"})
	}
	if late > 0 {
		fs = append(fs, Finding{Severity: Failure, Section: "rights", Code: "rights-late", Args: []string{fmt.Sprint(late)}, Article: "GDPR 12(3); PIPL 50"})
	}
	return Section{ID: "rights", Tables: []Table{regimes, kinds, clocks, answers, closed}, Charts: []Chart{
		{ID: "rights-clocks", Table: "rights-clocks", Series: []string{"requests"}},
		{ID: "rights-answer-times", Table: "rights-answer-times", Series: []string{"requests"}},
		{ID: "rights-closed", Table: "rights-closed", Series: []string{"closed"}},
	}}, fs, nil
}

// clockBucket returns the bucket of an open request with left time left.
func clockBucket(left time.Duration) int {
	if left <= 0 {
		return 0
	}
	for i, b := range clockBuckets[1:] {
		if b.days < 0 || left <= time.Duration(b.days)*24*time.Hour {
			return i + 1
		}
	}
	return len(clockBuckets) - 1
}

// answerBucket returns the bucket of a request answered after took.
func answerBucket(took time.Duration) int {
	for i, b := range answerBuckets {
		if b.days == 0 || took <= time.Duration(b.days)*24*time.Hour {
			return i
		}
	}
	return len(answerBuckets) - 1
}
