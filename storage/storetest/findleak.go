package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// refuseSubjects refuses every per-customer request about the named
// customers, as a consent-aware authorizer refuses customers who gave no
// consent, and asks the wrapped authorizer about the rest.
type refuseSubjects struct {
	vault.Authorizer
	refused map[custos.SubjectID]bool
}

func (a refuseSubjects) Authorize(ctx context.Context, r vault.Request) (vault.Decision, error) {
	if a.refused[r.Subject] {
		return vault.Decision{Reason: "no-consent"}, nil
	}
	return a.Authorizer.Authorize(ctx, r)
}

// testFindMaskedSearch shows that a role may search only by fields it sees
// in full: trying the hidden digits of a masked number, or probing who
// holds an identity number the role may not see, is refused and recorded.
func testFindMaskedSearch(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	require.NoError(t, f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{
		"name": nameOf("C1"), "mobile": "15300005342", "resident_id": "11010519491231002X"}))
	agent := custos.Access{Actor: custos.Actor{ID: "agent-1", Role: "customer-service"}, Purpose: servicing}

	cases := []struct {
		name  string
		query vault.Values
		field string
	}{
		{"masked mobile, the right guess", vault.Values{"mobile": "15300005342"}, "customer.mobile"},
		{"masked mobile, a wrong guess", vault.Values{"mobile": "15300005341"}, "customer.mobile"},
		{"hidden resident id", vault.Values{"resident_id": "11010519491231002X"}, "customer.resident_id"},
		{"masked name in a compound index", vault.Values{"name": nameOf("C1"), "birth": "1949-12-31"}, "customer.name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.events.all())
			rs, err := f.vault.Find(ctx, agent, "customer", tc.query, "name")
			require.ErrorIs(t, err, vault.ErrDenied)
			assert.ErrorIs(t, err, vault.ErrMaskedSearch)
			assert.Contains(t, err.Error(), tc.field, "the error names the field")
			assert.NotContains(t, err.Error(), "5342")
			assert.NotContains(t, err.Error(), "002X")
			assert.Empty(t, rs)
			evs := f.events.all()
			require.Len(t, evs, before+1, "the refusal is recorded, once")
			e := evs[len(evs)-1]
			assert.Equal(t, custos.ActionFind, e.Action)
			assert.Equal(t, custos.OutcomeDenied, e.Outcome)
			assert.Equal(t, "search-field-masked", e.Reason)
			assert.Empty(t, e.Subject, "no customer is named: none was looked up")
			assert.NotEmpty(t, e.Fields)
		})
	}
	// Whoever the right guess was, both answers are the same refusal.
	_, right := f.vault.Find(ctx, agent, "customer", vault.Values{"mobile": "15300005342"}, "name")
	_, wrong := f.vault.Find(ctx, agent, "customer", vault.Values{"mobile": "15300005341"}, "name")
	assert.Equal(t, right.Error(), wrong.Error())

	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "15300005342"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs), "a role that sees the field in full searches by it")
}

// testFindNoMatchAudited shows that a search finding nobody is recorded
// with its fields.
func testFindNoMatchAudited(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	before := len(f.events.all())
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13900000009"}, "name", "birth")
	require.NoError(t, err)
	assert.Empty(t, rs)
	evs := f.events.all()
	require.Len(t, evs, before+1)
	e := evs[len(evs)-1]
	assert.Equal(t, custos.ActionFind, e.Action)
	assert.Equal(t, custos.OutcomeAllowed, e.Outcome)
	assert.Equal(t, "no-match", e.Reason)
	assert.Equal(t, []string{"birth", "mobile", "name"}, e.Fields, "query and result fields")
	assert.Equal(t, clerk, e.Access)
	assert.Empty(t, e.Subject)
}

// testFindCost shows that a search returning nothing makes the same store
// calls and records the same number of events whether nobody holds the
// value, its holder is refused by the authorizer, or its holder is
// restricted: the caller cannot tell them apart by the work done.
func testFindCost(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	for s, mobile := range map[custos.SubjectID]string{"C1": "13800000001", "C2": "13800000002", "C3": "13800000003"} {
		require.NoError(t, f.vault.Put(ctx, clerk, s, "customer", vault.Values{"name": nameOf(s), "mobile": mobile}))
	}
	require.NoError(t, f.vault.Restrict(ctx, dpo, "C2", "AML Art. 34: identity records kept"))
	counted := &Faults{} // never armed: counts the store calls
	v := f.vaultWith(func(c *vault.Config) {
		c.Store = FaultyVault(f.db.Vault(), counted)
		c.Authorizer = refuseSubjects{Authorizer: c.Authorizer, refused: map[custos.SubjectID]bool{"C1": true}}
	})
	type cost struct{ storeCalls, events, found int }
	find := func(mobile string) (cost, custos.Event) {
		counted.Arm(0, Before, false)
		before := len(f.events.all())
		rs, err := v.Find(ctx, clerk, "customer", vault.Values{"mobile": mobile}, "name")
		require.NoError(t, err)
		evs := f.events.all()
		return cost{counted.Calls(), len(evs) - before, len(rs)}, evs[len(evs)-1]
	}
	nobody, e := find("13900000009")
	assert.Equal(t, "no-match", e.Reason)
	refused, e := find("13800000001")
	assert.Equal(t, custos.OutcomeDenied, e.Outcome)
	assert.Equal(t, "no-consent", e.Reason)
	assert.Equal(t, custos.SubjectID("C1"), e.Subject, "the refusal names the customer refused")
	restricted, e := find("13800000002")
	assert.Equal(t, "restricted", e.Reason)
	read, _ := find("13800000003")

	assert.Equal(t, cost{storeCalls: 2, events: 1}, nobody, "one index lookup, one record read, one event")
	assert.Equal(t, nobody, refused, "a holder the caller may not read costs what nobody costs")
	assert.Equal(t, nobody, restricted, "and so does a restricted holder")
	assert.Equal(t, cost{storeCalls: 2, events: 1, found: 1}, read)
}
