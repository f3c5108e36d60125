package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

func testAuditFailsClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.events.fail = errors.New("audit store unavailable")
	defer func() { f.events.fail = nil }()

	r, err := f.vault.Get(ctx, clerk, "C1", "customer", "name")
	require.ErrorIs(t, err, vault.ErrAudit)
	assert.Nil(t, r.Values, "no plaintext without a durable audit event")
	var buf bytes.Buffer
	require.ErrorIs(t, f.vault.Export(ctx, clerk, "C1", &buf), vault.ErrAudit)
	assert.Zero(t, buf.Len())

	_, err = f.vault.Get(ctx, market, "C1", "customer", "resident_id")
	assert.ErrorIs(t, err, vault.ErrDenied, "a refusal stays a refusal")
	assert.ErrorIs(t, err, vault.ErrAudit, "and says its event was not recorded")
}

func testClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	require.NoError(t, f.db.Close())

	_, err := f.vault.Get(ctx, clerk, "C1", "customer", "name")
	assert.ErrorIs(t, err, custos.ErrClosed)
	assert.ErrorIs(t, f.vault.Put(ctx, clerk, "C2", "customer", vault.Values{"name": "x"}), custos.ErrClosed)
	assert.ErrorIs(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"note": "x"}), custos.ErrClosed)
	_, err = f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "x"})
	assert.ErrorIs(t, err, custos.ErrClosed)
	assert.ErrorIs(t, f.vault.Export(ctx, clerk, "C1", &bytes.Buffer{}), custos.ErrClosed)
	assert.Equal(t, custos.OutcomeError, f.events.last().Outcome)
}

// failingStore fails PutRecord, as a store whose database goes away in the
// middle of a write.
type failingStore struct {
	vault.Store
}

var errInjected = errors.New("injected store failure")

func (failingStore) PutRecord(context.Context, vault.Write) error { return errInjected }

func testFailingPut(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	before := f.snapshot("C1")
	s := testSchema()
	al, err := vault.NewAllowList(s, testGrants(s))
	require.NoError(t, err)
	v, err := vault.New(vault.Config{Schema: s, Keys: f.keys, Store: failingStore{f.db.Vault()}, Authorizer: al, Recorder: f.events,
		Search: vault.SearchConfig{ExpectedCustomers: f.population}})
	require.NoError(t, err)

	err = v.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000000"})
	require.ErrorIs(t, err, errInjected)
	assert.Equal(t, before, f.snapshot("C1"))
	err = v.Put(ctx, clerk, "C9", "customer", vault.Values{"name": "x"})
	require.ErrorIs(t, err, errInjected)
	_, err = f.vault.Get(ctx, clerk, "C9", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrNotFound, "no partial record")
}
