package vault_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/vault"
)

func TestPlanIndexKeepsTheBudget(t *testing.T) {
	for _, n := range []int{16, 17, 100, 1000, 10_000, 100_000, 1_000_000, 50_000_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			lb, err := vault.PlanIndex(n)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, lb.PerValue, 2.0, "every value is shared")
			assert.Less(t, lb.PerValue, lb.Bound, "fewer than √N per value")
			assert.Less(t, lb.PerValue, 4.0, "the longest such values: at most 4 candidates per lookup")
			assert.Equal(t, int64(1)<<lb.Bits, lb.Buckets)
		})
	}
	for _, n := range []int{-1, 0, 4, 15} {
		_, err := vault.PlanIndex(n)
		assert.ErrorIs(t, err, vault.ErrConfig, "population %d", n)
	}
	lb, _ := vault.PlanIndex(100_000)
	assert.Equal(t, "100000 customers, 15-bit index values: 32768 buckets, 3.1 customers per value (bound 316)", lb.String())
}
