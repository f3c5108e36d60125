package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

func runForget(t *testing.T, open Opener) {
	t.Run("fails-closed", func(t *testing.T) { testForgetFailsClosed(t, open) })
	t.Run("erases-consent", func(t *testing.T) { testForgetErasesConsent(t, open) })
	for _, when := range []When{Before, After} {
		t.Run("every-fault-"+whenName(when), func(t *testing.T) {
			EveryFault(t, when, 60, func(t *testing.T, faults *Faults) { forgetUnderEveryFault(t, open, faults) })
		})
	}
}

var forgetWhy = vault.Erasure{Ground: "PIPL 47(1)(2): service ended", Policy: "lease-closed"}

// erasingVault builds a vault over the given stores whose Forget erases
// the registry's consent records.
func (f *consentFixture) erasingVault(kr *keys.Keyring, store vault.Store, reg *consent.Registry) *vault.Vault {
	f.t.Helper()
	s := testSchema()
	al, err := vault.NewAllowList(s, testGrants(s))
	require.NoError(f.t, err)
	v, err := vault.New(vault.Config{
		Schema: s, Keys: kr, Store: store, Authorizer: al, Recorder: f.events, Erasers: []custos.Eraser{reg},
		Clock: f.clock, Search: vault.SearchConfig{ExpectedCustomers: f.population},
	})
	require.NoError(f.t, err)
	return v
}

// forgetState is everything that tells whether C1 is forgotten.
type forgetState struct {
	Tombstone vault.Tombstone
	TombErr   string
	Shredded  bool
	Customer  snapshot
	Consent   consentSnapshot
}

func (f *consentFixture) forgetState(subject custos.SubjectID) forgetState {
	f.t.Helper()
	ctx := context.Background()
	st := forgetState{Customer: f.fixture.snapshot(subject), Consent: f.snapshot(subject)}
	var err error
	if st.Tombstone, err = f.db.Vault().GetTombstone(ctx, f.keys.Reference(subject)); err != nil {
		st.TombErr = err.Error()
	}
	st.Shredded, err = f.keys.Shredded(ctx, subject)
	require.NoError(f.t, err)
	return st
}

// testForgetFailsClosed makes the recorder fail: Forget changes nothing,
// in the vault, the keys or consent, and says so with ErrAudit.
func testForgetFailsClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newConsentFixture(t, open)
	f.customer("C1")
	require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
	v := f.erasingVault(f.keys, f.db.Vault(), f.reg)
	before := f.forgetState("C1")
	require.Equal(t, vault.ErrNotFound.Error(), before.TombErr)

	f.events.Fail(errors.New("audit store unavailable"))
	cert, err := v.Forget(ctx, dpo, "C1", forgetWhy)
	require.ErrorIs(t, err, vault.ErrAudit)
	assert.Zero(t, cert)
	assert.Equal(t, before, f.forgetState("C1"), "nothing changed: no tombstone, key, records and consent intact")
	f.events.Fail(nil)
	r, err := v.Get(ctx, clerk, "C1", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C1"), r.Values["name"])

	// With the recorder back, the same call forgets, and its event holds
	// the certificate it returns.
	cert, err = v.Forget(ctx, dpo, "C1", forgetWhy)
	require.NoError(t, err)
	var ev custos.Event
	for _, e := range f.events.all() {
		if e.Action == custos.ActionForget {
			ev = e // the last
		}
	}
	var recorded vault.Certificate
	require.NoError(t, json.Unmarshal([]byte(ev.Detail), &recorded))
	assert.Equal(t, cert, recorded)
}

// testForgetErasesConsent checks that Forget erases the customer's consent
// records through Config.Erasers and lists the erasure on the
// certificate.
func testForgetErasesConsent(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newConsentFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
	require.NoError(t, f.reg.Refuse(ctx, f.act("C1", "analytics")))
	require.NoError(t, f.reg.Grant(ctx, f.act("C2", marketing)))
	v := f.erasingVault(f.keys, f.db.Vault(), f.reg)

	cert, err := v.Forget(ctx, dpo, "C1", forgetWhy)
	require.NoError(t, err)
	require.Len(t, cert.Erased, 1)
	assert.Equal(t, "consent", cert.Erased[0].Component)
	assert.Equal(t, 4, cert.Erased[0].Removed, "two records and their two history entries")
	require.Len(t, cert.Erased[0].Kept, 1, "proof of the consent given, none of the refusal")
	assert.Equal(t, consent.ProofRule, cert.Erased[0].Kept[0].Rule)
	assert.Equal(t, t0.Add(consent.DefaultProofRetention), cert.Erased[0].Kept[0].Until)
	s := f.snapshot("C1")
	assert.Empty(t, s.Records)
	assert.Len(t, s.Erasure.Proof, 1)
	assert.Len(t, f.snapshot("C2").Records, 1, "other customers keep theirs")
	var forgets int
	for _, e := range f.events.all() {
		if e.Action == custos.ActionForget {
			forgets++
		}
	}
	assert.Equal(t, 1, forgets, "the plan matched: no corrected certificate")
	assert.ErrorIs(t, f.reg.Grant(ctx, f.act("C1", marketing)), consent.ErrForgotten)
	st, err := v.SubjectState(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, custos.SubjectForgotten, st)
}

// forgetUnderEveryFault forgets C1 with the k-th call to any store
// failing, then forgets again without faults: whichever call failed, C1
// ends forgotten once, with one certificate, its consent erased once, and
// C2 untouched.
func forgetUnderEveryFault(t *testing.T, open Opener, faults *Faults) {
	ctx := context.Background()
	f := consentFixtureOn(t, buildFixture(t, open, &fixtureOptions{sharedLedger: true}))
	f.customer("C1")
	f.customer("C2")
	require.NoError(t, f.reg.Grant(ctx, f.act("C1", marketing)))
	cfg := keys.Config{KEK: f.kek, Store: FaultyKeys(f.db.Keys(), faults), Ledger: FaultyLedger(f.ledger.Ledger(), faults), Clock: f.clock}
	kr, err := keys.New(ctx, cfg)
	if err != nil { // New reads the reference key: the fault may strike there
		require.ErrorIs(t, err, ErrInjected)
		faults.Disarm()
		kr, err = keys.New(ctx, cfg)
		require.NoError(t, err)
	}
	reg, err := f.newRegistry(FaultyConsent(f.store, faults))
	if err != nil {
		require.ErrorIs(t, err, ErrInjected)
		faults.Disarm()
		reg = f.registry(FaultyConsent(f.store, faults))
	}
	v := f.erasingVault(kr, FaultyVault(f.db.Vault(), faults), reg)

	first, err := v.Forget(ctx, dpo, "C1", forgetWhy)
	if err != nil {
		require.ErrorIs(t, err, ErrInjected)
		assert.NotErrorIs(t, err, vault.ErrAudit)
	}
	faults.Disarm()
	if _, err := f.db.Vault().GetTombstone(ctx, f.keys.Reference("C1")); err == nil {
		// Fenced: every process reads the customer as forgotten, even with
		// the DEK in its cache, before the rerun deletes anything.
		_, err := f.vault.Get(ctx, clerk, "C1", "customer", "name")
		require.ErrorIs(t, err, vault.ErrForgotten)
	}
	again, err := v.Forget(ctx, dpo, "C1", forgetWhy)
	if first.ID != "" || errors.Is(err, vault.ErrForgotten) {
		require.ErrorIs(t, err, vault.ErrForgotten, "the erasure was done")
	} else {
		require.NoError(t, err, "the rerun completes the erasure")
	}
	if first.ID != "" {
		assert.Equal(t, first, again, "the rerun reports the same certificate")
	}
	cert := again

	st := f.forgetState("C1")
	require.Empty(t, st.TombErr)
	assert.True(t, st.Tombstone.Done)
	var stored vault.Certificate
	require.NoError(t, json.Unmarshal(st.Tombstone.Certificate, &stored))
	assert.Equal(t, cert, stored, "the tombstone holds the certificate returned")
	assert.Equal(t, 2, cert.Records)
	assert.Equal(t, 3, cert.IndexEntries, "mobile, resident ID, name and birth")
	require.Len(t, cert.Erased, 1)
	assert.Equal(t, 2, cert.Erased[0].Removed, "consent erased once: one record, one history entry")
	assert.True(t, st.Shredded)
	assert.Equal(t, keys.ErrNotFound.Error(), st.Customer.DEKErr)
	assert.Equal(t, vault.ErrNotFound.Error(), st.Customer.SubErr)
	assert.Empty(t, st.Customer.Records)
	assert.Empty(t, st.Consent.Records)
	assert.Len(t, st.Consent.Erasure.Proof, 1, "the proof kept once")

	// One certificate issued: every other one recorded was followed by a
	// not-committed event.
	issued := map[string]bool{}
	for _, e := range f.events.all() {
		if e.Action != custos.ActionForget || e.Detail == "" {
			continue
		}
		var c vault.Certificate
		require.NoError(t, json.Unmarshal([]byte(e.Detail), &c))
		switch {
		case e.Outcome == custos.OutcomeAllowed:
			issued[c.ID] = true
		case e.Reason == "not-committed":
			delete(issued, c.ID)
		}
	}
	issued[cert.ID] = true
	assert.Len(t, issued, 1, "one certificate")

	assert.ErrorIs(t, f.vault.Put(ctx, clerk, "C1", "lease", vault.Values{"contract": "L-new"}), vault.ErrForgotten)
	_, err = f.db.Keys().GetDEK(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrNotFound, "no key recreated")
	r, err := f.vault.Get(ctx, clerk, "C2", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C2"), r.Values["name"])
}
