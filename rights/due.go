package rights

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// Overdue lists the open requests whose due time has come at `at`, most
// overdue first, read batch per store call (0 means 256) through the
// store's due index: its cost follows the requests listed, never the
// number of requests stored (rule R7).
func (d *Desk) Overdue(ctx context.Context, at time.Time, batch int) iter.Seq2[Request, error] {
	return DueIn(ctx, d.store, DueKey{}, at.UTC(), batch, nil)
}

// DueSoon lists the open requests not yet overdue at `at` that fall due
// within their regime's Soon window (7 days unless set), soonest first,
// through the due index.
func (d *Desk) DueSoon(ctx context.Context, at time.Time, batch int) iter.Seq2[Request, error] {
	at = at.UTC().Truncate(time.Microsecond)
	until := at.AddDate(0, d.maxSoon.Months, d.maxSoon.Days)
	keep := func(r Request) bool {
		g, ok := d.regimes[r.Regime]
		if !ok {
			return true
		}
		s := g.soon()
		return !r.Due.After(at.AddDate(0, s.Months, s.Days))
	}
	return DueIn(ctx, d.store, DueKey{Due: at.Add(time.Microsecond)}, until, batch, keep)
}

// Open lists every open request due not after until, soonest first.
func (d *Desk) Open(ctx context.Context, until time.Time, batch int) iter.Seq2[Request, error] {
	return DueIn(ctx, d.store, DueKey{}, until.UTC(), batch, nil)
}

// DueIn lists open requests of a Store alone in due order, from `from`
// (exclusive) through until (inclusive), those keep accepts (nil keeps
// all), for tools that list without a Desk, such as the command line.
// A store error ends the sequence with that error.
func DueIn(ctx context.Context, store Store, from DueKey, until time.Time, batch int, keep func(Request) bool) iter.Seq2[Request, error] {
	if batch <= 0 {
		batch = 256
	}
	return func(yield func(Request, error) bool) {
		after := from
		for {
			page, err := store.Due(ctx, until, after, batch)
			if err != nil {
				yield(Request{}, fmt.Errorf("rights: read due requests: %w", err))
				return
			}
			for _, r := range page {
				if keep != nil && !keep(r) {
					continue
				}
				if !yield(r, nil) {
					return
				}
			}
			if len(page) < batch {
				return
			}
			last := page[len(page)-1]
			after = DueKey{Due: last.Due, ID: last.ID}
		}
	}
}
