package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/retention"
)

// retentionState reports what retention has to do and has done: clocks due
// in each of the coming months, read through the store's due-date index
// (cost follows the clocks due, not the customers held), and destructions
// per month (PIPL Art. 19, 47; GDPR Art. 5(1)(e)).
type retentionState struct {
	store  retention.Store
	months int
}

func (s retentionState) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	ahead := monthsFrom(at, s.months)
	due := make([]int64, ahead.n)
	var dueNow int64
	for c, err := range retention.DueIn(ctx, s.store, ahead.end().Add(-time.Nanosecond), 0) {
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: %w", err)
		}
		switch i := ahead.index(c.Next); {
		case !c.Next.After(at):
			dueNow++ // due at the next sweep
		case i >= 0 && i < ahead.n:
			due[i]++
		}
	}
	dueT := Table{ID: "retention-due", Columns: cols("month", Code, "due", Count)}
	for i, n := range due {
		dueT.Rows = append(dueT.Rows, []Cell{Str(ahead.label(i)), Num(n)})
	}
	past := monthsTo(at, s.months)
	done := make([]int64, past.n)
	var total int64
	after := ""
	for {
		page, err := s.store.Destructions(ctx, after, 256)
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: read destructions: %w", err)
		}
		for _, d := range page {
			total++
			if i := past.index(d.At); i >= 0 && i < past.n {
				done[i]++
			}
		}
		if len(page) < 256 {
			break
		}
		after = page[len(page)-1].Ref
	}
	doneT := Table{ID: "destructions", Columns: cols("month", Code, "destroyed", Count)}
	for i, n := range done {
		doneT.Rows = append(doneT.Rows, []Cell{Str(past.label(i)), Num(n)})
	}
	sum := Table{ID: "retention-summary", Columns: cols("item", Term, "value", Count)}
	sum.Rows = [][]Cell{
		{Str("retention.due-now"), Num(dueNow)},
		{Str("retention.destroyed-total"), Num(total)},
	}
	return Section{ID: "retention", Tables: []Table{sum, dueT, doneT}, Charts: []Chart{
		{ID: "retention-due", Table: "retention-due", Series: []string{"due"}},
		{ID: "destructions", Table: "destructions", Series: []string{"destroyed"}},
	}}, nil, nil
}
