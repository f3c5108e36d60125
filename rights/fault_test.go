package rights_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/storetest"
)

// lifecycle runs submit, verify, extend and refuse of one request,
// stopping at the first error, as an operator would, and returns it.
func lifecycle(f *fixture, d *rights.Desk) error {
	ctx := context.Background()
	r := request("form-0500", rights.Erasure)
	f.verified[rights.RequestID(r.Key)] = rights.Identity{Method: "sms-otp", Evidence: "otp:9"}
	if _, err := d.Submit(ctx, dpo, r); err != nil {
		return err
	}
	id := rights.RequestID(r.Key)
	if _, err := d.Verify(ctx, dpo, id); err != nil {
		return err
	}
	if _, err := d.Extend(ctx, dpo, id, "records in four systems"); err != nil {
		return err
	}
	_, err := d.Refuse(ctx, dpo, id, "GDPR Art. 17(3)(b): AML Art. 34")
	return err
}

// TestLifecycleUnderEveryFault fails each store call of a request's
// lifecycle in turn, before and after it runs, reruns the lifecycle, and
// checks that the request and its history end as in a run without faults:
// every step once, none lost or doubled.
func TestLifecycleUnderEveryFault(t *testing.T) {
	ref := newFixture(t)
	require.NoError(t, lifecycle(ref, ref.desk()))
	want := ref.snapshot()
	require.Len(t, want.history[want.requests[0].ID], 4)

	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 50, func(t *testing.T, faults *storetest.Faults) {
			f := newFixture(t)
			f.store = storetest.FaultyRights(f.db.Rights(), faults)
			d := f.desk()
			first := lifecycle(f, d)
			faults.Disarm()
			require.NoError(t, lifecycle(f, d), "the rerun completes (first run: %v)", first)
			got := f.snapshot()
			assert.Equal(t, want.requests, got.requests)
			assert.Equal(t, want.history, got.history)
		})
	}
}
