package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/notify"
)

// OutboxCounter counts the notification outbox's messages by state;
// notify.Store implements it.
type OutboxCounter interface {
	Counts(ctx context.Context) (notify.Counts, error)
}

// outbox reports the notices owed: pending, delivered, dead (PIPL Art. 22,
// 57; GDPR Art. 34), from the store's counts.
type outbox struct{ o OutboxCounter }

func (s outbox) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	c, err := s.o.Counts(ctx)
	if err != nil {
		return Section{}, nil, fmt.Errorf("report: outbox counts: %w", err)
	}
	t := Table{ID: "outbox", Columns: cols("state", Term, "messages", Count)}
	for _, st := range notify.States() {
		t.Rows = append(t.Rows, []Cell{Str("outbox." + st.String()), Num(int64(c.ByState[st]))})
	}
	oldest := Table{ID: "outbox-oldest", Columns: cols("item", Term, "value", Time)}
	oldest.Rows = [][]Cell{{Str("outbox.oldest-pending"), When(c.OldestPending)}}
	var fs []Finding
	if n := c.ByState[notify.StateDead]; n > 0 {
		fs = append(fs, Finding{Severity: Failure, Section: "outbox", Code: "outbox-dead", Args: []string{fmt.Sprint(n)}, Article: "PIPL 22, 57"})
	}
	return Section{ID: "outbox", Tables: []Table{t, oldest},
		Charts: []Chart{{ID: "outbox", Table: "outbox", Series: []string{"messages"}}}}, fs, nil
}
