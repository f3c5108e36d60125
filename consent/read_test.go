package consent_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// TestReadsNameAnAccessAndAreAudited: every read of a customer's consent
// names an access, is authorized for reading consent state, and leaves an
// audit event, allowed or denied (issue 9).
func TestReadsNameAnAccessAndAreAudited(t *testing.T) {
	ctx := context.Background()
	analyst := custos.Access{Actor: custos.Actor{ID: "staff-010", Role: "analyst"}, Purpose: analytics}
	status := func(acc custos.Access, p custos.PurposeID) func(f *fixture) error {
		return func(f *fixture) error { _, err := f.reg.Status(ctx, acc, "C-0001", p); return err }
	}
	history := func(acc custos.Access, p custos.PurposeID) func(f *fixture) error {
		return func(f *fixture) error { _, err := f.reg.History(ctx, acc, "C-0001", p); return err }
	}
	for _, tc := range []struct {
		name   string
		read   func(f *fixture) error
		action custos.Action
		want   error  // nil: allowed
		reason string // of the denied event
		basis  custos.LegalBasis
		fields []string
	}{
		{"a purpose reads its own consent state", status(marketer, marketing), custos.ActionConsentStatus, nil, "", custos.BasisConsent, []string{"marketing"}},
		{"a purpose declared to read consent state", status(dpo, marketing), custos.ActionConsentStatus, nil, "", custos.BasisLegalDuty, []string{"marketing"}},
		{"another consent purpose", status(analyst, marketing), custos.ActionConsentStatus, consent.ErrDenied, "action-not-allowed", 0, []string{"marketing"}},
		{"a contract purpose not declared to read", status(clerk, marketing), custos.ActionConsentStatus, consent.ErrDenied, "action-not-allowed", 0, []string{"marketing"}},
		{"an undeclared purpose", status(custos.Access{Actor: clerk.Actor, Purpose: "spaceship"}, marketing), custos.ActionConsentStatus,
			consent.ErrDenied, "purpose-unknown", 0, []string{"marketing"}},
		{"the state of an unknown purpose", status(dpo, secret), custos.ActionConsentStatus, consent.ErrUnknownPurpose, "purpose-unknown", 0, nil},
		{"the state of a purpose not resting on consent", status(dpo, servicing), custos.ActionConsentStatus,
			consent.ErrNotConsentBased, "not-consent-based", 0, []string{"lease-servicing"}},
		{"history, declared", history(dpo, marketing), custos.ActionConsentHistory, nil, "", custos.BasisLegalDuty, []string{"marketing"}},
		{"history of its own consent, not declared", history(marketer, marketing), custos.ActionConsentHistory,
			consent.ErrDenied, "action-not-allowed", 0, []string{"marketing"}},
		{"next ask, own purpose", func(f *fixture) error { _, err := f.reg.NextAsk(ctx, marketer, "C-0001", marketing); return err },
			custos.ActionConsentStatus, nil, "", custos.BasisConsent, []string{"marketing"}},
		{"receipts", func(f *fixture) error { _, err := f.reg.Receipts(ctx, dpo, "C-0001"); return err },
			custos.ActionConsentReceipt, nil, "", custos.BasisLegalDuty, []string{"marketing"}},
		{"receipts, not declared", func(f *fixture) error { _, err := f.reg.Receipts(ctx, marketer, "C-0001"); return err },
			custos.ActionConsentReceipt, consent.ErrDenied, "action-not-allowed", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
			before, n := f.snapshot("C-0001"), len(f.events.list())

			err := tc.read(f)
			assert.Equal(t, before, f.snapshot("C-0001"), "a read changes nothing")
			evs := f.events.list()[n:]
			require.Len(t, evs, 1, "one event per read")
			ev := evs[0]
			assert.Equal(t, tc.action, ev.Action)
			assert.Equal(t, custos.SubjectID("C-0001"), ev.Subject)
			assert.Equal(t, "consent", ev.RecordType)
			assert.Equal(t, tc.fields, ev.Fields, "the event names the purposes read")
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
				assert.Equal(t, tc.basis, ev.Basis)
				return
			}
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), secret)
			var ref *consent.Refusal
			require.ErrorAs(t, err, &ref)
			assert.Equal(t, tc.reason, ref.Reason)
			assert.Equal(t, consent.DefaultRemedy(), ref.Remedy)
			assert.Equal(t, custos.OutcomeDenied, ev.Outcome, "a refused read is recorded as denied")
			assert.Equal(t, tc.reason, ev.Reason)
		})
	}
}

// TestReadsFailClosed: a read whose access is malformed reads and records
// nothing; a read whose event cannot be recorded returns no answer.
func TestReadsFailClosed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	n := len(f.events.list())

	_, err := f.reg.Status(ctx, custos.Access{Actor: custos.Actor{Role: "dpo"}, Purpose: receipts}, "C-0001", marketing)
	require.ErrorIs(t, err, custos.ErrNoActor)
	_, err = f.reg.History(ctx, custos.Access{Actor: dpo.Actor}, "C-0001", marketing)
	require.ErrorIs(t, err, custos.ErrNoPurpose)
	_, err = f.reg.Status(ctx, dpo, custos.SubjectID(secret+" x"), marketing)
	require.ErrorIs(t, err, custos.ErrInvalidSubject)
	assert.NotContains(t, err.Error(), secret)
	assert.Len(t, f.events.list(), n, "malformed reads record nothing")

	f.events.fail = errors.New("log unavailable")
	st, err := f.reg.Status(ctx, dpo, "C-0001", marketing)
	require.ErrorIs(t, err, consent.ErrAudit)
	assert.Zero(t, st, "no answer without its audit event")
	h, err := f.reg.History(ctx, dpo, "C-0001", marketing)
	require.ErrorIs(t, err, consent.ErrAudit)
	assert.Nil(t, h)
	rs, err := f.reg.Receipts(ctx, dpo, "C-0001")
	require.ErrorIs(t, err, consent.ErrAudit)
	assert.Nil(t, rs)
	next, err := f.reg.NextAsk(ctx, marketer, "C-0001", marketing)
	require.ErrorIs(t, err, consent.ErrAudit)
	assert.Zero(t, next)
}

// TestNextAskAfterRefusalIsRead shows NextAsk reading the state, audited,
// for the purpose that will ask.
func TestNextAskAfterRefusalIsRead(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Refuse(ctx, f.act("C-0001", marketing)))
	next, err := f.reg.NextAsk(ctx, marketer, "C-0001", marketing)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(consent.DefaultAskAgainAfter), next)
	assert.Equal(t, custos.ActionConsentStatus, f.events.last().Action)
	_, err = f.reg.NextAsk(ctx, clerk, "C-0001", marketing)
	require.ErrorIs(t, err, consent.ErrDenied, "a purpose that may not read the state may not plan asking either")
	f.now = t0.Add(consent.DefaultAskAgainAfter + time.Hour)
	next, err = f.reg.NextAsk(ctx, marketer, "C-0001", marketing)
	require.NoError(t, err)
	assert.Equal(t, f.now, next)
}
