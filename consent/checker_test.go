package consent_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

func TestCheckerDecisions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	staff := custos.Actor{ID: "staff-009", Role: "marketer"}
	req := func(p custos.PurposeID, act custos.Action, typ string, fields ...string) consent.Request {
		return consent.Request{Access: custos.Access{Actor: staff, Purpose: p}, Action: act, Subject: "C-0001", RecordType: typ, Fields: fields}
	}
	for _, tc := range []struct {
		name string
		req  consent.Request
		want consent.Decision
	}{
		{"consent given", req(marketing, custos.ActionGet, "customer", "mobile", "name"), consent.Decision{Allowed: true, Basis: custos.BasisConsent}},
		{"contract needs no consent", req(servicing, custos.ActionGet, "customer", "resident_id"), consent.Decision{Allowed: true, Basis: custos.BasisContract}},
		{"legal duty for its action", req(receipts, custos.ActionConsentReceipt, ""), consent.Decision{Allowed: true, Basis: custos.BasisLegalDuty}},
		{"unknown purpose", req("spaceship", custos.ActionGet, "customer", "name"), consent.Decision{Reason: "purpose-unknown"}},
		{"action not allowed", req(marketing, custos.ActionUpdate, "customer", "name"), consent.Decision{Reason: "action-not-allowed"}},
		{"field beyond the minimum necessary", req(marketing, custos.ActionGet, "customer", "name", "resident_id"), consent.Decision{Reason: "field-not-allowed"}},
		{"field of another record type", req(marketing, custos.ActionGet, "lease", "name"), consent.Decision{Reason: "field-not-allowed"}},
		{"no consent for this purpose", req(analytics, custos.ActionGet, "lease", "months"), consent.Decision{Reason: "no-consent"}},
		{"no actor", consent.Request{Access: custos.Access{Purpose: marketing}, Action: custos.ActionGet, Subject: "C-0001"}, consent.Decision{Reason: "invalid-access"}},
		{"no subject", consent.Request{Access: custos.Access{Actor: staff, Purpose: marketing}, Action: custos.ActionGet}, consent.Decision{Reason: "invalid-access"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := f.reg.Checker().Authorize(ctx, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.want, d)
		})
	}
}

// TestConditionOfOtherBases shows a non-consent basis checked against its
// own condition (PIPL Art. 13(2)-(7)).
func TestConditionOfOtherBases(t *testing.T) {
	ctx := context.Background()
	inForce := map[custos.SubjectID]bool{"C-0001": true}
	var failing error
	f := newFixture(t, func(c *consent.Config) {
		c.Purposes[0].Condition = func(_ context.Context, s custos.SubjectID) (bool, error) { return inForce[s], failing }
	})
	assert.Equal(t, consent.Decision{Allowed: true, Basis: custos.BasisContract}, f.check("C-0001", servicing, "lease", "months"))
	assert.Equal(t, consent.Decision{Reason: "basis-condition-not-met"}, f.check("C-0002", servicing, "lease", "months"))

	failing = errors.New("contracts unavailable")
	_, err := f.reg.Checker().Authorize(ctx, consent.Request{
		Access: clerk, Action: custos.ActionGet, Subject: "C-0001", RecordType: "lease", Fields: []string{"months"},
	})
	assert.ErrorContains(t, err, "contracts unavailable", "a condition that cannot decide is an error, not an allow")
}

// TestCheckerReadsEveryTime shows that no consent state is cached between
// calls: a withdrawal written to the store by anyone is seen at once.
func TestCheckerReadsEveryTime(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	checker := f.reg.Checker()
	other := f.registry(nil)
	require.NoError(t, other.Grant(ctx, f.act("C-0001", marketing)))
	for range 3 {
		assert.True(t, f.check("C-0001", marketing, "customer", "mobile").Allowed)
	}
	require.NoError(t, other.Withdraw(ctx, f.act("C-0001", marketing)))
	d, err := checker.Authorize(ctx, consent.Request{
		Access: custos.Access{Actor: app, Purpose: marketing}, Action: custos.ActionGet, Subject: "C-0001",
		RecordType: "customer", Fields: []string{"mobile"},
	})
	require.NoError(t, err)
	assert.Equal(t, consent.Decision{Reason: "consent-withdrawn"}, d)
}
