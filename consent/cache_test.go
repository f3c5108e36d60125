package consent_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// countingStore counts consent reads.
type countingStore struct {
	consent.Store
	reads atomic.Int64
}

func (c *countingStore) GetConsent(ctx context.Context, s custos.SubjectID, p custos.PurposeID) (consent.Record, error) {
	c.reads.Add(1)
	return c.Store.GetConsent(ctx, s, p)
}

// TestCheckerReusesAnswersOnlyForTheSameAuthVersion: a request carrying the
// store's authorization version reuses the record read under that version,
// any other version reads again, and requests without one always read.
func TestCheckerReusesAnswersOnlyForTheSameAuthVersion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	counting := &countingStore{Store: f.store}
	reg := f.registry(func(c *consent.Config) { c.Store = counting })
	require.NoError(t, reg.Grant(ctx, f.act("C-0001", marketing)))

	ask := func(version int64) consent.Decision {
		d, err := reg.Checker().Authorize(ctx, consent.Request{
			Access: custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: marketing},
			Action: custos.ActionGet, Subject: "C-0001", RecordType: "customer", Fields: []string{"mobile"}, AuthVersion: version,
		})
		require.NoError(t, err)
		return d
	}
	base := counting.reads.Load()
	for range 100 {
		assert.True(t, ask(7).Allowed)
	}
	assert.Equal(t, int64(1), counting.reads.Load()-base, "one read for 100 checks at version 7")

	// The withdrawal goes through another registry: the store's version
	// for the customer changes with it, and the next check reads again.
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", marketing)))
	d := ask(8)
	assert.False(t, d.Allowed)
	assert.Equal(t, "consent-withdrawn", d.Reason)
	assert.Equal(t, int64(2), counting.reads.Load()-base)

	for range 3 {
		ask(0)
	}
	assert.Equal(t, int64(5), counting.reads.Load()-base, "without a version, every check reads")

	off := f.registry(func(c *consent.Config) { c.Store = counting; c.CacheEntries = -1 })
	_, err := off.Checker().Authorize(ctx, consent.Request{
		Access: custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: marketing},
		Action: custos.ActionGet, Subject: "C-0001", RecordType: "customer", Fields: []string{"mobile"}, AuthVersion: 8,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(6), counting.reads.Load()-base, "a disabled cache reads every time")
}
