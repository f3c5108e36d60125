package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// consentOffice answers requests about consent records: it reads states,
// histories, receipts and the proof kept after an erasure.
const consentOffice custos.PurposeID = "consent-office"

var office = custos.Access{Actor: custos.Actor{ID: "staff-005", Role: "dpo"}, Purpose: consentOffice}

// consentPolicy is the registry's policy over the test schema: the
// contract, marketing by consent, analytics by consent, the erasure duty
// and the consent office.
func consentPolicy() ([]consent.Purpose, []consent.Notice) {
	text := func(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }
	purposes := []consent.Purpose{
		{ID: servicing, Description: text("Servicing the lease"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"lease": {"contract"}}},
		{ID: marketing, Description: text("Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		{ID: "analytics", Description: text("Statistics"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"lease": {"months"}}},
		{ID: "surveys", Description: text("Satisfaction surveys"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name"}}},
		{ID: erasure, Description: text("Erasure"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47", Notice: "privacy",
			Actions: []custos.Action{custos.ActionForget, custos.ActionConsentPurge}},
		{ID: consentOffice, Description: text("Consent records"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 45", Notice: "privacy",
			Actions: []custos.Action{custos.ActionConsentStatus, custos.ActionConsentHistory, custos.ActionConsentReceipt, custos.ActionConsentProof}},
	}
	notices := []consent.Notice{{
		ID: "privacy", Controller: consent.Party{Name: "Example Leasing Co., Ltd.", Contact: "privacy@leasing.example"},
		Methods: []string{"collection"}, Retention: text("Ten years"), AtExpiry: text("Deleted"), Rights: text("Write to us"),
		Withdrawal: text("Settings > Privacy"), Body: text("How we process"), StorageLocation: "CN", Jurisdiction: "CN",
	}}
	return purposes, notices
}

// consentFixture is a consent registry over an adapter's consent store,
// beside the fixture's vault, which tells it each customer's state.
type consentFixture struct {
	*fixture
	store consent.Store
	reg   *consent.Registry
}

func newConsentFixture(t *testing.T, open Opener) *consentFixture {
	t.Helper()
	return consentFixtureOn(t, newFixture(t, open))
}

// consentFixtureOn is newConsentFixture over a fixture built already.
func consentFixtureOn(t *testing.T, fx *fixture) *consentFixture {
	t.Helper()
	f := &consentFixture{fixture: fx}
	f.store = consentStoreOf(t, f.db)
	f.reg = f.registry(f.store)
	return f
}

// registry builds a registry over store with the fixture's policy, vault,
// keys, recorder and clock.
func (f *consentFixture) registry(store consent.Store) *consent.Registry {
	f.t.Helper()
	r, err := f.newRegistry(store)
	require.NoError(f.t, err)
	return r
}

func (f *consentFixture) newRegistry(store consent.Store) (*consent.Registry, error) {
	purposes, notices := consentPolicy()
	return consent.New(context.Background(), consent.Config{
		Purposes: purposes, Notices: notices, Fields: testSchema().Classes(), Store: store, Recorder: f.events,
		Subjects: vault.Subjects(f.db.Vault(), f.keys), Pseudonyms: f.keys, Clock: f.clock,
	})
}

// act is a valid explicit act of subject on the current notice.
func (f *consentFixture) act(subject custos.SubjectID, p custos.PurposeID) consent.Act {
	n, ok := f.reg.NoticeFor(p)
	require.True(f.t, ok)
	return consent.Act{
		Subject: subject, Purposes: []custos.PurposeID{p}, Actor: custos.Actor{ID: "svc-app", Role: "channel"},
		Channel: "app", Signal: consent.SignalClick, Notice: n.Version, Language: consent.LangZH, Evidence: "form-0001",
	}
}

// consentSnapshot is everything the consent store holds about a customer.
type consentSnapshot struct {
	Records []consent.Record
	History map[custos.PurposeID][]consent.Entry
	Erasure consent.Erasure
	ErasErr string
}

func (f *consentFixture) snapshot(subject custos.SubjectID) consentSnapshot {
	f.t.Helper()
	ctx := context.Background()
	recs, err := f.store.SubjectConsents(ctx, subject)
	require.NoError(f.t, err)
	s := consentSnapshot{Records: recs, History: map[custos.PurposeID][]consent.Entry{}}
	purposes, _ := consentPolicy()
	for _, p := range purposes {
		h, err := f.store.History(ctx, subject, p.ID)
		require.NoError(f.t, err)
		s.History[p.ID] = h
	}
	if s.Erasure, err = f.store.GetErasure(ctx, f.keys.Reference(subject)); err != nil {
		require.ErrorIs(f.t, err, consent.ErrNotFound)
		s.ErasErr = err.Error()
	}
	return s
}

// check asks the registry's Checker about a marketing read of C1's mobile.
func (f *consentFixture) check(subject custos.SubjectID) custos.Decision {
	f.t.Helper()
	d, err := f.reg.Checker().Authorize(context.Background(), custos.AccessRequest{
		Access: market, Action: custos.ActionGet, Subject: subject, RecordType: "customer", Fields: []string{"mobile"},
	})
	require.NoError(f.t, err)
	return d
}

func runConsentRegistry(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("bad-acts", func(t *testing.T) { runConsentBadActs(t, open) })

	t.Run("erase", func(t *testing.T) {
		f := newConsentFixture(t, open)
		f.customer("C1")
		f.customer("C2")
		require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
		require.NoError(t, f.reg.Withdraw(ctx, f.act("C1", marketing)))
		require.NoError(t, f.reg.Refuse(ctx, f.act("C1", "analytics")))
		require.NoError(t, f.reg.Grant(ctx, f.act("C2", marketing)))
		other := f.snapshot("C2")

		erased, err := f.reg.EraseSubject(ctx, dpo, "C1")
		require.NoError(t, err)
		assert.Equal(t, "consent", erased.Component)
		assert.Equal(t, 5, erased.Removed, "2 records, 3 history entries")
		require.Len(t, erased.Kept, 1, "only marketing was ever given")
		assert.Equal(t, 2, erased.Kept[0].Count)
		assert.Equal(t, consent.ProofRule, erased.Kept[0].Rule)
		assert.Equal(t, t0.Add(consent.DefaultProofRetention), erased.Kept[0].Until)

		s := f.snapshot("C1")
		assert.Empty(t, s.Records)
		assert.Empty(t, s.History[marketing])
		assert.Empty(t, s.History["analytics"])
		assert.Len(t, s.Erasure.Proof, 2)
		assert.Equal(t, other, f.snapshot("C2"), "another customer untouched")

		again, err := f.reg.EraseSubject(ctx, dpo, "C1")
		require.NoError(t, err)
		assert.Equal(t, erased, again, "a second call reports the same")
		assert.Equal(t, s, f.snapshot("C1"), "and changes nothing")

		st, err := f.reg.Status(ctx, office, "C1", marketing)
		require.NoError(t, err)
		assert.Equal(t, consent.StateUnknown, st.State)
		assert.Equal(t, "no-consent", f.check("C1").Reason)
		// The vault still holds C1: the store's erasure refuses the act.
		require.ErrorIs(t, f.reg.Grant(ctx, f.act("C1", marketing)), consent.ErrForgotten)
		assert.Equal(t, s, f.snapshot("C1"))

		_, err = f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL Art. 47(1)(1)"})
		require.NoError(t, err)
		err = f.reg.Grant(ctx, f.act("C1", marketing))
		require.ErrorIs(t, err, consent.ErrForgotten, "and so does the vault's state")
		p, err := f.reg.Proof(ctx, office, "C1")
		require.NoError(t, err)
		assert.Equal(t, s.Erasure.Proof, p.Entries)
	})

	for _, when := range []When{Before, After} {
		t.Run("erase-every-fault-"+whenName(when), func(t *testing.T) {
			EveryFault(t, when, 40, func(t *testing.T, faults *Faults) { eraseUnderEveryFault(t, open, faults) })
		})
	}

	t.Run("erase-racing-acts", func(t *testing.T) {
		// Grants of three purposes race one erasure. Whatever the order,
		// the erasure ends with no record of the customer: a grant
		// committed first is erased with the rest (the erasure retries on
		// the new records), a later one is refused.
		f := newConsentFixture(t, open)
		f.customer("C1")
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for _, p := range []custos.PurposeID{marketing, "analytics", "surveys"} {
			wg.Go(func() { errs <- f.reg.Grant(ctx, f.act("C1", p)) })
		}
		erased, err := f.reg.EraseSubject(ctx, dpo, "C1")
		wg.Wait()
		close(errs)
		require.NoError(t, err)
		refused := 0
		for err := range errs {
			if err != nil {
				require.ErrorIs(t, err, consent.ErrForgotten)
				refused++
			}
		}
		s := f.snapshot("C1")
		assert.Empty(t, s.Records, "no record survives the erasure")
		assert.Len(t, erased.Kept, 3-refused, "every grant that committed is kept as proof")
		assert.Equal(t, 2*(3-refused), erased.Removed)
	})

	t.Run("reads-are-audited", func(t *testing.T) {
		f := newConsentFixture(t, open)
		f.customer("C1")
		require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
		h, err := f.reg.History(ctx, office, "C1", marketing)
		require.NoError(t, err)
		require.Len(t, h, 1)
		ev := f.events.last()
		assert.Equal(t, custos.ActionConsentHistory, ev.Action)
		assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
		_, err = f.reg.History(ctx, market, "C1", marketing)
		require.ErrorIs(t, err, consent.ErrDenied)
		assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome)
	})
}

// eraseUnderEveryFault erases C1 through a fault-injecting wrapper of the
// adapter's consent store, then reruns without faults: the end state is
// the same whichever call failed, the proof kept once.
func eraseUnderEveryFault(t *testing.T, open Opener, faults *Faults) {
	ctx := context.Background()
	f := newConsentFixture(t, open)
	f.customer("C1")
	require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
	require.NoError(t, f.reg.Withdraw(ctx, f.act("C1", marketing)))
	require.NoError(t, f.reg.Refuse(ctx, f.act("C1", "analytics")))

	reg, err := f.newRegistry(FaultyConsent(f.store, faults))
	if err != nil { // New publishes the notices: the fault may strike there
		require.ErrorIs(t, err, ErrInjected)
		faults.Disarm()
		reg = f.registry(FaultyConsent(f.store, faults))
	}
	first, err := reg.EraseSubject(ctx, dpo, "C1")
	if err != nil {
		require.ErrorIs(t, err, ErrInjected)
	}
	faults.Disarm()
	again, err := reg.EraseSubject(ctx, dpo, "C1")
	require.NoError(t, err, "the rerun completes")
	if first.Component != "" {
		assert.Equal(t, again, first)
	}
	assert.Equal(t, 5, again.Removed, "nothing counted twice")
	require.Len(t, again.Kept, 1)
	s := f.snapshot("C1")
	assert.Empty(t, s.Records)
	assert.Len(t, s.Erasure.Proof, 2, "the proof kept once")
	assert.Equal(t, t0, s.Erasure.At, "the first erasure's time is kept")
}

func runConsentBadActs(t *testing.T, open Opener) {
	ctx := context.Background()
	const secret = "13912345678"
	for _, tc := range []struct {
		name   string
		setup  func(f *consentFixture)
		act    func(f *consentFixture) error
		want   error
		reason string // of the denied event; "" for malformed input
	}{
		{"evidence holding a mobile and a resident ID", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "signed by " + secret + " id 11010519491231002X"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding a resident ID in full-width digits", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "id-１１０１０５１９４９１２３１００２Ｘ"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding a card number", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "card_6217000000000000004"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence holding an e-mail address", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "mailto:zhang.san@example.com"
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"evidence that is free text", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "signed at the branch"
			return f.reg.Grant(ctx, a)
		}, consent.ErrInvalidAct, ""},
		{"evidence with a NUL", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Evidence = "form\x000001"
			return f.reg.Grant(ctx, a)
		}, custos.ErrInvalidText, ""},
		{"reason with a right-to-left override", func(f *consentFixture) {
			require.NoError(f.t, f.reg.Grant(ctx, f.act("C1", marketing)))
		}, func(f *consentFixture) error {
			return f.reg.Revoke(ctx, consent.Act{Subject: "C1", Purposes: []custos.PurposeID{marketing}, Actor: dpo.Actor, Reason: "closed\u202e"})
		}, custos.ErrInvalidText, ""},
		{"guardian named by mobile number", nil, func(f *consentFixture) error {
			a := f.act("C1", marketing)
			a.Minor, a.Guardian = true, &consent.Guardian{ID: "+86 139 1234 5678", Relation: "parent"}
			return f.reg.Grant(ctx, a)
		}, consent.ErrPersonalData, ""},
		{"consent for a customer the vault does not hold", nil, func(f *consentFixture) error {
			return f.reg.Grant(ctx, f.act("C9", marketing))
		}, consent.ErrUnknownSubject, "subject-unknown"},
		{"consent for a forgotten customer", func(f *consentFixture) {
			_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL Art. 47(1)(1)"})
			require.NoError(f.t, err)
		}, func(f *consentFixture) error {
			return f.reg.Grant(ctx, f.act("C1", marketing))
		}, consent.ErrForgotten, "subject-forgotten"},
		{"consent for a restricted customer", func(f *consentFixture) {
			require.NoError(f.t, f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34: records kept ten years"))
		}, func(f *consentFixture) error {
			return f.reg.Grant(ctx, f.act("C1", marketing))
		}, consent.ErrRestricted, "subject-restricted"},
		{"invalidate with no consent", nil, func(f *consentFixture) error {
			return f.reg.Invalidate(ctx, consent.Act{Subject: "C1", Purposes: []custos.PurposeID{marketing}, Actor: dpo.Actor})
		}, consent.ErrNoConsent, "no-consent"},
		{"erasure by a purpose that may not forget", nil, func(f *consentFixture) error {
			_, err := f.reg.EraseSubject(ctx, office, "C1")
			return err
		}, consent.ErrDenied, "action-not-allowed"},
		{"history read by a purpose not declared to read it", nil, func(f *consentFixture) error {
			_, err := f.reg.History(ctx, market, "C1", marketing)
			return err
		}, consent.ErrDenied, "action-not-allowed"},
		{"status read without an actor", nil, func(f *consentFixture) error {
			_, err := f.reg.Status(ctx, custos.Access{Purpose: consentOffice}, "C1", marketing)
			return err
		}, custos.ErrNoActor, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newConsentFixture(t, open)
			f.customer("C1")
			require.NoError(t, f.reg.Grant(ctx, f.act("C1", "analytics")))
			if tc.setup != nil {
				tc.setup(f)
			}
			before, n := f.snapshot("C1"), len(f.events.all())

			err := tc.act(f)
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), secret, "errors never repeat values")
			assert.Equal(t, before, f.snapshot("C1"), "nothing changed in the store")
			CheckRefusal(t, err, tc.reason, f.events.all()[n:])
		})
	}
	t.Run("a restricted customer may still withdraw", func(t *testing.T) {
		f := newConsentFixture(t, open)
		f.customer("C1")
		require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
		require.NoError(t, f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34: records kept ten years"))
		require.NoError(t, f.reg.Withdraw(ctx, f.act("C1", marketing)), "PIPL Art. 15")
		assert.Equal(t, "consent-withdrawn", f.check("C1").Reason)
	})
}

// CheckRefusal checks how a consent act or read that failed reports it:
// with reason "", as malformed input, which is no *consent.Refusal and
// records no event; otherwise as a *consent.Refusal with that reason and
// the remedy to tell the person (PIPL Art. 50), recorded in events, the
// audit events of the call, as denied with the same reason.
func CheckRefusal(t *testing.T, err error, reason string, events []custos.Event) {
	t.Helper()
	var ref *consent.Refusal
	if reason == "" {
		assert.False(t, errors.As(err, &ref), "malformed input is not a refusal")
		assert.Empty(t, events, "malformed input records nothing")
		return
	}
	require.ErrorAs(t, err, &ref)
	assert.Equal(t, reason, ref.Reason)
	assert.NotEmpty(t, ref.Remedy.EN, "the person is told of the right to complain (R6)")
	require.NotEmpty(t, events, "the refusal is recorded with its reason (R6)")
	for _, e := range events {
		assert.Equal(t, custos.OutcomeDenied, e.Outcome)
		assert.Equal(t, reason, e.Reason)
	}
}

// consentErasureStore checks the store's part of erasure: the erasure and
// its proof, the tombstone every write checks, the version check, and the
// purge.
func runConsentErasureStore(t *testing.T, open Opener) {
	ctx := context.Background()
	ref := func(s string) []byte { return []byte(fmt.Sprintf("%-32s", "ref-"+s)) }
	withRef := func(w consent.Write, r []byte) consent.Write { w.Ref = r; return w }
	proof := func(p custos.PurposeID, seq int64) consent.ProofEntry {
		return consent.ProofEntry{Purpose: p, Seq: seq, Time: t0.Add(time.Duration(seq) * time.Second), Action: custos.ActionConsentGrant,
			State: consent.StateGiven, Role: "channel", Channel: "app", Signal: consent.SignalClick, Notice: "sha256:n",
			Language: consent.LangZH, Guardian: seq == 1, Reason: "r"}
	}

	t.Run("erase-and-read-back", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S1", "b", 0, consent.StateGiven), ref("S1"))}))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S1", "b", 1, consent.StateWithdrawn), ref("S1"))}))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S1", "a", 0, consent.StateRefused), ref("S1"))}))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S2", "b", 0, consent.StateGiven), ref("S2"))}))
		_, err := s.GetErasure(ctx, ref("S1"))
		require.ErrorIs(t, err, consent.ErrNotFound)

		e := consent.Erasure{Subject: "S1", Ref: ref("S1"), Records: []consent.RecordVersion{{Purpose: "b", Version: 2}, {Purpose: "a", Version: 1}},
			Removed: 5, At: t0, Until: t0.Add(time.Hour), Proof: []consent.ProofEntry{proof("b", 2), proof("b", 1)}}
		require.NoError(t, s.Erase(ctx, e))
		all, err := s.SubjectConsents(ctx, "S1")
		require.NoError(t, err)
		assert.Empty(t, all)
		for _, p := range []custos.PurposeID{"a", "b"} {
			h, err := s.History(ctx, "S1", p)
			require.NoError(t, err)
			assert.Empty(t, h)
			_, err = s.GetConsent(ctx, "S1", p)
			assert.ErrorIs(t, err, consent.ErrNotFound)
		}
		_, err = s.GetConsent(ctx, "S2", "b")
		require.NoError(t, err, "another customer untouched")

		got, err := s.GetErasure(ctx, ref("S1"))
		require.NoError(t, err)
		assert.Equal(t, consent.Erasure{Ref: ref("S1"), Removed: 5, At: t0, Until: t0.Add(time.Hour),
			Proof: []consent.ProofEntry{proof("b", 1), proof("b", 2)}}, got, "sorted, every field round-trips")

		// Again, with nothing left: the first times are kept, the counts
		// added, proof already held not duplicated.
		again := consent.Erasure{Subject: "S1", Ref: ref("S1"), At: t0.Add(time.Minute), Until: t0.Add(2 * time.Hour),
			Proof: []consent.ProofEntry{proof("b", 1), proof("a", 1)}, Removed: 1}
		require.NoError(t, s.Erase(ctx, again))
		got, err = s.GetErasure(ctx, ref("S1"))
		require.NoError(t, err)
		assert.Equal(t, consent.Erasure{Ref: ref("S1"), Removed: 6, At: t0, Until: t0.Add(time.Hour),
			Proof: []consent.ProofEntry{proof("a", 1), proof("b", 1), proof("b", 2)}}, got)
	})

	t.Run("writes-after-erasure-are-refused", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Erase(ctx, consent.Erasure{Subject: "S1", Ref: ref("S1"), At: t0, Until: t0.Add(time.Hour)}))
		err := s.Apply(ctx, []consent.Write{
			withRef(grantWrite("S2", "a", 0, consent.StateGiven), ref("S2")),
			withRef(grantWrite("S1", "a", 0, consent.StateGiven), ref("S1")),
		})
		require.ErrorIs(t, err, consent.ErrForgotten)
		for _, subject := range []custos.SubjectID{"S1", "S2"} {
			_, err := s.GetConsent(ctx, subject, "a")
			assert.ErrorIs(t, err, consent.ErrNotFound, "no write of the batch applied")
		}
	})

	t.Run("erase-checks-versions", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S1", "a", 0, consent.StateGiven), ref("S1"))}))
		require.NoError(t, s.Apply(ctx, []consent.Write{withRef(grantWrite("S1", "b", 0, consent.StateGiven), ref("S1"))}))
		for _, tc := range []struct {
			name    string
			records []consent.RecordVersion
		}{
			{"a record missed", []consent.RecordVersion{{Purpose: "a", Version: 1}}},
			{"a stale version", []consent.RecordVersion{{Purpose: "a", Version: 1}, {Purpose: "b", Version: 2}}},
			{"a record that does not exist", []consent.RecordVersion{{Purpose: "a", Version: 1}, {Purpose: "b", Version: 1}, {Purpose: "c", Version: 1}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := s.Erase(ctx, consent.Erasure{Subject: "S1", Ref: ref("S1"), Records: tc.records, At: t0, Until: t0.Add(time.Hour),
					Proof: []consent.ProofEntry{proof("a", 1)}})
				require.ErrorIs(t, err, consent.ErrConflict)
				all, err := s.SubjectConsents(ctx, "S1")
				require.NoError(t, err)
				assert.Len(t, all, 2, "nothing erased")
				_, err = s.GetErasure(ctx, ref("S1"))
				assert.ErrorIs(t, err, consent.ErrNotFound, "no erasure stored")
			})
		}
	})

	t.Run("purge", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		for i, until := range []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour), t0.Add(3 * time.Hour)} {
			r := ref(fmt.Sprint(i))
			require.NoError(t, s.Erase(ctx, consent.Erasure{Subject: custos.SubjectID(fmt.Sprint("S", i)), Ref: r, At: t0, Until: until,
				Proof: []consent.ProofEntry{proof("a", 1), proof("a", 2)}}))
		}
		n, err := s.PurgeProof(ctx, t0.Add(time.Hour-time.Second), 10)
		require.NoError(t, err)
		assert.Zero(t, n)
		n, err = s.PurgeProof(ctx, t0.Add(2*time.Hour), 1)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "at most limit")
		n, err = s.PurgeProof(ctx, t0.Add(2*time.Hour), 10)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the rest that is due")
		for i, purged := range []bool{true, true, false} {
			e, err := s.GetErasure(ctx, ref(fmt.Sprint(i)))
			require.NoError(t, err, "the erasure stays")
			if purged {
				assert.Empty(t, e.Proof)
				assert.True(t, e.Until.IsZero())
			} else {
				assert.Len(t, e.Proof, 2)
			}
		}
		n, err = s.PurgeProof(ctx, t0.Add(2*time.Hour), 10)
		require.NoError(t, err)
		assert.Zero(t, n, "nothing purged twice")
	})

	t.Run("erasure-changes-auth-version", func(t *testing.T) {
		a := openT(t, open)
		s := consentStoreOf(t, a)
		require.NoError(t, a.Vault().PutRecord(ctx, write("S1", "customer", "e1", 0)))
		before, err := a.Vault().GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		if before.AuthVersion == 0 {
			t.Skip("the adapter keeps no authorization version: authorizers will not cache")
		}
		require.NoError(t, s.Erase(ctx, consent.Erasure{Subject: "S1", Ref: ref("S1"), At: t0, Until: t0.Add(time.Hour)}))
		after, err := a.Vault().GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		assert.NotEqual(t, before.AuthVersion, after.AuthVersion, "cached consent answers are not reused after an erasure")
	})
}
