package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// reviewPolicy is leasingPolicy with identity records reviewed every
// year and marketing profiles every 6 months.
func reviewPolicy() *retention.Policy {
	p := leasingPolicy()
	p.Reviews = []retention.ReviewRule{
		{RecordType: "identity", Every: retention.Years(1), Law: "PIPL Art. 8"},
		{RecordType: "marketing", Every: retention.Months(6), Law: "GDPR Art. 5(1)(d)"},
	}
	return &p
}

func TestReviewsDueThroughTheIndex(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.policy = reviewPolicy()
	r := f.retention()
	f.customer("c-1", "identity", "marketing")
	f.customer("c-2", "identity")
	f.customer("c-3", "transaction")
	require.NoError(t, r.Reviewed(ctx, "c-1", "identity", t0))
	require.NoError(t, r.Reviewed(ctx, "c-1", "marketing", t0))
	require.NoError(t, r.Reviewed(ctx, "c-2", "identity", t0))

	due := func(before time.Time) []string {
		var out []string
		for rv, err := range r.ReviewsDue(ctx, before, 1) {
			require.NoError(t, err)
			out = append(out, string(rv.Subject)+"/"+rv.RecordType+"@"+rv.Due.Format(time.DateOnly))
		}
		return out
	}
	assert.Empty(t, due(t0.AddDate(0, 5, 0)))
	assert.Equal(t, []string{"c-1/marketing@2026-09-01"}, due(t0.AddDate(0, 6, 0)))
	assert.Equal(t, []string{"c-1/marketing@2026-09-01", "c-1/identity@2027-03-01", "c-2/identity@2027-03-01"}, due(t0.AddDate(1, 0, 0)))

	// The review is done: the next falls due a year later. A late report
	// of an earlier review changes nothing.
	f.now = t0.AddDate(1, 0, 0)
	require.NoError(t, r.Reviewed(ctx, "c-2", "identity", f.now))
	require.NoError(t, r.Reviewed(ctx, "c-2", "identity", t0.AddDate(0, 1, 0)))
	assert.Equal(t, []string{"c-1/marketing@2026-09-01", "c-1/identity@2027-03-01"}, due(t0.AddDate(1, 0, 0)))
	got, err := f.db.Retention().Reviews(ctx, "c-2")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, t0.AddDate(2, 0, 0), got[0].Due)

	// A destroyed customer has no review left.
	o, err := r.Erase(ctx, "c-1", "req-1")
	require.NoError(t, err)
	require.Equal(t, retention.Restricted, o.Kind)
	f.now = t0.AddDate(12, 0, 0)
	_, out := sweepAt(t, r, f.now)
	require.Len(t, out, 1)
	require.Equal(t, retention.Destroyed, out[0].Kind)
	got, err = f.db.Retention().Reviews(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestReviewedRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.policy = reviewPolicy()
	r := f.retention()
	f.customer("c-1", "identity")
	f.customer("c-gone", "identity")
	_, err := f.vault.Forget(ctx, custos.Access{Actor: sweeper, Purpose: "retention"}, "c-gone", vault.Erasure{Ground: "test"})
	require.NoError(t, err)
	tests := []struct {
		name    string
		subject custos.SubjectID
		typ     string
		at      time.Time
		want    error
	}{
		{"record type without a review rule", "c-1", "transaction", t0, retention.ErrReview},
		{"record type the customer does not hold", "c-1", "marketing", t0, retention.ErrReview},
		{"unknown record type", "c-1", "vehicle", t0, retention.ErrReview},
		{"no time", "c-1", "identity", time.Time{}, retention.ErrReview},
		{"in the future beyond the tolerance", "c-1", "identity", t0.Add(time.Hour), retention.ErrReview},
		{"before the customer existed", "c-1", "identity", t0.Add(-time.Second), retention.ErrReview},
		{"unknown customer", "c-none", "identity", t0, retention.ErrUnknownSubject},
		{"forgotten customer", "c-gone", "identity", t0, retention.ErrForgotten},
		{"invalid customer", "c 1", "identity", t0, custos.ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, r.Reviewed(ctx, tt.subject, tt.typ, tt.at), tt.want)
			for _, s := range []custos.SubjectID{"c-1", "c-none", "c-gone"} {
				got, err := f.db.Retention().Reviews(ctx, s)
				require.NoError(t, err)
				assert.Empty(t, got, "nothing stored")
			}
		})
	}
}

func TestPolicyValidateRefusesBadReviewRules(t *testing.T) {
	tests := []struct {
		name    string
		reviews []retention.ReviewRule
		want    string
	}{
		{"unknown record type", []retention.ReviewRule{{RecordType: "vehicle", Every: retention.Years(1), Law: "PIPL Art. 8"}}, `"vehicle"`},
		{"two rules for one type", []retention.ReviewRule{
			{RecordType: "identity", Every: retention.Years(1), Law: "PIPL Art. 8"},
			{RecordType: "identity", Every: retention.Years(2), Law: "PIPL Art. 8"}}, "two review rules"},
		{"zero interval", []retention.ReviewRule{{RecordType: "identity", Law: "PIPL Art. 8"}}, "zero"},
		{"negative interval", []retention.ReviewRule{{RecordType: "identity", Every: retention.Months(-1), Law: "PIPL Art. 8"}}, "negative"},
		{"no law", []retention.ReviewRule{{RecordType: "identity", Every: retention.Years(1)}}, "law"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := leasingPolicy()
			p.Reviews = tt.reviews
			err := p.Validate(leasingSchema())
			assert.ErrorIs(t, err, retention.ErrPolicy)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	assert.NoError(t, reviewPolicy().Validate(leasingSchema()))
}
