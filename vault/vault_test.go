package vault_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// discard records nothing: for tests that do not look at events.
type discard struct{}

func (discard) Record(context.Context, custos.Event) error { return nil }

func newKeyring(t testing.TB, db *memstore.Store) *keys.Keyring {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(context.Background(), keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	require.NoError(t, err)
	return kr
}

var c2 = custos.Class{Level: custos.C2}

func TestNewValidatesConfig(t *testing.T) {
	db := memstore.New()
	kr := newKeyring(t, db)
	good := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: c2}}}}}
	al, err := vault.NewAllowList(good, nil)
	require.NoError(t, err)
	base := vault.Config{Schema: good, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: discard{}}
	one := func(t vault.RecordType) vault.Schema { return vault.Schema{Types: []vault.RecordType{t}} }
	cases := []struct {
		name string
		edit func(*vault.Config)
	}{
		{"empty schema", func(c *vault.Config) { c.Schema = vault.Schema{} }},
		{"type name with capitals", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "Customer", Fields: good.Types[0].Fields})
		}},
		{"type declared twice", func(c *vault.Config) {
			c.Schema = vault.Schema{Types: []vault.RecordType{good.Types[0], good.Types[0]}}
		}},
		{"type without fields", func(c *vault.Config) { c.Schema = one(vault.RecordType{Name: "customer"}) }},
		{"field without kind", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{{Name: "name", Class: c2}}})
		}},
		{"field without class level", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}}}})
		}},
		{"field declared twice", func(c *vault.Config) {
			f := vault.Field{Name: "name", Kind: kind.Text{}, Class: c2}
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{f, f}})
		}},
		{"field name with a space", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{{Name: "full name", Kind: kind.Text{}, Class: c2}}})
		}},
		{"negative field size", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: c2, MaxBytes: -1}}})
		}},
		{"kind that rejects every value", func(c *vault.Config) {
			c.Schema = one(vault.RecordType{Name: "customer", Fields: []vault.Field{{Name: "months", Kind: kind.Integer{Min: 9, Max: 1}, Class: c2}}})
		}},
		{"no keys", func(c *vault.Config) { c.Keys = nil }},
		{"no store", func(c *vault.Config) { c.Store = nil }},
		{"no authorizer", func(c *vault.Config) { c.Authorizer = nil }},
		{"no recorder", func(c *vault.Config) { c.Recorder = nil }},
		{"negative value limit", func(c *vault.Config) { c.MaxValueBytes = -1 }},
		{"empty legal-hold purpose", func(c *vault.Config) { c.LegalHoldPurposes = []custos.PurposeID{""} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			_, err := vault.New(cfg)
			assert.ErrorIs(t, err, vault.ErrConfig)
		})
	}
	_, err = vault.New(base)
	assert.NoError(t, err)
}

func TestAllowListValidation(t *testing.T) {
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: c2}}}}}
	get := []custos.Action{custos.ActionGet}
	cases := map[string]map[custos.PurposeID]vault.Grant{
		"no basis":            {"p": {Actions: get}},
		"no action":           {"p": {Basis: custos.BasisContract}},
		"unknown record type": {"p": {Basis: custos.BasisContract, Actions: get, Fields: map[string][]string{"lease": {"x"}}}},
		"unknown field":       {"p": {Basis: custos.BasisContract, Actions: get, Fields: map[string][]string{"customer": {"age"}}}},
		"empty purpose":       {"": {Basis: custos.BasisContract, Actions: get}},
	}
	for name, grants := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := vault.NewAllowList(s, grants)
			assert.ErrorIs(t, err, vault.ErrConfig)
		})
	}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{"p": {Basis: custos.BasisContract, Actions: get, Fields: map[string][]string{"customer": {"name"}}}})
	require.NoError(t, err)
	for _, tc := range []struct {
		req    vault.Request
		reason string
	}{
		{vault.Request{Access: custos.Access{Purpose: "p"}, Action: custos.ActionGet, RecordType: "customer", Fields: []string{"name"}}, ""},
		{vault.Request{Access: custos.Access{Purpose: "q"}, Action: custos.ActionGet, RecordType: "customer", Fields: []string{"name"}}, "purpose-unknown"},
		{vault.Request{Access: custos.Access{Purpose: "p"}, Action: custos.ActionPut, RecordType: "customer", Fields: []string{"name"}}, "action-not-allowed"},
		{vault.Request{Access: custos.Access{Purpose: "p"}, Action: custos.ActionGet, RecordType: "lease", Fields: []string{"name"}}, "field-not-allowed"},
	} {
		d, err := al.Authorize(context.Background(), tc.req)
		require.NoError(t, err)
		assert.Equal(t, tc.reason == "", d.Allowed)
		assert.Equal(t, tc.reason, d.Reason)
		if d.Allowed {
			assert.Equal(t, custos.BasisContract, d.Basis)
		}
	}
}

func TestRecordRedactsValues(t *testing.T) {
	r := vault.Record{Type: "customer", Values: map[string]any{"mobile": "13912345678"}, Version: 3}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("read", "record", r)
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), logged.String()} {
		assert.NotContains(t, s, "13912345678")
		assert.Contains(t, s, "customer")
	}
}

// TestLogsNoPersonalData checks that what the vault logs when it detects
// tampering names the record type, never the customer or a value.
func TestLogsNoPersonalData(t *testing.T) {
	ctx := context.Background()
	db := memstore.New()
	kr := newKeyring(t, db)
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "mobile", Kind: kind.Mobile{}, Class: c2}}}}}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{"p": {Basis: custos.BasisContract,
		Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": {"mobile"}}}})
	require.NoError(t, err)
	var logged strings.Builder
	v, err := vault.New(vault.Config{Schema: s, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: discard{},
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	acc := custos.Access{Actor: custos.Actor{ID: "a", Role: "r"}, Purpose: "p"}
	require.NoError(t, v.Put(ctx, acc, "C0000042", "customer", vault.Values{"mobile": "13912345678"}))
	r, err := db.Vault().GetRecord(ctx, "C0000042", "customer")
	require.NoError(t, err)
	r.Envelope[len(r.Envelope)-1] ^= 1
	require.NoError(t, db.Vault().PutRecord(ctx, vault.Write{Subject: "C0000042", Type: "customer", Envelope: r.Envelope, Expect: vault.ExpectAny}))
	_, err = v.Get(ctx, acc, "C0000042", "customer", "mobile")
	require.ErrorIs(t, err, vault.ErrCorrupt)
	assert.Contains(t, logged.String(), "failed authentication")
	assert.Contains(t, logged.String(), "record_type=customer")
	assert.NotContains(t, logged.String(), "0000042")
	assert.NotContains(t, logged.String(), "13912345678")
}

func TestNewRefusesNilEraser(t *testing.T) {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}}}}}}
	al, err := vault.NewAllowList(s, nil)
	require.NoError(t, err)
	_, err = vault.New(vault.Config{Schema: s, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: printEvents{}, Erasers: []custos.Eraser{nil}})
	require.ErrorIs(t, err, vault.ErrConfig)
	assert.Contains(t, err.Error(), "Erasers[0]")
}

func TestSubjectStateRefusesBadSubject(t *testing.T) {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	st, err := vault.Subjects(db.Vault(), kr).SubjectState(ctx, "C 1")
	require.ErrorIs(t, err, custos.ErrInvalidSubject)
	assert.Equal(t, custos.SubjectUnknown, st)
	st, err = vault.Subjects(db.Vault(), kr).SubjectState(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, custos.SubjectUnknown, st)
}
