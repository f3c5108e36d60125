package retention

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// Due lists the clocks a sweep at `before` would look at, in due-date
// order, read batch clocks per store call (0 means 256) through the
// store's due-date index: its cost follows the clocks listed, never the
// number of customers, and memory stays bounded. Clocks waiting for other
// clocks of their customer are not listed. A store error ends the
// sequence with that error.
func (r *Retention) Due(ctx context.Context, before time.Time, batch int) iter.Seq2[Clock, error] {
	return DueIn(ctx, r.store, before, batch)
}

// DueIn is Retention.Due on a Store alone, for tools that list what is due
// without a vault, such as the operator command line.
func DueIn(ctx context.Context, store Store, before time.Time, batch int) iter.Seq2[Clock, error] {
	if batch <= 0 {
		batch = 256
	}
	return func(yield func(Clock, error) bool) {
		after := DueKey{}
		for {
			page, err := store.DueClocks(ctx, before, after, batch)
			if err != nil {
				yield(Clock{}, fmt.Errorf("retention: read due clocks: %w", err))
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if len(page) < batch {
				return
			}
			last := page[len(page)-1]
			after = DueKey{Next: last.Next, Subject: last.Subject, Rule: last.Rule}
		}
	}
}
