package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// clocks starts and restarts clocks from events; Retention and
// ConsentRecorder share it.
type clocks struct {
	rules []Rule
	store Store
	clock custos.Clock
}

// clockFor returns the clock rule r runs for subject from an event at t:
// its statutory minimum, its maximum, and when a sweep first looks at it
// (PIPL Art. 19, 47; AML Art. 34).
func clockFor(r Rule, subject custos.SubjectID, t time.Time) Clock {
	c := Clock{Subject: subject, Rule: r.Name, RecordType: r.RecordType, Started: t, Due: r.Max.After(t)}
	if !r.Min.IsZero() {
		c.Keep = r.Min.After(t)
	}
	c.Next = c.Due
	if r.Expiry == RestrictThenDestroy {
		c.Next = r.RestrictAfter.After(t)
	}
	return c
}

// start starts or restarts the clock of every rule the event starts, and
// returns how many rules it matched. A clock already started by a later
// event keeps that start.
func (c *clocks) start(ctx context.Context, e Event) (int, error) {
	n := 0
	for _, r := range c.rules {
		if r.Start.Event != e.Kind || r.Start.Purpose != e.Purpose || e.RecordType != "" && r.RecordType != e.RecordType {
			continue
		}
		n++
		if _, err := c.store.PutClock(ctx, clockFor(r, e.Subject, e.At.UTC().Truncate(time.Microsecond))); err != nil {
			return n, fmt.Errorf("retention: store clock: %w", err)
		}
	}
	return n, nil
}
