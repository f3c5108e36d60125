package audit

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
)

// lookupPage is how many leaves one indexed lookup reads per store call,
// and per period cursor of a lookup by customer.
const lookupPage = 256

// candidates calls fn with the stored leaves below size that may match q:
// through the store's indexes when it has them and q names a customer, an
// actor or a role, and every leaf otherwise. fn checks each leaf against q
// in full, so the index only narrows the reading. Leaves come in index
// order, except through the actor index: in (time, index) order.
func (l *Log) candidates(ctx context.Context, q Query, size uint64, fn func(Leaf) error) error {
	ix, ok := l.store.(IndexedStore)
	switch {
	case ok && q.Subject != "":
		return l.refCandidates(ctx, ix, q.Subject, size, fn)
	case ok && q.lookup().Keyed():
		return actorCandidates(ctx, ix, q.lookup(), size, fn)
	}
	return storeSource{l.store}.leaves(ctx, 0, size, fn)
}

// actorCandidates pages through the actor index.
func actorCandidates(ctx context.Context, ix IndexedStore, q ActorLookup, size uint64, fn func(Leaf) error) error {
	var from Position
	for {
		page, err := ix.ActorLeaves(ctx, q, from, lookupPage)
		if err != nil {
			return fmt.Errorf("audit: read entries by actor: %w", err)
		}
		for _, leaf := range page {
			at := Position{Time: leaf.Lookup.Time, Index: leaf.Index}
			if at.Before(from) {
				return tamperAt(leaf.Index, "store returned entries out of order")
			}
			from = Position{Time: at.Time, Index: at.Index + 1}
			if leaf.Index >= size {
				continue // appended after the checkpoint the answer is proved against
			}
			if err := fn(leaf); err != nil {
				return err
			}
		}
		if len(page) < lookupPage {
			return nil
		}
	}
}

// refCursor pages through one period's entries about one customer.
type refCursor struct {
	period string
	ref    []byte
	page   []Leaf
	next   uint64
	done   bool
}

func (c *refCursor) fill(ctx context.Context, ix IndexedStore, size uint64) error {
	if c.done || len(c.page) > 0 {
		return nil
	}
	page, err := ix.RefLeaves(ctx, c.period, c.ref, c.next, lookupPage)
	if err != nil {
		return fmt.Errorf("audit: read entries by customer: %w", err)
	}
	if len(page) < lookupPage {
		c.done = true
	}
	for i, leaf := range page {
		if leaf.Index < c.next || (i > 0 && leaf.Index <= page[i-1].Index) {
			return tamperAt(leaf.Index, "store returned entries out of order")
		}
		if leaf.Index >= size {
			page, c.done = page[:i], true
			break
		}
	}
	c.page = page
	if len(page) > 0 {
		c.next = page[len(page)-1].Index + 1
	}
	return nil
}

// refCandidates merges, in index order, the customer's entries of every
// period: one cursor of at most lookupPage leaves per period, so memory is
// bounded by the number of periods, not by the number of entries.
func (l *Log) refCandidates(ctx context.Context, ix IndexedStore, subject custos.SubjectID, size uint64, fn func(Leaf) error) error {
	periods, err := ix.RefPeriods(ctx)
	if err != nil {
		return fmt.Errorf("audit: read reference periods: %w", err)
	}
	cursors := make([]*refCursor, 0, len(periods))
	for _, p := range periods {
		ref, err := l.refs.ref(ctx, p, subject, false)
		if err != nil {
			return err
		}
		cursors = append(cursors, &refCursor{period: p, ref: ref})
	}
	for {
		var best *refCursor
		for _, c := range cursors {
			if err := c.fill(ctx, ix, size); err != nil {
				return err
			}
			if len(c.page) > 0 && (best == nil || c.page[0].Index < best.page[0].Index) {
				best = c
			}
		}
		if best == nil {
			return nil
		}
		leaf := best.page[0]
		best.page = best.page[1:]
		if err := fn(leaf); err != nil {
			return err
		}
	}
}
