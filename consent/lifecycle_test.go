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

func TestGrantWithdrawL4(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	assert.Equal(t, consent.Decision{Reason: "no-consent"}, f.check("C-0001", marketing, "customer", "mobile"), "never asked")

	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	assert.Equal(t, consent.Decision{Allowed: true, Basis: custos.BasisConsent}, f.check("C-0001", marketing, "customer", "mobile"))
	assert.Equal(t, "no-consent", f.check("C-0002", marketing, "customer", "mobile").Reason, "another customer's consent permits nothing")

	w := f.act("C-0001", marketing)
	w.Channel, w.Signal, w.Notice, w.Language, w.Evidence = "call-center", consent.SignalNone, "", "", ""
	require.NoError(t, f.reg.Withdraw(ctx, w), "withdrawal needs no more than a channel (as easy as giving)")
	assert.Equal(t, consent.Decision{Reason: "consent-withdrawn"}, f.check("C-0001", marketing, "customer", "mobile"), "the very next check refuses")

	h := f.history("C-0001", marketing)
	require.Len(t, h, 2, "processing before withdrawal stays provable")
	assert.Equal(t, consent.StateGiven, h[0].State)
	assert.Equal(t, consent.StateWithdrawn, h[1].State)

	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)), "consent may be given again after a withdrawal")
	assert.True(t, f.check("C-0001", marketing, "customer", "mobile").Allowed)
}

func TestHistoryIsProvableL10(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a := f.act("C-0001", marketing)
	a.Language, a.Signal, a.Evidence = consent.LangEN, consent.SignalSignature, "signed-doc-42"
	require.NoError(t, f.reg.Grant(ctx, a))

	ev := f.events.last()
	assert.Equal(t, custos.ActionConsentGrant, ev.Action)
	assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
	assert.Equal(t, custos.BasisConsent, ev.Basis)
	assert.Equal(t, marketing, ev.Access.Purpose)
	assert.Equal(t, custos.SubjectID("C-0001"), ev.Subject)

	h := f.history("C-0001", marketing)
	require.Len(t, h, 1)
	assert.Equal(t, consent.Entry{
		Seq: 1, Time: t0, Action: custos.ActionConsentGrant, State: consent.StateGiven, Actor: app, Channel: "app",
		Signal: consent.SignalSignature, Notice: a.Notice, Language: consent.LangEN, Evidence: "signed-doc-42", RequestID: "req-1",
	}, h[0], "who, when, channel, notice version, evidence")

	st, err := f.reg.Status(ctx, marketer, "C-0001", marketing)
	require.NoError(t, err, "a purpose reads the state of its own consent")
	assert.Equal(t, consent.StateGiven, st.State)
	assert.Equal(t, a.Notice, st.Record.Notice)
	assert.Len(t, st.Record.ID, 32)
}

func TestStatesL10(t *testing.T) {
	for _, tc := range []struct {
		state   consent.State
		permits bool
		dpv     string
	}{
		{consent.StateUnknown, false, "dpv:ConsentUnknown"},
		{consent.StateRequested, false, "dpv:ConsentRequested"},
		{consent.StateDeferred, false, "dpv:ConsentDeferred"},
		{consent.StateGiven, true, "dpv:ConsentGiven"},
		{consent.StateRenewed, true, "dpv:RenewedConsentGiven"},
		{consent.StateRefused, false, "dpv:ConsentRefused"},
		{consent.StateWithdrawn, false, "dpv:ConsentWithdrawn"},
		{consent.StateRevoked, false, "dpv:ConsentRevoked"},
		{consent.StateExpired, false, "dpv:ConsentExpired"},
		{consent.StateInvalidated, false, "dpv:ConsentInvalidated"},
	} {
		t.Run(tc.state.String(), func(t *testing.T) {
			assert.Equal(t, tc.permits, tc.state.Permits())
			assert.Equal(t, tc.dpv, tc.state.DPV())
			back, err := consent.ParseState(tc.state.String())
			require.NoError(t, err)
			assert.Equal(t, tc.state, back)
		})
	}
}

func TestRenewAndExpire(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	job := consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: custos.Actor{ID: "batch-expiry", Role: "job"}}

	err := f.reg.Expire(ctx, job)
	require.ErrorIs(t, err, consent.ErrState, "not before the validity ends")

	f.now = t0.Add(365*24*time.Hour - time.Second)
	assert.True(t, f.check("C-0001", marketing, "customer", "mobile").Allowed, "valid to the last second")
	f.now = t0.Add(365 * 24 * time.Hour)
	assert.Equal(t, "consent-expired", f.check("C-0001", marketing, "customer", "mobile").Reason, "expired consent permits nothing, even before Expire runs")

	require.NoError(t, f.reg.Expire(ctx, job))
	st := f.status("C-0001", marketing)
	assert.Equal(t, consent.StateExpired, st.Record.State)
	assert.Equal(t, "validity-ended", mustHistory(t, f, "C-0001", marketing)[1].Reason)

	require.NoError(t, f.reg.Renew(ctx, f.act("C-0001", marketing)))
	assert.Equal(t, consent.Decision{Allowed: true, Basis: custos.BasisConsent}, f.check("C-0001", marketing, "customer", "mobile"))
	st = f.status("C-0001", marketing)
	assert.Equal(t, consent.StateRenewed, st.State)
	assert.Equal(t, f.now.Add(365*24*time.Hour), st.Record.Expires, "renewal starts a new validity period")

	require.NoError(t, f.reg.Renew(ctx, f.act("C-0001", marketing)), "a live consent can be renewed early")
}

func TestRevokeAndDefer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Defer(ctx, f.act("C-0001", analytics)))
	assert.Equal(t, "consent-deferred", f.check("C-0001", analytics, "lease", "months").Reason)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", analytics)))
	handler := consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{analytics}, Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Reason: "account-closed"}
	require.NoError(t, f.reg.Revoke(ctx, handler))
	assert.Equal(t, "consent-revoked", f.check("C-0001", analytics, "lease", "months").Reason)
	h := mustHistory(t, f, "C-0001", analytics)
	assert.Equal(t, "account-closed", h[len(h)-1].Reason)
	assert.Equal(t, "system", h[len(h)-1].Channel)
}

func TestAskAgainIntervalL6(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		interval time.Duration
		want     time.Duration
	}{
		{"default", 0, consent.DefaultAskAgainAfter},
		{"configured", 7 * 24 * time.Hour, 7 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *consent.Config) { c.AskAgainAfter = tc.interval })
			require.NoError(t, f.reg.Request(ctx, f.act("C-0001", marketing)))
			assert.Equal(t, "consent-requested", f.check("C-0001", marketing, "customer", "mobile").Reason)
			require.NoError(t, f.reg.Refuse(ctx, f.act("C-0001", marketing)))

			next, err := f.reg.NextAsk(ctx, marketer, "C-0001", marketing)
			require.NoError(t, err)
			assert.Equal(t, t0.Add(tc.want), next)
			f.now = t0.Add(tc.want - time.Second)
			require.ErrorIs(t, f.reg.Request(ctx, f.act("C-0001", marketing)), consent.ErrTooSoon)
			f.now = t0.Add(tc.want)
			require.NoError(t, f.reg.Request(ctx, f.act("C-0001", marketing)), "asking is allowed once the interval passed")
		})
	}
	t.Run("the person may still consent on their own", func(t *testing.T) {
		f := newFixture(t, nil)
		require.NoError(t, f.reg.Refuse(ctx, f.act("C-0001", marketing)))
		f.now = t0.Add(time.Minute)
		require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	})
}

func TestRefusalDoesNotBlockServiceL5(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Refuse(ctx, f.act("C-0001", marketing, analytics)))
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", sharing)))
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", sharing)))

	assert.Equal(t, consent.Decision{Allowed: true, Basis: custos.BasisContract}, f.check("C-0001", servicing, "customer", "name", "mobile"),
		"the contract purpose is decided by its own basis")
	assert.Equal(t, "consent-refused", f.check("C-0001", marketing, "customer", "mobile").Reason)
	assert.Equal(t, "consent-withdrawn", f.check("C-0001", sharing, "customer", "resident_id").Reason)
}

func TestGuardianForMinorL8(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a := f.act("C-0100", marketing)
	a.Minor, a.Guardian = true, &consent.Guardian{ID: "C-0099", Relation: "parent"}
	require.NoError(t, f.reg.Grant(ctx, a))
	assert.True(t, f.check("C-0100", marketing, "customer", "mobile").Allowed)
	h := mustHistory(t, f, "C-0100", marketing)
	assert.Equal(t, consent.Guardian{ID: "C-0099", Relation: "parent"}, h[0].Guardian)
	assert.True(t, f.status("C-0100", marketing).Record.Minor)

	born := time.Date(2012, 3, 2, 0, 0, 0, 0, time.UTC)
	assert.True(t, consent.IsMinor(born, t0), "13 the day before the 14th birthday")
	assert.False(t, consent.IsMinor(born, t0.Add(24*time.Hour)), "14 on the birthday")
}

func TestSignalsL2(t *testing.T) {
	for _, tc := range []struct {
		s        consent.Signal
		explicit bool
	}{
		{consent.SignalNone, false}, {consent.SignalClick, true}, {consent.SignalSignature, true},
		{consent.SignalVoice, true}, {consent.SignalMessage, true}, {consent.SignalPreTicked, false}, {consent.SignalSilence, false},
	} {
		t.Run(tc.s.String(), func(t *testing.T) {
			assert.Equal(t, tc.explicit, tc.s.Explicit())
			f := newFixture(t, nil)
			a := f.act("C-0001", marketing)
			a.Signal = tc.s
			err := f.reg.Grant(context.Background(), a)
			if tc.explicit {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, consent.ErrNotExplicit)
			}
		})
	}
}

func TestConcurrentActsOnOneRecord(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	second := f.registry(nil)
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			r := f.reg
			if i%2 == 1 {
				r = second
			}
			errs <- r.Grant(ctx, f.act("C-0001", marketing))
		}()
	}
	won := 0
	for range 16 {
		err := <-errs
		if err == nil {
			won++
			continue
		}
		assert.ErrorIs(t, err, consent.ErrState, "the losers see the consent already live")
	}
	assert.Equal(t, 1, won)
	assert.Len(t, mustHistory(t, f, "C-0001", marketing), 1)
}

func TestAuditFailure(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	f.events.fail = errors.New("log unavailable")
	err := f.reg.Withdraw(ctx, f.act("C-0001", marketing))
	require.ErrorIs(t, err, consent.ErrAudit)
	assert.Equal(t, "consent-withdrawn", f.check("C-0001", marketing, "customer", "mobile").Reason,
		"an audit outage never undoes a withdrawal")
}

func mustHistory(t *testing.T, f *fixture, s custos.SubjectID, p custos.PurposeID) []consent.Entry {
	t.Helper()
	return f.history(s, p)
}

// TestRestrictedCustomer: a customer in storage-only state (PIPL Art. 47
// ¶2) may still withdraw, refuse and have consent ended (PIPL Art. 15), but
// consent is not asked for, given or renewed until the restriction ends.
func TestRestrictedCustomer(t *testing.T) {
	ctx := context.Background()
	handler := custos.Actor{ID: "staff-004", Role: "dpo"}
	for _, tc := range []struct {
		name string
		act  func(f *fixture) error
		want consent.State // of analytics after the act
	}{
		{"withdraw", func(f *fixture) error { return f.reg.Withdraw(ctx, f.act("C-0001", analytics)) }, consent.StateWithdrawn},
		{"revoke", func(f *fixture) error {
			return f.reg.Revoke(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{analytics}, Actor: handler, Reason: "restricted"})
		}, consent.StateRevoked},
		{"invalidate", func(f *fixture) error {
			return f.reg.Invalidate(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{analytics}, Actor: handler, Reason: "signer-not-authorized"})
		}, consent.StateInvalidated},
		{"refuse after a withdrawal", func(f *fixture) error {
			require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", analytics)))
			return f.reg.Refuse(ctx, f.act("C-0001", analytics))
		}, consent.StateRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", analytics)))
			f.subjects.set("C-0001", custos.SubjectRestricted)
			require.NoError(t, tc.act(f))
			assert.Equal(t, tc.want, f.status("C-0001", analytics).State)
			assert.False(t, f.check("C-0001", analytics, "lease", "months").Allowed)
			require.ErrorIs(t, f.reg.Grant(ctx, f.act("C-0001", analytics)), consent.ErrRestricted, "no new consent while restricted")
			f.subjects.set("C-0001", custos.SubjectActive)
			require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", analytics)), "consent may be given again once the restriction ends")
		})
	}
}

// TestInvalidateDPV: the DPV Invalidated state has its act, with history,
// audit event and the Checker refusing after it (issue 10).
func TestInvalidateDPV(t *testing.T) {
	ctx := context.Background()
	job := consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: custos.Actor{ID: "batch-notice", Role: "job"}}
	t.Run("after a change of notice generation", func(t *testing.T) {
		f := newFixture(t, nil)
		require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
		f.reg = f.registry(func(c *consent.Config) { c.Purposes[1].Fields["customer"] = []string{"name", "mobile", "note"} })
		assert.Equal(t, "notice-changed", f.check("C-0001", marketing, "customer", "mobile").Reason, "refused before Invalidate records it")

		require.NoError(t, f.reg.Invalidate(ctx, job))
		h := f.history("C-0001", marketing)
		require.Len(t, h, 2)
		assert.Equal(t, custos.ActionConsentInvalidate, h[1].Action)
		assert.Equal(t, consent.StateInvalidated, h[1].State)
		assert.Equal(t, "notice-changed", h[1].Reason, "the default reason")
		assert.Equal(t, "system", h[1].Channel)
		st := f.status("C-0001", marketing)
		assert.Equal(t, consent.StateInvalidated, st.Record.State, "stored, not only in force")
		assert.Equal(t, "consent-invalidated", st.Reason)
		assert.Equal(t, consent.Decision{Reason: "consent-invalidated"}, f.check("C-0001", marketing, "customer", "mobile"))

		evs := f.events.list()
		inv := evs[len(evs)-3] // then the history and status reads
		assert.Equal(t, custos.ActionConsentInvalidate, inv.Action)
		assert.Equal(t, custos.OutcomeAllowed, inv.Outcome)

		require.ErrorIs(t, f.reg.Renew(ctx, f.act("C-0001", marketing)), consent.ErrNoConsent, "an invalidated consent is not renewed")
		require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)), "it is given again on the current notice")
		assert.True(t, f.check("C-0001", marketing, "customer", "mobile").Allowed)
	})
	t.Run("a defective consent on the current notice", func(t *testing.T) {
		f := newFixture(t, nil)
		require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
		defective := job
		defective.Reason = "signer-not-authorized"
		require.NoError(t, f.reg.Invalidate(ctx, defective))
		assert.Equal(t, "signer-not-authorized", f.history("C-0001", marketing)[1].Reason)
		assert.Equal(t, consent.Decision{Reason: "consent-invalidated"}, f.check("C-0001", marketing, "customer", "mobile"))
		err := f.reg.Invalidate(ctx, defective)
		require.ErrorIs(t, err, consent.ErrNoConsent, "nothing live to invalidate")
	})
}

// TestAuditOrderOfActs: acts that ask for, give or renew consent record
// their event before the change and change nothing when it cannot be
// recorded; acts that stop processing are stored first, so that an audit
// outage never keeps a consent alive (PIPL Art. 15).
func TestAuditOrderOfActs(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		act   func(f *fixture) error
		kept  bool
	}{
		{"request", nil, func(f *fixture) error { return f.reg.Request(ctx, f.act("C-0001", marketing)) }, false},
		{"grant", nil, func(f *fixture) error { return f.reg.Grant(ctx, f.act("C-0001", marketing)) }, false},
		{"renew", func(f *fixture) { require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing))) },
			func(f *fixture) error { return f.reg.Renew(ctx, f.act("C-0001", marketing)) }, false},
		{"withdraw", func(f *fixture) { require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing))) },
			func(f *fixture) error { return f.reg.Withdraw(ctx, f.act("C-0001", marketing)) }, true},
		{"refuse", nil, func(f *fixture) error { return f.reg.Refuse(ctx, f.act("C-0001", marketing)) }, true},
		{"invalidate", func(f *fixture) { require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing))) },
			func(f *fixture) error {
				return f.reg.Invalidate(ctx, consent.Act{Subject: "C-0001", Purposes: []custos.PurposeID{marketing}, Actor: app, Reason: "defective"})
			}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			if tc.setup != nil {
				tc.setup(f)
			}
			before := f.snapshot("C-0001")
			f.events.fail = errors.New("log unavailable")
			require.ErrorIs(t, tc.act(f), consent.ErrAudit)
			if tc.kept {
				assert.NotEqual(t, before, f.snapshot("C-0001"), "the change stands")
			} else {
				assert.Equal(t, before, f.snapshot("C-0001"), "fail closed: nothing stored")
			}
		})
	}
}

// TestWithdrawalOfACustomerTheVaultDoesNotHold: a live consent recorded
// before its customer left the vault (or before acts checked the vault)
// can still be withdrawn (PIPL Art. 15); nothing new is recorded for such
// a customer.
func TestWithdrawalOfACustomerTheVaultDoesNotHold(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	f.subjects.set("C-0001", custos.SubjectUnknown)
	f.subjects.set("C-0002", custos.SubjectUnknown)
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", marketing)))
	assert.Equal(t, "consent-withdrawn", f.check("C-0001", marketing, "customer", "mobile").Reason)
	require.ErrorIs(t, f.reg.Withdraw(ctx, f.act("C-0002", marketing)), consent.ErrNoConsent, "a withdrawal creates nothing")
	assert.Empty(t, f.snapshot("C-0002").Records)
	require.ErrorIs(t, f.reg.Grant(ctx, f.act("C-0001", marketing)), consent.ErrUnknownSubject)
}
