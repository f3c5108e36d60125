package transfer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/transfer"
)

type sellerFixture struct {
	db     database
	seller *transfer.Seller
	events *storetest.Recorder
}

func newSeller(t *testing.T) *sellerFixture {
	t.Helper()
	sd := newSide(t, "seller", false, memstore.New())
	return &sellerFixture{db: sd.db, seller: sd.seller(t), events: sd.events}
}

func TestApprovalRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule transfer.ApprovalRule
	}{
		{"one approver", transfer.ApprovalRule{Roles: []custos.Role{"dpo"}, Required: 1}},
		{"no roles", transfer.ApprovalRule{Required: 2}},
		{"repeated role", transfer.ApprovalRule{Roles: []custos.Role{"dpo", "dpo"}, Required: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.rule.Validate(), transfer.ErrConfig)
		})
	}
}

func TestApproveTwoDistinctPeople(t *testing.T) {
	ctx := context.Background()
	f := newSeller(t)
	p := mergerPlan(newRecipient(t).public)
	require.NoError(t, f.seller.Propose(ctx, dpo, p))
	require.NoError(t, f.seller.Propose(ctx, dpo, p), "proposing the same plan again is a no-op")

	ok, err := f.seller.Approved(ctx, p.ID)
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, f.seller.Approve(ctx, dpo, p.ID))
	ok, err = f.seller.Approved(ctx, p.ID)
	require.NoError(t, err)
	assert.False(t, ok, "one approver is not enough")

	require.NoError(t, f.seller.Approve(ctx, counsel, p.ID))
	ok, err = f.seller.Approved(ctx, p.ID)
	require.NoError(t, err)
	assert.True(t, ok)

	// Every approval is audited, with the plan digest and no personal data.
	var approvals []custos.Event
	for _, e := range f.events.Events() {
		if e.Action == transfer.ActionApprove {
			approvals = append(approvals, e)
		}
	}
	require.Len(t, approvals, 2)
	assert.Equal(t, "staff-dpo", approvals[0].Access.Actor.ID)
	assert.Equal(t, "staff-counsel", approvals[1].Access.Actor.ID)
	assert.Contains(t, approvals[0].Detail, `"transfer":"merger-2026"`)
}

func TestApproveRefusals(t *testing.T) {
	ctx := context.Background()
	pub := newRecipient(t).public
	for _, tc := range []struct {
		name  string
		steps []custos.Access
		want  string
	}{
		{"same person twice", []custos.Access{dpo, dpo}, "same person"},
		{"role that may not approve", []custos.Access{clerk}, "may not approve"},
		{"same person in another role", []custos.Access{dpo, {Actor: custos.Actor{ID: "staff-dpo", Role: "general-counsel"}, Purpose: "company-transfer"}}, "same person"},
		{"beyond the number required", []custos.Access{dpo, counsel, {Actor: custos.Actor{ID: "staff-third", Role: "dpo"}, Purpose: "company-transfer"}}, "already approved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newSeller(t)
			p := mergerPlan(pub)
			require.NoError(t, f.seller.Propose(ctx, dpo, p))
			var err error
			for _, acc := range tc.steps {
				err = f.seller.Approve(ctx, acc, p.ID)
			}
			require.ErrorIs(t, err, transfer.ErrApproval)
			assert.Contains(t, err.Error(), tc.want)
			last := f.events.Events()[len(f.events.Events())-1]
			assert.Equal(t, custos.OutcomeDenied, last.Outcome, "the refusal is audited")
			_, as, err := f.seller.Plan(ctx, p.ID)
			require.NoError(t, err)
			assert.Len(t, as, len(tc.steps)-1, "the refused approval is not stored")
		})
	}
}

func TestApproveFailsClosedWithoutAudit(t *testing.T) {
	ctx := context.Background()
	f := newSeller(t)
	p := mergerPlan(newRecipient(t).public)
	require.NoError(t, f.seller.Propose(ctx, dpo, p))
	f.events.Fail(errors.New("log down"))
	require.Error(t, f.seller.Approve(ctx, dpo, p.ID))
	_, as, err := f.seller.Plan(ctx, p.ID)
	require.NoError(t, err)
	assert.Empty(t, as, "an approval not audited is not stored")
}

func TestProposeRefusesInvalidAndConflicting(t *testing.T) {
	ctx := context.Background()
	f := newSeller(t)
	pub := newRecipient(t).public
	bad := mergerPlan(pub)
	bad.ImpactAssessment = ""
	require.ErrorIs(t, f.seller.Propose(ctx, dpo, bad), transfer.ErrInvalidPlan)
	_, _, err := f.seller.Plan(ctx, bad.ID)
	require.ErrorIs(t, err, transfer.ErrNotFound, "nothing stored")
	assert.Empty(t, f.events.Events())

	require.NoError(t, f.seller.Propose(ctx, dpo, mergerPlan(pub)))
	other := mergerPlan(pub)
	other.Recipient.Name = "Someone Else Co."
	require.ErrorIs(t, f.seller.Propose(ctx, dpo, other), transfer.ErrExists)
	got, _, err := f.seller.Plan(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, "Acquirer Leasing Co., Ltd.", got.Recipient.Name, "the first plan stays")
}
