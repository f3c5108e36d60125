package consent_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

// consentHistory gives C-0001 consents in every shape an erasure meets:
// marketing given then withdrawn, analytics asked and refused (never
// given), credit sharing given by a guardian with signed evidence. C-0002
// gives marketing consent and must be untouched.
func consentHistory(t testing.TB, f *fixture) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0001", marketing)))
	f.now = t0.Add(time.Hour)
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C-0001", marketing)))
	require.NoError(t, f.reg.Request(ctx, f.act("C-0001", analytics)))
	require.NoError(t, f.reg.Refuse(ctx, f.act("C-0001", analytics)))
	a := f.act("C-0001", sharing)
	a.Minor, a.Guardian, a.Evidence = true, &consent.Guardian{ID: "C-0099", Relation: "parent"}, "signed-doc-42"
	require.NoError(t, f.reg.Grant(ctx, a))
	require.NoError(t, f.reg.Grant(ctx, f.act("C-0002", marketing)))
	f.now = t0.Add(24 * time.Hour)
}

// wantErased is what erasing C-0001 after consentHistory reports: 3
// records and 5 entries removed; the histories of the two purposes once
// given kept.
func wantErased(keep time.Duration) custos.Erased {
	until := t0.Add(24*time.Hour + keep)
	kept := func(p custos.PurposeID, n int) custos.Kept {
		return custos.Kept{
			What:  fmt.Sprintf("consent state history of purpose %q, keyed by pseudonymous reference, without subject, actor, guardian, evidence or request identifiers", p),
			Count: n, Rule: consent.ProofRule, Until: until,
		}
	}
	return custos.Erased{Component: "consent", Removed: 8, Kept: []custos.Kept{kept(sharing, 1), kept(marketing, 2)}}
}

func TestEraseSubject(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	consentHistory(t, f)
	other := f.snapshot("C-0002")
	n := len(f.events.list())

	erased, err := f.reg.EraseSubject(ctx, eraser, "C-0001")
	require.NoError(t, err)
	assert.Equal(t, wantErased(consent.DefaultProofRetention), erased)

	ev := f.events.list()[n]
	assert.Equal(t, custos.ActionConsentErase, ev.Action)
	assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
	assert.Equal(t, custos.BasisLegalDuty, ev.Basis)
	assert.Equal(t, []string{"analytics", "credit-sharing", "marketing"}, ev.Fields)
	assert.Equal(t, eraser, ev.Access)

	t.Run("nothing is left under the subject", func(t *testing.T) {
		s := f.snapshot("C-0001")
		assert.Empty(t, s.Records)
		for p, h := range s.History {
			assert.Empty(t, h, "history of %s", p)
		}
		assert.Equal(t, other, f.snapshot("C-0002"), "another customer is untouched")
	})
	t.Run("reads report nothing given", func(t *testing.T) {
		for _, p := range []custos.PurposeID{marketing, analytics, sharing} {
			assert.Equal(t, consent.Status{State: consent.StateUnknown, Reason: "no-consent"}, f.status("C-0001", p))
			assert.Empty(t, f.history("C-0001", p))
		}
		rs, err := f.reg.Receipts(ctx, dpo, "C-0001")
		require.NoError(t, err)
		assert.Empty(t, rs)
	})
	t.Run("the checker refuses every consent-based read", func(t *testing.T) {
		assert.Equal(t, consent.Decision{Reason: "no-consent"}, f.check("C-0001", sharing, "customer", "name"))
		assert.Equal(t, consent.Decision{Reason: "no-consent"}, f.check("C-0001", marketing, "customer", "mobile"))
		assert.True(t, f.check("C-0002", marketing, "customer", "mobile").Allowed)
	})
	t.Run("the proof kept is pseudonymous", func(t *testing.T) {
		p, err := f.reg.Proof(ctx, dpo, "C-0001")
		require.NoError(t, err)
		notice, _ := f.reg.NoticeFor(marketing)
		role := app.Role
		assert.Equal(t, consent.Proof{At: t0.Add(24 * time.Hour), Until: wantErased(consent.DefaultProofRetention).Kept[0].Until, Entries: []consent.ProofEntry{
			{Purpose: sharing, Seq: 1, Time: t0.Add(time.Hour), Action: custos.ActionConsentGrant, State: consent.StateGiven, Role: role,
				Channel: "app", Signal: consent.SignalClick, Notice: notice.Version, Language: consent.LangZH, Guardian: true},
			{Purpose: marketing, Seq: 1, Time: t0, Action: custos.ActionConsentGrant, State: consent.StateGiven, Role: role,
				Channel: "app", Signal: consent.SignalClick, Notice: notice.Version, Language: consent.LangZH},
			{Purpose: marketing, Seq: 2, Time: t0.Add(time.Hour), Action: custos.ActionConsentWithdraw, State: consent.StateWithdrawn, Role: role,
				Channel: "app", Signal: consent.SignalClick, Notice: notice.Version, Language: consent.LangZH},
		}}, p, "no subject, actor id, guardian, evidence, request or record id; refusals never given are not kept")
		assert.Equal(t, custos.ActionConsentProof, f.events.last().Action)
		_, err = f.reg.Proof(ctx, marketer, "C-0001")
		require.ErrorIs(t, err, consent.ErrDenied)
		_, err = f.reg.Proof(ctx, dpo, "C-0002")
		require.ErrorIs(t, err, consent.ErrNotFound, "a customer never erased has no proof")
	})
	t.Run("a second call finds nothing more and reports the same", func(t *testing.T) {
		before := f.snapshot("C-0001")
		again, err := f.reg.EraseSubject(ctx, eraser, "C-0001")
		require.NoError(t, err)
		assert.Equal(t, erased, again)
		assert.Equal(t, before, f.snapshot("C-0001"))
	})
	t.Run("acts on the customer are refused by the store", func(t *testing.T) {
		// The fake vault still answers "active": the store's erasure
		// refuses the act in the act's own transaction.
		before, n := f.snapshot("C-0001"), len(f.events.list())
		for _, act := range []func(context.Context, consent.Act) error{f.reg.Grant, f.reg.Request, f.reg.Refuse} {
			err := act(ctx, f.act("C-0001", marketing))
			require.ErrorIs(t, err, consent.ErrForgotten)
			var ref *consent.Refusal
			require.ErrorAs(t, err, &ref)
			assert.Equal(t, "subject-forgotten", ref.Reason)
		}
		assert.Equal(t, before, f.snapshot("C-0001"), "nothing written")
		assert.Equal(t, "subject-forgotten", f.events.last().Reason, "the refusal is recorded")
		assert.Greater(t, len(f.events.list()), n)
	})
}

// TestEraseSubjectRefusals: a malformed or unauthorized erasure, or one
// whose event cannot be recorded, erases nothing.
func TestEraseSubjectRefusals(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		acc    custos.Access
		subj   custos.SubjectID
		fail   bool
		want   error
		reason string // of the denied event; "" when none is recorded
	}{
		{"no actor", custos.Access{Actor: custos.Actor{Role: "dpo"}, Purpose: erasure}, "C-0001", false, custos.ErrNoActor, ""},
		{"invalid subject", eraser, custos.SubjectID(secret + " x"), false, custos.ErrInvalidSubject, ""},
		{"a purpose that may not forget", dpo, "C-0001", false, consent.ErrDenied, "action-not-allowed"},
		{"an undeclared purpose", custos.Access{Actor: eraser.Actor, Purpose: "spaceship"}, "C-0001", false, consent.ErrDenied, "purpose-unknown"},
		{"the audit log is down", eraser, "C-0001", true, consent.ErrAudit, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			consentHistory(t, f)
			before, n := f.snapshot("C-0001"), len(f.events.list())
			if tc.fail {
				f.events.fail = errors.New("log unavailable")
			}
			erased, err := f.reg.EraseSubject(ctx, tc.acc, tc.subj)
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), secret)
			assert.Zero(t, erased)
			f.events.fail = nil
			assert.Equal(t, before, f.snapshot("C-0001"), "nothing erased")
			evs := f.events.list()[n:]
			if tc.reason == "" {
				assert.Empty(t, evs)
				return
			}
			require.Len(t, evs, 1)
			assert.Equal(t, custos.ActionConsentErase, evs[0].Action)
			assert.Equal(t, custos.OutcomeDenied, evs[0].Outcome)
			assert.Equal(t, tc.reason, evs[0].Reason)
		})
	}
}

// TestEraseSubjectUnderEveryFault fails each store call of EraseSubject in
// turn, before and after it runs: a rerun ends erased, with the proof kept
// once and the same Erased reported.
func TestEraseSubjectUnderEveryFault(t *testing.T) {
	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		storetest.EveryFault(t, when, 40, func(t *testing.T, faults *storetest.Faults) {
			eraseUnderFault(t, memstore.New().Consent(), faults)
		})
	}
}

func eraseUnderFault(t *testing.T, inner consent.Store, faults *storetest.Faults) {
	ctx := context.Background()
	f := &fixture{t: t, store: inner, events: &events{}, subjects: &subjects{}, now: t0}
	f.reg = f.registry(nil)
	consentHistory(t, f)
	other := f.snapshot("C-0002")

	// New publishes the notices: the fault may strike there too.
	reg, err := consent.New(ctx, withStore(f.config(), storetest.FaultyConsent(inner, faults)))
	if err != nil {
		require.ErrorIs(t, err, storetest.ErrInjected)
		faults.Disarm()
		reg, err = consent.New(ctx, withStore(f.config(), storetest.FaultyConsent(inner, faults)))
		require.NoError(t, err)
	}
	first, err := reg.EraseSubject(ctx, eraser, "C-0001")
	if err != nil {
		require.ErrorIs(t, err, storetest.ErrInjected)
	}
	faults.Disarm()
	again, err := reg.EraseSubject(ctx, eraser, "C-0001")
	require.NoError(t, err, "the rerun completes")
	want := wantErased(consent.DefaultProofRetention)
	assert.Equal(t, want, again)
	if first.Component != "" {
		assert.Equal(t, want, first)
	}
	s := f.snapshot("C-0001")
	assert.Empty(t, s.Records)
	require.True(t, s.Erased)
	assert.Len(t, s.Erasure.Proof, 3, "the proof kept once")
	assert.Equal(t, 8, s.Erasure.Removed, "nothing counted twice")
	assert.Equal(t, other, f.snapshot("C-0002"))
}

func withStore(c consent.Config, s consent.Store) consent.Config {
	c.Store = s
	return c
}

// TestPurgeProof: the proof is kept for Config.ProofRetention after the
// erasure, then PurgeProof deletes it; the erasure stays, refusing acts.
func TestPurgeProof(t *testing.T) {
	ctx := context.Background()
	keep := 30 * 24 * time.Hour
	f := newFixture(t, func(c *consent.Config) { c.ProofRetention = keep })
	consentHistory(t, f)
	erased, err := f.reg.EraseSubject(ctx, eraser, "C-0001")
	require.NoError(t, err)
	assert.Equal(t, wantErased(keep), erased)

	_, err = f.reg.PurgeProof(ctx, dpo)
	require.ErrorIs(t, err, consent.ErrDenied, "a purpose not declared to purge")
	assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome)

	f.now = erased.Kept[0].Until.Add(-time.Second)
	n, err := f.reg.PurgeProof(ctx, eraser)
	require.NoError(t, err)
	assert.Zero(t, n, "not before the end of retention")
	f.now = erased.Kept[0].Until
	n, err = f.reg.PurgeProof(ctx, eraser)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	ev := f.events.last()
	assert.Equal(t, custos.ActionConsentPurge, ev.Action)
	assert.Empty(t, ev.Subject, "a purge names no customer")

	p, err := f.reg.Proof(ctx, dpo, "C-0001")
	require.NoError(t, err)
	assert.Equal(t, consent.Proof{At: t0.Add(24 * time.Hour)}, p, "no proof, no retention date")
	again, err := f.reg.EraseSubject(ctx, eraser, "C-0001")
	require.NoError(t, err)
	assert.Equal(t, custos.Erased{Component: "consent", Removed: 8}, again, "nothing kept any more")
	require.ErrorIs(t, f.reg.Grant(ctx, f.act("C-0001", marketing)), consent.ErrForgotten, "the erasure still refuses acts")
	n, err = f.reg.PurgeProof(ctx, eraser)
	require.NoError(t, err)
	assert.Zero(t, n, "idempotent")
}
