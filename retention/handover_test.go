package retention_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// dissolutionPolicy is leasingPolicy of a company being dissolved: its
// identity records go to the designated body when the relationship's AML
// period ends (AML Art. 34), instead of being destroyed.
func dissolutionPolicy() *retention.Policy {
	p := leasingPolicy()
	p.Rules[0] = retention.Rule{
		Name: "aml-dissolution", RecordType: "identity",
		Start: retention.Start{Event: retention.EventRelationshipEnded},
		Min:   retention.Years(10), Max: retention.Years(10),
		Expiry: retention.HandOver, Body: "the institution the State Council designates", Law: "AML Art. 34",
	}
	return &p
}

// TestHandOverRestrictsAndNeverDestroys: a customer whose identity records
// are bound for the designated body is restricted when the rule runs out,
// with a ground naming the body, and no later sweep or erasure request
// destroys them, whatever the other clocks say.
func TestHandOverRestrictsAndNeverDestroys(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.policy = dissolutionPolicy()
	r := f.retention()
	f.customer("c-1", "identity", "transaction")
	f.customer("c-2", "identity", "marketing")
	for _, s := range []custos.SubjectID{"c-1", "c-2"} {
		require.NoError(t, r.Report(ctx, retention.Event{Subject: s, Kind: retention.EventRelationshipEnded, At: t0}))
	}
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0}))

	o, err := r.Erase(ctx, "c-2", "req-handover")
	require.NoError(t, err)
	assert.Equal(t, retention.Restricted, o.Kind, "an erasure request does not shred records bound for the body")
	assert.Contains(t, o.Why, "hand-over")
	assert.Equal(t, custos.SubjectRestricted, f.state("c-2"))

	_, out := sweepAt(t, r, t0.AddDate(10, 0, 1))
	require.Len(t, out, 2)
	if out[0].Subject != "c-1" {
		out[0], out[1] = out[1], out[0]
	}
	assert.Equal(t, retention.Waiting, out[1].Kind, "c-2 is restricted already")
	assert.Equal(t, retention.Restricted, out[0].Kind)
	assert.Equal(t, []string{"aml-dissolution", "aml-transaction"}, out[0].Rules)
	assert.Contains(t, out[0].Why, "hand over to the institution the State Council designates")
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))
	restr, err := f.vault.Restriction(ctx, custos.Access{Actor: sweeper, Purpose: "retention"}, "c-1")
	require.NoError(t, err)
	assert.Contains(t, restr.Ground, "hand over to the institution the State Council designates")

	for _, at := range []int{11, 30, 90} {
		_, out = sweepAt(t, r, t0.AddDate(at, 0, 0))
		assert.Empty(t, out, "nothing left to do at +%d years: the customer waits for the body", at)
	}
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"))
	assert.Equal(t, custos.SubjectRestricted, f.state("c-2"))
	assert.Empty(t, f.forgets(), "never shredded")
}

// TestHoldOverEveryoneKeepsRestrictedCustomersRestricted: a hold naming no
// customer and no record type covers everyone; a restricted customer
// whose destruction falls due under it stays restricted (a sweep never
// lifts a restriction it cannot follow with destruction), and after the
// release is destroyed.
func TestHoldOverEveryoneKeepsRestrictedCustomersRestricted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.retention()
	f.customer("c-1", "identity")
	f.customer("c-2", "transaction")
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventRelationshipEnded, At: t0}))
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-2", Kind: retention.EventTransaction, At: t0}))
	_, out := sweepAt(t, r, t0.AddDate(0, 0, 1))
	require.Len(t, out, 1)
	require.Equal(t, custos.SubjectRestricted, f.state("c-1"))

	h, err := r.Place(ctx, counsel, retention.Hold{Owner: "staff-007", Reason: "regulator inquiry 2037-07"})
	require.NoError(t, err)
	assert.Empty(t, h.Subjects)
	assert.Empty(t, h.RecordTypes)
	_, out = sweepAt(t, r, t0.AddDate(11, 0, 1))
	require.Len(t, out, 2)
	for _, o := range out {
		assert.Equal(t, retention.Held, o.Kind)
		assert.Equal(t, []string{h.ID}, o.Holds)
	}
	assert.Equal(t, custos.SubjectRestricted, f.state("c-1"), "held: not unrestricted")
	assert.Equal(t, custos.SubjectActive, f.state("c-2"))
	assert.Empty(t, f.forgets())

	require.NoError(t, r.Release(ctx, counsel, h.ID))
	_, out = sweepAt(t, r, t0.AddDate(11, 0, 2))
	require.Len(t, out, 2)
	assert.Equal(t, map[custos.SubjectID]int{"c-1": 1, "c-2": 1}, f.forgets())
}
