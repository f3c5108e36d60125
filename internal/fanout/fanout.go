// Package fanout runs the same step for many items at once.
package fanout

import "golang.org/x/sync/errgroup"

// Limit is how many calls Each runs at once when given 0: as many as
// the SQLite group writer commits together (storage/sqlstore), so that one
// step of a batch costs one commit there.
const Limit = 256

// Each calls fn(i) for every i in [0, n), at most limit at once (Limit
// when limit <= 0), and returns once every call has returned. fn reports
// its own outcome, typically into a slice indexed by i.
func Each(n, limit int, fn func(i int)) {
	if limit <= 0 {
		limit = Limit
	}
	if n == 1 || limit == 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var g errgroup.Group
	g.SetLimit(limit)
	for i := range n {
		g.Go(func() error { fn(i); return nil })
	}
	_ = g.Wait() // fn returns no error
}
