package vault_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// The rules of the vault, on memstore: the order in which an operation's
// checks run, masking, restriction and the errors of bad input. The
// conformance suite (storage/storetest) runs the same operations on every
// adapter.

var (
	servicing = custos.Access{Actor: custos.Actor{ID: "staff-1", Role: "clerk"}, Purpose: "servicing"}
	agent     = custos.Access{Actor: custos.Actor{ID: "agent-1", Role: "customer-service"}, Purpose: "servicing"}
	marketer  = custos.Access{Actor: custos.Actor{ID: "staff-2", Role: "marketer"}, Purpose: "marketing"}
	court     = custos.Access{Actor: custos.Actor{ID: "staff-3", Role: "legal"}, Purpose: "court-order"}
	officer   = custos.Access{Actor: custos.Actor{ID: "dpo-1", Role: "dpo"}, Purpose: "erasure"}
)

// ruleEvents is a Recorder that keeps events and can be made to fail.
type ruleEvents struct {
	mu   sync.Mutex
	list []custos.Event
	fail bool
}

func (e *ruleEvents) Record(_ context.Context, ev custos.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail {
		return errors.New("audit store unavailable")
	}
	e.list = append(e.list, ev)
	return nil
}

func (e *ruleEvents) last() custos.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.list) == 0 {
		return custos.Event{}
	}
	return e.list[len(e.list)-1]
}

func (e *ruleEvents) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.list)
}

// asked counts the authorizer's calls around an AllowList.
type asked struct {
	vault.Authorizer
	mu    sync.Mutex
	calls int
}

func (a *asked) Authorize(ctx context.Context, r vault.Request) (vault.Decision, error) {
	a.mu.Lock()
	a.calls++
	a.mu.Unlock()
	return a.Authorizer.Authorize(ctx, r)
}

func (a *asked) n() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

type rig struct {
	v    *vault.Vault
	db   *memstore.Store
	ev   *ruleEvents
	auth *asked
}

func rulesSchema() vault.Schema {
	return vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
		{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
		{Name: "resident_id", Kind: kind.ResidentID{}, Class: custos.Class{Level: custos.C2, Sensitive: true}, Searchable: true},
		{Name: "note", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 16},
	}}}}
}

func newRig(t *testing.T) *rig {
	t.Helper()
	s := rulesSchema()
	all := map[string][]string{"customer": s.AllFields("customer")}
	rw := []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate, custos.ActionFind}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"servicing":   {Basis: custos.BasisContract, Actions: rw, Fields: all},
		"marketing":   {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionGet, custos.ActionFind}, Fields: map[string][]string{"customer": {"mobile", "name"}}},
		"court-order": {Basis: custos.BasisLegalDuty, Actions: rw, Fields: all},
		"erasure": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict,
			custos.ActionUnrestrict, custos.ActionState}},
	})
	require.NoError(t, err)
	db := memstore.New()
	r := &rig{db: db, ev: &ruleEvents{}, auth: &asked{Authorizer: al}}
	r.v, err = vault.New(vault.Config{Schema: s, Keys: newKeyring(t, db), Store: db.Vault(), Authorizer: r.auth, Recorder: r.ev,
		LegalHoldPurposes: []custos.PurposeID{"court-order"}, Search: vault.SearchConfig{ExpectedCustomers: 1000},
		Masking: &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
			"customer-service": {"customer.mobile": vault.Masked, "customer.resident_id": vault.Hidden, "customer.note": vault.Masked},
		}}})
	require.NoError(t, err)
	return r
}

func (r *rig) customer(t *testing.T, s custos.SubjectID) {
	t.Helper()
	require.NoError(t, r.v.Put(context.Background(), servicing, s, "customer", vault.Values{
		"name": "Synthetic Person", "mobile": "15300005342", "resident_id": "11010519491231002X", "note": "vip"}))
}

func TestAuthorizationOrder(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.customer(t, "C1")
	r.customer(t, "C2")
	require.NoError(t, r.v.Restrict(ctx, officer, "C2", "AML Art. 34: identity records kept"))
	_, err := r.v.Forget(ctx, officer, "C1", vault.Erasure{Ground: "PIPL Art. 47(1)(2)"})
	require.NoError(t, err)
	r.customer(t, "C3")

	cases := []struct {
		name    string
		acc     custos.Access
		subject custos.SubjectID
		fields  []string
		err     error
		asked   bool // whether the authorizer was asked
		outcome custos.Outcome
	}{
		{"invalid access before anything", custos.Access{Purpose: "servicing"}, "C3", []string{"name"}, custos.ErrNoActor, false, 0},
		{"invalid subject before anything", servicing, "", []string{"name"}, custos.ErrInvalidSubject, false, 0},
		{"unknown field before the authorizer", servicing, "C3", []string{"age"}, vault.ErrUnknownField, false, 0},
		{"refusal wins over not-found", marketer, "C404", []string{"resident_id"}, vault.ErrDenied, true, custos.OutcomeDenied},
		{"refusal wins over forgotten", marketer, "C1", []string{"resident_id"}, vault.ErrDenied, true, custos.OutcomeDenied},
		{"refusal wins over restriction", marketer, "C2", []string{"resident_id"}, vault.ErrDenied, true, custos.OutcomeDenied},
		{"then not-found", servicing, "C404", []string{"name"}, vault.ErrNotFound, true, custos.OutcomeError},
		{"then forgotten", servicing, "C1", []string{"name"}, vault.ErrForgotten, true, custos.OutcomeError},
		{"then restriction", servicing, "C2", []string{"name"}, vault.ErrRestricted, true, custos.OutcomeDenied},
		{"a legal hold passes restriction", court, "C2", []string{"name"}, nil, true, custos.OutcomeAllowed},
		{"allowed", servicing, "C3", []string{"name"}, nil, true, custos.OutcomeAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls, n := r.auth.n(), r.ev.count()
			rec, err := r.v.Get(ctx, tc.acc, tc.subject, "customer", tc.fields...)
			if tc.err == nil {
				require.NoError(t, err)
				assert.Equal(t, "Synthetic Person", rec.Values["name"])
			} else {
				require.ErrorIs(t, err, tc.err)
				assert.Nil(t, rec.Values, "no plaintext")
			}
			assert.Equal(t, tc.asked, r.auth.n() > calls, "authorizer asked")
			if tc.outcome == 0 {
				assert.Equal(t, n, r.ev.count(), "bad input leaves no event")
				return
			}
			require.Equal(t, n+1, r.ev.count(), "one event")
			assert.Equal(t, tc.outcome, r.ev.last().Outcome)
		})
	}
	// The three refusals cannot be told apart.
	_, e1 := r.v.Get(ctx, marketer, "C404", "customer", "resident_id")
	_, e2 := r.v.Get(ctx, marketer, "C1", "customer", "resident_id")
	_, e3 := r.v.Get(ctx, marketer, "C2", "customer", "resident_id")
	assert.Equal(t, e1.Error(), e2.Error())
	assert.Equal(t, e1.Error(), e3.Error())
}

func TestMaskingRules(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.customer(t, "C1")
	cases := []struct {
		name           string
		acc            custos.Access
		values         map[string]any
		masked, hidden []string
	}{
		{"a role without rules sees plain values", servicing,
			map[string]any{"mobile": "15300005342", "resident_id": "11010519491231002X", "note": "vip", "name": "Synthetic Person"}, nil, nil},
		{"customer service: masked, hidden, and plain where no rule", agent,
			map[string]any{"mobile": "153****5342", "name": "Synthetic Person", "note": "***"}, []string{"mobile", "note"}, []string{"resident_id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := r.v.Get(ctx, tc.acc, "C1", "customer", "mobile", "name", "note", "resident_id")
			require.NoError(t, err)
			assert.Equal(t, tc.values, rec.Values)
			assert.Equal(t, tc.masked, rec.Masked)
			assert.Equal(t, tc.hidden, rec.Hidden)
		})
	}

	// Searching by what the mask withholds is refused, recorded, and
	// tells nothing about whether the guess was right.
	for _, q := range []vault.Values{{"mobile": "15300005342"}, {"mobile": "15300005341"}, {"resident_id": "11010519491231002X"}} {
		n := r.ev.count()
		rs, err := r.v.Find(ctx, agent, "customer", q, "name")
		require.ErrorIs(t, err, vault.ErrMaskedSearch)
		assert.ErrorIs(t, err, vault.ErrDenied)
		assert.Empty(t, rs)
		require.Equal(t, n+1, r.ev.count())
		assert.Equal(t, "search-field-masked", r.ev.last().Reason)
	}
	rs, err := r.v.Find(ctx, agent, "customer", vault.Values{"mobile": "13900000000"}, "name")
	assert.ErrorIs(t, err, vault.ErrMaskedSearch, "whether or not anyone holds the value")
	assert.Empty(t, rs)
	rs, err = r.v.Find(ctx, servicing, "customer", vault.Values{"mobile": "15300005342"}, "mobile")
	require.NoError(t, err)
	require.Len(t, rs, 1)

	bad := []struct {
		name string
		m    *vault.Masking
	}{
		{"unknown field", &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{"r": {"customer.age": vault.Masked}}}},
		{"no record type", &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{"r": {"mobile": vault.Masked}}}},
		{"invalid visibility", &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{"r": {"customer.mobile": 9}}}},
		{"invalid default", &vault.Masking{Default: 7}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			db := memstore.New()
			_, err := vault.New(vault.Config{Schema: rulesSchema(), Keys: newKeyring(t, db), Store: db.Vault(), Authorizer: r.auth,
				Recorder: r.ev, Search: vault.SearchConfig{ExpectedCustomers: 1000}, Masking: tc.m})
			assert.ErrorIs(t, err, vault.ErrConfig)
		})
	}
}

func TestRestrictionRules(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.customer(t, "C1")
	require.NoError(t, r.v.Restrict(ctx, officer, "C1", "AML Art. 34: identity records kept"))
	state, err := r.v.Restriction(ctx, officer, "C1")
	require.NoError(t, err)
	assert.True(t, state.Restricted)
	assert.Equal(t, "AML Art. 34: identity records kept", state.Ground)

	refused := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := r.v.Get(ctx, servicing, "C1", "customer", "name"); return err }},
		{"put", func() error { return r.v.Put(ctx, servicing, "C1", "customer", vault.Values{"name": "Other Person"}) }},
		{"update", func() error { return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"note": "x"}) }},
		{"forget", func() error {
			_, err := r.v.Forget(ctx, officer, "C1", vault.Erasure{Ground: "PIPL Art. 47"})
			return err
		}},
	}
	before, err := r.db.Vault().GetRecord(ctx, "C1", "customer")
	require.NoError(t, err)
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.call(), vault.ErrRestricted)
			after, err := r.db.Vault().GetRecord(ctx, "C1", "customer")
			require.NoError(t, err)
			assert.Equal(t, before, after, "nothing changed")
		})
	}
	rs, err := r.v.Find(ctx, servicing, "customer", vault.Values{"mobile": "15300005342"}, "name")
	require.NoError(t, err)
	assert.Empty(t, rs, "left out of searches")
	assert.Equal(t, "restricted", r.ev.last().Reason)
	require.NoError(t, r.v.Update(ctx, court, "C1", "customer", vault.Values{"note": "held"}), "a legal hold still works")

	require.NoError(t, r.v.Unrestrict(ctx, officer, "C1"))
	state, err = r.v.Restriction(ctx, officer, "C1")
	require.NoError(t, err)
	assert.False(t, state.Restricted)
	_, err = r.v.Get(ctx, servicing, "C1", "customer", "name")
	assert.NoError(t, err)
	assert.ErrorIs(t, r.v.Restrict(ctx, officer, "C404", "AML Art. 34"), vault.ErrNotFound)
	_, err = r.v.Restriction(ctx, servicing, "C1")
	assert.ErrorIs(t, err, vault.ErrDenied, "reading the state needs the right")
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.customer(t, "C1")
	before, err := r.db.Vault().GetRecord(ctx, "C1", "customer")
	require.NoError(t, err)
	cases := []struct {
		name string
		call func() error
		err  error
	}{
		{"unknown record type", func() error { return r.v.Put(ctx, servicing, "C1", "lease", vault.Values{"name": "x"}) }, vault.ErrUnknownRecordType},
		{"unknown field", func() error { return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"age": 3}) }, vault.ErrUnknownField},
		{"required field missing", func() error { return r.v.Put(ctx, servicing, "C1", "customer", vault.Values{"note": "x"}) }, vault.ErrMissingField},
		{"no field", func() error { return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{}) }, vault.ErrMissingField},
		{"value too large", func() error {
			return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"note": "seventeen bytes!!"})
		}, vault.ErrValueTooLarge},
		{"value its kind rejects", func() error {
			return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"mobile": "1530000534"})
		}, kind.ErrInvalid},
		{"value of the wrong type", func() error {
			return r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"mobile": 15300005342})
		}, kind.ErrWrongType},
		{"no actor", func() error {
			return r.v.Update(ctx, custos.Access{Purpose: "servicing"}, "C1", "customer", vault.Values{"note": "x"})
		}, custos.ErrNoActor},
		{"no purpose", func() error {
			return r.v.Update(ctx, custos.Access{Actor: servicing.Actor}, "C1", "customer", vault.Values{"note": "x"})
		}, custos.ErrNoPurpose},
		{"refused purpose", func() error { return r.v.Update(ctx, marketer, "C1", "customer", vault.Values{"note": "x"}) }, vault.ErrDenied},
		{"restriction ground with a control character", func() error { return r.v.Restrict(ctx, officer, "C1", "AML\x00") }, custos.ErrInvalidText},
		{"empty restriction ground", func() error { return r.v.Restrict(ctx, officer, "C1", "") }, vault.ErrMissingField},
		{"search with no index", func() error {
			_, err := r.v.Find(ctx, servicing, "customer", vault.Values{"note": "vip"}, "name")
			return err
		}, vault.ErrNoIndex},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.err)
			assert.NotContains(t, err.Error(), "15300005342")
			assert.NotContains(t, err.Error(), "1530000534")
			assert.NotContains(t, err.Error(), "seventeen")
			after, err := r.db.Vault().GetRecord(ctx, "C1", "customer")
			require.NoError(t, err)
			assert.Equal(t, before, after, "nothing changed")
		})
	}

	// A write whose event cannot be recorded changes nothing either.
	r.ev.fail = true
	err = r.v.Update(ctx, servicing, "C1", "customer", vault.Values{"note": "x"})
	r.ev.fail = false
	require.ErrorIs(t, err, vault.ErrAudit)
	after, err := r.db.Vault().GetRecord(ctx, "C1", "customer")
	require.NoError(t, err)
	assert.Equal(t, before, after)
}
