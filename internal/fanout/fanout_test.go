package fanout_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/custos-go/custos/internal/fanout"
)

func TestEachCallsEveryIndexOnceWithinTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, limit int
	}{{"none", 0, 0}, {"one", 1, 0}, {"sequential", 10, 1}, {"bounded", 100, 3}, {"default", 1000, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			calls := make([]int, tc.n)
			running, peak := 0, 0
			fanout.Each(tc.n, tc.limit, func(i int) {
				mu.Lock()
				calls[i]++
				running++
				peak = max(peak, running)
				mu.Unlock()
				mu.Lock()
				running--
				mu.Unlock()
			})
			for i, c := range calls {
				assert.Equal(t, 1, c, "index %d", i)
			}
			limit := tc.limit
			if limit <= 0 {
				limit = fanout.Limit
			}
			assert.LessOrEqual(t, peak, limit)
		})
	}
}
