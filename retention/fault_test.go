package retention_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// TestSweepUnderEveryFault fails each store call of a sweep in turn, before
// and after it runs, reruns the sweep, and checks that every due customer
// has exactly one outcome: destroyed once with its certificate kept, or
// restricted, or held; none missed, none destroyed twice.
func TestSweepUnderEveryFault(t *testing.T) {
	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 200, func(t *testing.T, faults *storetest.Faults) {
			ctx := context.Background()
			f := newFixture(t)
			setup := f.retention()
			for _, s := range []custos.SubjectID{"c-1", "c-2", "c-3", "c-held"} {
				f.customer(s, "transaction")
				require.NoError(t, setup.Report(ctx, retention.Event{Subject: s, Kind: retention.EventTransaction, At: t0}))
			}
			f.customer("c-restrict", "identity")
			require.NoError(t, setup.Report(ctx, retention.Event{Subject: "c-restrict", Kind: retention.EventRelationshipEnded, At: t0}))
			_, err := setup.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case", Subjects: []custos.SubjectID{"c-held"}})
			require.NoError(t, err)

			at := t0.AddDate(10, 0, 1)
			f.store = storetest.FaultyRetention(f.db.Retention(), faults)
			r := f.retention()
			var certs []vault.Certificate
			collect := func(o retention.Outcome) error {
				if o.Certificate != nil {
					certs = append(certs, *o.Certificate)
				}
				return nil
			}
			_, first := r.Sweep(ctx, retention.SweepOptions{At: at, Batch: 2, Outcome: collect})
			faults.Disarm()
			_, err = r.Sweep(ctx, retention.SweepOptions{At: at, Batch: 2, Outcome: collect})
			require.NoError(t, err, "the rerun completes (first run: %v)", first)

			destroyed := []custos.SubjectID{"c-1", "c-2", "c-3"}
			want := map[custos.SubjectID]int{}
			for _, s := range destroyed {
				want[s] = 1
				assert.Equal(t, custos.SubjectForgotten, f.state(s))
				d, err := f.db.Retention().GetDestruction(ctx, f.ref(s))
				require.NoError(t, err, "certificate of %s kept", s)
				var c vault.Certificate
				require.NoError(t, json.Unmarshal(d.Certificate, &c))
				assert.Equal(t, f.ref(s), c.SubjectRef)
				assert.Contains(t, certs, c, "the kept certificate is the one the sweep produced")
				clocks, err := f.db.Retention().Clocks(ctx, s)
				require.NoError(t, err)
				assert.Empty(t, clocks)
			}
			assert.Equal(t, want, f.forgets(), "each destroyed exactly once")
			assert.Len(t, certs, 3, "one certificate per destroyed customer")
			all, err := f.db.Retention().Destructions(ctx, "", 100)
			require.NoError(t, err)
			assert.Len(t, all, 3)
			assert.Equal(t, custos.SubjectRestricted, f.state("c-restrict"))
			assert.Equal(t, custos.SubjectActive, f.state("c-held"), "the hold wins")
			mark, err := f.db.Retention().SweepMark(ctx)
			require.NoError(t, err)
			assert.Equal(t, at, mark)
		})
	}
}
