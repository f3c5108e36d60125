package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// TestDecryptWithoutCustos writes a customer with custos and reads it back
// with this program, which uses only Tink and SQL: docs/FORMAT.md is
// complete enough to leave custos.
func TestDecryptWithoutCustos(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	kek, err := insecuredevkek.Open(path + ".dev-kek.json")
	require.NoError(t, err)
	src, err := insecuredevkek.OpenSource(path + ".dev-epochs.json")
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger(), Epochs: &keys.EpochConfig{Source: src, Groups: 1}})
	require.NoError(t, err)
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}},
		{Name: "name", Kind: kind.PersonName{}, Class: custos.Class{Level: custos.C2}},
	}}}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{"p": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionUpdate, custos.ActionForget}, Fields: map[string][]string{"customer": {"mobile", "name"}}}})
	require.NoError(t, err)
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: nopRecorder{}})
	require.NoError(t, err)
	acc := custos.Access{Actor: custos.Actor{ID: "a", Role: "r"}, Purpose: "p"}
	require.NoError(t, v.Put(ctx, acc, "C0000001", "customer", vault.Values{"mobile": "+86 138-0000-0000", "name": "张三"}))
	require.NoError(t, kr.RotateDEK(ctx, "C0000001"))
	require.NoError(t, v.Update(ctx, acc, "C0000001", "customer", vault.Values{"name": "李四"}))
	require.NoError(t, v.Put(ctx, acc, "C0000002", "customer", vault.Values{"mobile": "13900000000", "name": "王五"}))
	cert, err := v.Forget(ctx, acc, "C0000002", vault.Erasure{Ground: "PIPL 47(1)(2)"})
	require.NoError(t, err)
	_, err = kr.CloseEpoch(ctx, cert.KeyGroup) // C0000001's DEK moves to the next epoch key
	require.NoError(t, err)
	require.NoError(t, db.Close())

	var out strings.Builder
	require.NoError(t, run([]string{"-db", path, "-subject", "C0000001"}, &out))
	assert.Equal(t, "customer.mobile = 13800000000\ncustomer.name = 李四\n", out.String(),
		"canonical values, across a DEK rotation and an epoch close")

	out.Reset()
	require.NoError(t, run([]string{"-db", path, "-subject", "C0000002"}, &out))
	assert.Equal(t, "C0000002: forgotten (in the shred ledger; no key to decrypt it is stored)\n", out.String())
	err = run([]string{"-db", path, "-subject", "C0000404"}, &out)
	assert.ErrorContains(t, err, "no customer C0000404")
}

type nopRecorder struct{}

func (nopRecorder) Record(context.Context, custos.Event) error { return nil }
