package retention_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// TestSweepSurvivesACrashAtEveryCall stops a sweep at its k-th store call,
// for every k, counting the calls of the vault's, the keyring's and
// retention's stores together: from that call on every store call fails,
// as when the process dies (after: the k-th call committed but its answer
// was lost; before: it never ran). A fresh keyring, vault and retention
// over the same database — a new process — then sweeps again, and the end
// state is the one a sweep without crash reaches: every due customer
// destroyed by exactly one erasure (one certificate ID in the audit log),
// that certificate kept in the retention store, the restricted customer
// restricted, the held customer untouched. With several workers the k-th
// call is whichever comes k-th; the end state is the same.
func TestSweepSurvivesACrashAtEveryCall(t *testing.T) {
	for _, run := range []struct {
		when    storetest.When
		workers int
	}{{storetest.Before, 1}, {storetest.After, 1}, {storetest.After, 3}} {
		when := run.when
		for k := 1; ; k++ {
			require.Less(t, k, 400, "the sweep should make fewer store calls")
			faults := &storetest.Faults{}
			fired := false
			t.Run(fmt.Sprintf("workers-%d-%s", run.workers, crashName(when, k)), func(t *testing.T) {
				ctx := context.Background()
				f := newFixture(t)
				setup := f.retention()
				for _, s := range []custos.SubjectID{"c-1", "c-2", "c-held"} {
					f.customer(s, "transaction")
					require.NoError(t, setup.Report(ctx, retention.Event{Subject: s, Kind: retention.EventTransaction, At: t0}))
				}
				f.customer("c-restrict", "identity")
				require.NoError(t, setup.Report(ctx, retention.Event{Subject: "c-restrict", Kind: retention.EventRelationshipEnded, At: t0}))
				_, err := setup.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "court case", Subjects: []custos.SubjectID{"c-held"}})
				require.NoError(t, err)
				at := t0.AddDate(10, 0, 1)

				f.build(faults)
				faults.Arm(k, when, true)
				_, first := f.retention().Sweep(ctx, retention.SweepOptions{At: at, Batch: 2, Workers: run.workers})
				fired = faults.Fired() > 0
				faults.Disarm()
				f.build(nil)
				_, err = f.retention().Sweep(ctx, retention.SweepOptions{At: at, Batch: 2})
				require.NoError(t, err, "the rerun completes (first run stopped at %s: %v)", faults.Last(), first)

				for _, s := range []custos.SubjectID{"c-1", "c-2"} {
					assert.Equal(t, custos.SubjectForgotten, f.state(s))
					ids := certificateIDs(t, f, s)
					require.Len(t, ids, 1, "%s erased by one erasure", s)
					d, err := f.db.Retention().GetDestruction(ctx, f.ref(s))
					require.NoError(t, err, "certificate of %s kept", s)
					var c vault.Certificate
					require.NoError(t, json.Unmarshal(d.Certificate, &c))
					assert.Equal(t, ids[0], c.ID, "the kept certificate is the audited one")
					clocks, err := f.db.Retention().Clocks(ctx, s)
					require.NoError(t, err)
					assert.Empty(t, clocks)
				}
				all, err := f.db.Retention().Destructions(ctx, "", 100)
				require.NoError(t, err)
				assert.Len(t, all, 2, "one destruction per destroyed customer")
				assert.Equal(t, custos.SubjectRestricted, f.state("c-restrict"))
				assert.Equal(t, custos.SubjectActive, f.state("c-held"), "the hold wins")
				assert.Empty(t, certificateIDs(t, f, "c-held"))
			})
			if !fired {
				break
			}
		}
	}
}

func crashName(when storetest.When, k int) string {
	name := "before"
	if when == storetest.After {
		name = "after"
	}
	return fmt.Sprintf("%s-call-%d", name, k)
}

// certificateIDs returns the IDs of the certificates that the vault's
// forget events of subject leave standing: the last event carrying each ID
// is allowed, not an error saying it was not committed (its tombstone
// never placed, nothing erased under it).
func certificateIDs(t *testing.T, f *fixture, subject custos.SubjectID) []string {
	t.Helper()
	var ids []string
	standing := map[string]bool{}
	for _, e := range f.events.Events() {
		if e.Action != custos.ActionForget || e.Subject != subject || e.Detail == "" {
			continue
		}
		var c vault.Certificate
		require.NoError(t, json.Unmarshal([]byte(e.Detail), &c))
		if !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
		switch {
		case e.Outcome == custos.OutcomeAllowed:
			standing[c.ID] = true
		case e.Reason == "not-committed":
			standing[c.ID] = false
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool { return !standing[id] })
}
