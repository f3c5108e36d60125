package rights_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/rights"
)

// TestConcurrentSteps: two desks on one store submit the same request and
// refuse it at the same time: one request, one received and one refused
// entry, whatever the interleaving.
func TestConcurrentSteps(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	one := f.desk()
	other, err := rights.New(f.config())
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i, d := range []*rights.Desk{one, other} {
		wg.Go(func() {
			_, errs[i] = d.Submit(ctx, dpo, request("form-race", rights.Access))
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	id := rights.RequestID("form-race")
	for i, d := range []*rights.Desk{one, other} {
		wg.Go(func() {
			_, errs[2+i] = d.Refuse(ctx, dpo, id, "manifestly unfounded")
		})
	}
	wg.Wait()
	require.NoError(t, errs[2])
	require.NoError(t, errs[3])
	h, err := one.History(ctx, id)
	require.NoError(t, err)
	var steps []rights.Step
	for _, e := range h {
		steps = append(steps, e.Step)
	}
	assert.Equal(t, []rights.Step{rights.StepReceived, rights.StepRefused, rights.StepAnswered}, steps)
}
