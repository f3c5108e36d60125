package retention_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

func TestEraseDuringAStatutoryPeriodRestricts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity", "marketing")

	o, err := r.Erase(ctx, "c-1", "req-42")
	require.NoError(t, err)
	assert.Equal(t, retention.Restricted, o.Kind)
	assert.Contains(t, o.Why, "aml-identity (AML Art. 34) until 2036-03-01")
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))
	restr, err := f.vault.Restriction(ctx, custos.Access{Actor: sweeper, Purpose: "retention"}, "c-1")
	require.NoError(t, err)
	assert.Contains(t, restr.Ground, "PIPL Art. 47 ¶2")
	assert.Empty(t, f.forgets(), "nothing destroyed while AML Art. 34 runs")

	clocks, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	require.Len(t, clocks, 2)
	for _, c := range clocks {
		assert.Equal(t, t0.AddDate(10, 0, 0), c.Due, "%s falls due the day the last statutory period ends", c.Rule)
	}

	_, out := sweepAt(t, r, t0.AddDate(9, 11, 0))
	assert.Empty(t, out)
	f.now = t0.AddDate(10, 0, 1)
	_, out = sweepAt(t, r, t0.AddDate(10, 0, 1))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Destroyed, out[0].Kind)
	assert.Equal(t, custos.SubjectForgotten, f.state("c-1"))
	_, err = f.db.Retention().GetDestruction(ctx, f.ref("c-1"))
	assert.NoError(t, err, "certificate kept")
}

func TestEraseWithoutAStatutoryPeriodDestroysNow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "marketing")
	o, err := r.Erase(ctx, "c-1", "req-43")
	require.NoError(t, err)
	assert.Equal(t, retention.Destroyed, o.Kind)
	require.NotNil(t, o.Certificate)
	assert.Equal(t, custos.SubjectForgotten, f.state("c-1"))
	d, err := f.db.Retention().GetDestruction(ctx, f.ref("c-1"))
	require.NoError(t, err)
	assert.Equal(t, "req-43", d.Sweep)

	_, err = r.Erase(ctx, "c-1", "req-44")
	assert.ErrorIs(t, err, retention.ErrForgotten)
	_, err = r.Erase(ctx, "c-none", "req-45")
	assert.ErrorIs(t, err, retention.ErrUnknownSubject)
	assert.Equal(t, map[custos.SubjectID]int{"c-1": 1}, f.forgets())
}

func TestEraseUnderAHoldRestricts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "marketing")
	_, err := r.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case", Subjects: []custos.SubjectID{"c-1"}})
	require.NoError(t, err)
	o, err := r.Erase(ctx, "c-1", "req-46")
	require.NoError(t, err)
	assert.Equal(t, retention.Restricted, o.Kind)
	assert.Len(t, o.Holds, 1)
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))
	assert.Empty(t, f.forgets(), "the hold wins")
}
