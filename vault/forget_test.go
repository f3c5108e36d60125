package vault_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// plainEraser erases without planning: the certificate recorded first
// cannot list what it will do.
type plainEraser struct{ n int }

func (p *plainEraser) EraseSubject(context.Context, custos.Access, custos.SubjectID) (custos.Erased, error) {
	return custos.Erased{Component: "plain", Removed: p.n}, nil
}

// TestForgetCorrectsCertificateOfPlainEraser: with an Eraser that is not
// an ErasurePlanner, Forget records the planned certificate first, then a
// corrected one with the same ID, and returns the corrected one.
func TestForgetCorrectsCertificateOfPlainEraser(t *testing.T) {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}}}}}}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"customer": {"name"}}},
		"erasure":   {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget}},
	})
	require.NoError(t, err)
	rec := &storetest.Recorder{}
	v, err := vault.New(vault.Config{Schema: s, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: rec, Erasers: []custos.Eraser{&plainEraser{n: 3}}})
	require.NoError(t, err)
	clerk := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "servicing"}
	dpo := custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
	require.NoError(t, v.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "Synthetic"}))

	cert, err := v.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)
	assert.Equal(t, []custos.Erased{{Component: "plain", Removed: 3}}, cert.Erased)
	var certs []vault.Certificate
	var reasons []string
	for _, e := range rec.Events() {
		if e.Action == custos.ActionForget {
			var c vault.Certificate
			require.NoError(t, json.Unmarshal([]byte(e.Detail), &c))
			certs, reasons = append(certs, c), append(reasons, e.Reason)
		}
	}
	require.Len(t, certs, 2)
	assert.Equal(t, []string{"", "corrected"}, reasons)
	assert.Equal(t, []custos.Erased{{Component: "eraser 0"}}, certs[0].Erased, "the plan could not know")
	assert.Equal(t, cert.ID, certs[0].ID, "one certificate")
	assert.Equal(t, cert, certs[1])
}
