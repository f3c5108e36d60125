package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

var _ vault.Recorder = (*audit.Log)(nil)

// auditedVault wires a real vault over memstore to a Log over s.
func auditedVault(t *testing.T, s audit.Store) (*vault.Vault, *audit.Log, *keys.Keyring) {
	t.Helper()
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	db := memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	require.NoError(t, err)
	log := newLog(t, s, kr)
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}},
		{Name: "months", Kind: kind.Integer{}, Class: custos.Class{Level: custos.C1}},
	}}}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet},
			Fields: map[string][]string{"customer": {"name", "months"}}},
		"marketing": {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionGet},
			Fields: map[string][]string{"customer": {"months"}}},
	})
	require.NoError(t, err)
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: log})
	require.NoError(t, err)
	return v, log, kr
}

var clerk = custos.Access{Actor: custos.Actor{ID: "clerk-1", Role: "clerk"}, Purpose: "servicing"}

func TestVaultFailsClosedWhenTheLogCannotWrite(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	v, _, _ := auditedVault(t, s)
	require.NoError(t, v.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "Synthetic Name", "months": 36}))

	s.mu.Lock()
	s.failAppend = errors.New("audit store unavailable")
	before := len(s.leaves)
	s.mu.Unlock()
	rec, err := v.Get(ctx, clerk, "C1", "customer", "name", "months")
	require.ErrorIs(t, err, vault.ErrAudit)
	assert.Empty(t, rec.Values, "no plaintext without a durable audit entry")
	assert.NotContains(t, err.Error(), "Synthetic Name")

	var buf []byte
	err = v.Export(ctx, clerk, "C1", writerFunc(func(p []byte) (int, error) { buf = append(buf, p...); return len(p), nil }))
	assert.ErrorIs(t, err, vault.ErrAudit)
	assert.Empty(t, buf, "an export writes nothing either")
	s.mu.Lock()
	assert.Equal(t, before, len(s.leaves), "nothing was logged")
	s.failAppend = nil
	s.mu.Unlock()

	rec, err = v.Get(ctx, clerk, "C1", "customer", "name")
	require.NoError(t, err, "reads resume once the log writes again")
	assert.Equal(t, "Synthetic Name", rec.Values["name"])
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestVaultLogsRefusedReads(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	v, log, _ := auditedVault(t, s)
	require.NoError(t, v.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "Synthetic Name", "months": 36}))
	marketer := custos.Access{Actor: custos.Actor{ID: "mkt-1", Role: "marketing"}, Purpose: "marketing"}
	_, err := v.Get(ctx, marketer, "C1", "customer", "name")
	require.ErrorIs(t, err, vault.ErrDenied)
	_, err = v.Get(ctx, clerk, "C1", "customer", "name")
	require.NoError(t, err)

	var got []audit.Entry
	for m, err := range log.Query(ctx, auditor, audit.Query{Subject: "C1"}) {
		require.NoError(t, err)
		require.NoError(t, m.Verify(log.Verifier()))
		got = append(got, m.Entry)
	}
	require.Len(t, got, 4, "the put, the refused read, the read, and this query")
	assert.Equal(t, custos.ActionPut, got[0].Action)
	assert.Equal(t, custos.ActionGet, got[1].Action)
	assert.Equal(t, custos.OutcomeDenied, got[1].Outcome)
	assert.Equal(t, "mkt-1", got[1].Actor.ID)
	assert.NotEmpty(t, got[1].Reason)
	assert.Equal(t, []string{"name"}, got[1].Fields, "the field asked for, never its value")
	assert.Equal(t, custos.OutcomeAllowed, got[2].Outcome)
	assert.Equal(t, custos.BasisContract, got[2].Basis)
	assert.Equal(t, custos.ActionAuditRead, got[3].Action)
	for _, e := range got {
		raw, err := e.Encode()
		require.NoError(t, err)
		assert.NotContains(t, string(raw), "Synthetic Name")
		assert.NotContains(t, string(raw), "\x00\x02C1", "nor the subject identifier")
	}
}

var auditor = custos.Access{Actor: custos.Actor{ID: "auditor-1", Role: "auditor"}, Purpose: "compliance-audit"}
