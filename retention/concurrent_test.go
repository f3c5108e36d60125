package retention_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// TestTwoSweepersOnOneStore runs two sweepers at once over the same due
// customers, one handling a customer at a time and one four: each
// customer is destroyed once, with one certificate kept, whichever sweeper
// got there first.
func TestTwoSweepersOnOneStore(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, b := f.retention(), f.retention()
	var subjects []custos.SubjectID
	for i := range 20 {
		s := custos.SubjectID(fmt.Sprintf("c-%02d", i))
		subjects = append(subjects, s)
		f.customer(s, "transaction")
		require.NoError(t, a.Report(ctx, retention.Event{Subject: s, Kind: retention.EventTransaction, At: t0}))
	}
	at := t0.AddDate(10, 0, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	certs := map[custos.SubjectID]int{}
	for i, r := range []*retention.Retention{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.Sweep(ctx, retention.SweepOptions{At: at, Batch: 3, Workers: 1 + 3*i, Outcome: func(o retention.Outcome) error {
				if o.Certificate != nil {
					mu.Lock()
					certs[o.Subject]++
					mu.Unlock()
				}
				return nil
			}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	want := map[custos.SubjectID]int{}
	for _, s := range subjects {
		want[s] = 1
		assert.Equal(t, custos.SubjectForgotten, f.state(s))
		_, err := f.db.Retention().GetDestruction(ctx, f.ref(s))
		assert.NoError(t, err, "certificate kept")
	}
	assert.Equal(t, want, f.forgets(), "destroyed once each")
	assert.Equal(t, want, certs, "one certificate each")
}
