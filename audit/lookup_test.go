package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// countingIndex records the index lookups a query makes.
type countingIndex struct {
	audit.IndexedStore
	mu     sync.Mutex
	limits []int
	scans  int
}

func (c *countingIndex) ActorLeaves(ctx context.Context, q audit.ActorLookup, from audit.Position, limit int) ([]audit.Leaf, error) {
	c.mu.Lock()
	c.limits = append(c.limits, limit)
	c.mu.Unlock()
	return c.IndexedStore.ActorLeaves(ctx, q, from, limit)
}

func (c *countingIndex) RefLeaves(ctx context.Context, period string, ref []byte, from uint64, limit int) ([]audit.Leaf, error) {
	c.mu.Lock()
	c.limits = append(c.limits, limit)
	c.mu.Unlock()
	return c.IndexedStore.RefLeaves(ctx, period, ref, from, limit)
}

func (c *countingIndex) ReadLeaves(ctx context.Context, from uint64, limit int) ([]audit.Leaf, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.IndexedStore.ReadLeaves(ctx, from, limit)
}

func (c *countingIndex) reset() (limits []int, scans int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	limits, scans = c.limits, c.scans
	c.limits, c.scans = nil, 0
	return limits, scans
}

// TestQueryThroughIndexes shows that on an indexed store a query by actor,
// role or customer reads the index in pages and never scans the log, and
// that breaking out of the loop stops the reading.
func TestQueryThroughIndexes(t *testing.T) {
	s := &countingIndex{IndexedStore: memstore.New().Audit().(audit.IndexedStore)}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 2000) // clerk-i%3 reads C(i%7) at t0+i s
	s.reset()

	for name, q := range map[string]audit.Query{
		"actor":    {Actor: "clerk-1"},
		"role":     {Role: "clerk", Until: t0.Add(1900 * time.Second)},
		"customer": {Subject: "C4", Action: custos.ActionGet},
	} {
		t.Run(name, func(t *testing.T) {
			n := len(collect(t, l, q))
			limits, scans := s.reset()
			assert.Zero(t, scans, "the log is not scanned")
			assert.GreaterOrEqual(t, len(limits), 2, "the answer is read in pages")
			for _, lim := range limits {
				assert.LessOrEqual(t, lim, 256, "each page is bounded")
			}
			assert.Positive(t, n)
		})
	}

	t.Run("stopping early stops the reading", func(t *testing.T) {
		n := 0
		for _, err := range l.Query(context.Background(), auditor, audit.Query{Actor: "clerk-2"}) {
			require.NoError(t, err)
			if n++; n == 3 {
				break
			}
		}
		limits, _ := s.reset()
		assert.Len(t, limits, 1, "one page read for three matches")
	})

	t.Run("by actor, in order of time", func(t *testing.T) {
		ctx := context.Background()
		e := event(1)
		e.Time = t0.Add(-time.Hour) // decided before everything logged so far
		late, err := l.Append(ctx, e)
		require.NoError(t, err)
		ms := collect(t, l, audit.Query{Actor: "clerk-1", Limit: 2})
		require.Len(t, ms, 2)
		assert.Equal(t, []uint64{late, 1}, indexes(ms))
	})

	t.Run("an unknown actor: no match, no error", func(t *testing.T) {
		assert.Empty(t, collect(t, l, audit.Query{Actor: "nobody", Since: t0, Until: t0.Add(time.Hour)}))
	})
}
