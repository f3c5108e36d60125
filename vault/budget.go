package vault

import (
	"fmt"
	"math"
	"math/bits"
)

// LeakageBudget is how much a blind index reveals. An index value is a PRF
// output truncated to Bits bits, so values collide on purpose: a value
// found in the index points at about PerValue customers, never at one
// (frequency analysis learns buckets, not people), while Find still narrows
// N customers down to a handful to decrypt and check.
type LeakageBudget struct {
	// Customers is the expected number of customers, N.
	Customers int
	// Bits is the length of index values.
	Bits int
	// Buckets is 2^Bits, the number of distinct index values.
	Buckets int64
	// PerValue is N / Buckets: the average number of customers sharing one
	// index value, and so the candidates Find decrypts per lookup.
	PerValue float64
	// Bound is √N, which PerValue stays below so that a lookup stays cheap.
	Bound float64
}

// MinCustomers is the smallest population a blind index can hide in: below
// it, no length gives at least 2 and fewer than √N customers per value.
const MinCustomers = 16

// PlanIndex chooses the index value length for an expected population of
// n customers: the most bits that still leave at least 2 customers per
// value on average, which also keeps fewer than √n per value. Plan for the
// population the deployment will reach: with fewer customers values are
// shared by fewer (down to one), with many more Find decrypts more
// candidates.
func PlanIndex(n int) (LeakageBudget, error) {
	if n < MinCustomers {
		return LeakageBudget{}, fmt.Errorf("%w: blind indexes need an expected population of at least %d customers", ErrConfig, MinCustomers)
	}
	b := bits.Len64(uint64(n/2)) - 1 // the largest b with 2^b <= n/2
	lb := LeakageBudget{Customers: n, Bits: b, Buckets: 1 << b, Bound: math.Sqrt(float64(n))}
	lb.PerValue = float64(n) / float64(lb.Buckets)
	if lb.PerValue < 2 || lb.PerValue >= lb.Bound {
		return LeakageBudget{}, fmt.Errorf("%w: no index length fits %d customers", ErrConfig, n)
	}
	return lb, nil
}

// String summarizes the budget for logs and operators.
func (lb LeakageBudget) String() string {
	return fmt.Sprintf("%d customers, %d-bit index values: %d buckets, %.1f customers per value (bound %.0f)",
		lb.Customers, lb.Bits, lb.Buckets, lb.PerValue, lb.Bound)
}
