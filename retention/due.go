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
	return paged(batch, "read due clocks", func(after Clock, first bool, n int) ([]Clock, error) {
		k := DueKey{}
		if !first {
			k = DueKey{Next: after.Next, Subject: after.Subject, Rule: after.Rule}
		}
		return store.DueClocks(ctx, before, k, n)
	})
}

// paged streams the pages read returns, batch items at a time (0 means
// 256), each page after the last item of the one before; memory holds one
// page. A read error ends the sequence with that error, wrapped in what.
func paged[T any](batch int, what string, read func(after T, first bool, n int) ([]T, error)) iter.Seq2[T, error] {
	if batch <= 0 {
		batch = 256
	}
	return func(yield func(T, error) bool) {
		var last T
		first := true
		for {
			page, err := read(last, first, batch)
			if err != nil {
				var zero T
				yield(zero, fmt.Errorf("retention: %s: %w", what, err))
				return
			}
			for _, x := range page {
				if !yield(x, nil) {
					return
				}
			}
			if len(page) < batch {
				return
			}
			last, first = page[len(page)-1], false
		}
	}
}
