package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

func runVault(t *testing.T, open Opener) {
	t.Run("put-get-update", func(t *testing.T) { testPutGetUpdate(t, open) })
	t.Run("bad-input", func(t *testing.T) { testBadInput(t, open) })
	t.Run("restrict", func(t *testing.T) { testRestrict(t, open) })
	t.Run("export", func(t *testing.T) { testExport(t, open) })
	t.Run("forget", func(t *testing.T) { testForget(t, open) })
	t.Run("forget-fails-closed-and-resumes", func(t *testing.T) { runForget(t, open) })
	t.Run("reapply-after-restore", func(t *testing.T) { testReapply(t, open) })
	t.Run("tampered-ciphertext", func(t *testing.T) { testTampered(t, open) })
	t.Run("misplaced-ciphertext", func(t *testing.T) { testMisplaced(t, open) })
	t.Run("audit-fails-closed", func(t *testing.T) { testAuditFailsClosed(t, open) })
	t.Run("closed-database", func(t *testing.T) { testClosed(t, open) })
	t.Run("kek-rotation", func(t *testing.T) { testKEKRotation(t, open) })
	t.Run("dek-rotation", func(t *testing.T) { testDEKRotation(t, open) })
	t.Run("concurrent", func(t *testing.T) { testConcurrent(t, open) })
	t.Run("failing-store", func(t *testing.T) { testFailingPut(t, open) })
	t.Run("writes-fail-closed", func(t *testing.T) { testWritesFailClosed(t, open) })
	t.Run("write-events", func(t *testing.T) { testWriteEvents(t, open) })
	t.Run("restriction-read", func(t *testing.T) { testRestrictionRead(t, open) })
	t.Run("write-every-fault", func(t *testing.T) { testWriteFaults(t, open) })
	t.Run("put-batch", func(t *testing.T) { runPutBatch(t, open) })
}

func testPutGetUpdate(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")

	r, err := f.vault.Get(ctx, clerk, "C1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": nameOf("C1"), "mobile": "13800000000"}, r.Values)
	assert.Equal(t, int64(1), r.Version)
	assert.Equal(t, t0, r.Updated)

	l, err := f.vault.Get(ctx, clerk, "C1", "lease", "months")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"months": int64(36)}, l.Values, "only the fields asked for, as their kind's Go type")

	f.now = t0.Add(time.Hour)
	require.NoError(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000000", "note": "moved"}))
	r, err = f.vault.Get(ctx, clerk, "C1", "customer", "name", "mobile", "note", "resident_id")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": nameOf("C1"), "mobile": "13900000000", "note": "moved", "resident_id": "11010519491231002X"}, r.Values,
		"Update changes the given fields and keeps the others")
	assert.Equal(t, int64(2), r.Version)
	assert.Equal(t, t0.Add(time.Hour), r.Updated)

	require.NoError(t, f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "Replaced"}))
	r, err = f.vault.Get(ctx, clerk, "C1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": "Replaced"}, r.Values, "Put replaces the whole record")

	_, err = f.vault.Get(ctx, clerk, "C404", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrNotFound)
	assert.ErrorIs(t, f.vault.Update(ctx, clerk, "C404", "customer", vault.Values{"note": "x"}), vault.ErrNotFound)

	// Every operation left an audit event naming fields, never values.
	evs := f.events.all()
	require.NotEmpty(t, evs)
	for _, e := range evs {
		b, _ := json.Marshal(e)
		assert.NotContains(t, string(b), "13900000000")
		assert.NotContains(t, string(b), "Synthetic Person")
	}
	get := evs[2]
	assert.Equal(t, custos.ActionGet, get.Action)
	assert.Equal(t, []string{"mobile", "name"}, get.Fields)
	assert.Equal(t, custos.OutcomeAllowed, get.Outcome)
	assert.Equal(t, custos.BasisContract, get.Basis)
	assert.Equal(t, "req-1", get.Access.RequestID)
}

func testRestrict(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	require.ErrorIs(t, f.vault.Restrict(ctx, dpo, "C1", " "), vault.ErrMissingField, "a restriction needs a ground")
	require.NoError(t, f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34: relationship ended, retention running"))

	r, err := f.vault.Restriction(ctx, dpo, "C1")
	require.NoError(t, err)
	assert.True(t, r.Restricted)
	assert.Equal(t, t0, r.Since)

	_, err = f.vault.Get(ctx, clerk, "C1", "customer", "name")
	assert.ErrorIs(t, err, vault.ErrRestricted, "storage only: no use")
	assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome)
	assert.ErrorIs(t, f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"note": "x"}), vault.ErrRestricted)
	assert.ErrorIs(t, f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "x"}), vault.ErrRestricted)
	assert.ErrorIs(t, f.vault.Export(ctx, clerk, "C1", &bytes.Buffer{}), vault.ErrRestricted)
	_, err = f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47"})
	assert.ErrorIs(t, err, vault.ErrRestricted, "no erasure while the retention duty runs")

	got, err := f.vault.Get(ctx, court, "C1", "customer", "name")
	require.NoError(t, err, "a legal-hold purpose still reads")
	assert.Equal(t, nameOf("C1"), got.Values["name"])

	require.NoError(t, f.vault.Unrestrict(ctx, dpo, "C1"))
	_, err = f.vault.Get(ctx, clerk, "C1", "customer", "name")
	assert.NoError(t, err)
	assert.ErrorIs(t, f.vault.Restrict(ctx, dpo, "C404", "x"), vault.ErrNotFound)
	assert.ErrorIs(t, f.vault.Restrict(ctx, clerk, "C1", "x"), vault.ErrDenied, "purpose not granted restrict")
}

func testExport(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	var buf bytes.Buffer
	require.NoError(t, f.vault.Export(ctx, clerk, "C1", &buf))
	var doc vault.Export
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, vault.ExportFormat, doc.Format)
	assert.Equal(t, "C1", doc.Subject)
	require.Len(t, doc.Records, 2)
	assert.Equal(t, "customer", doc.Records[0].Type)
	assert.Equal(t, map[string]string{"name": nameOf("C1"), "mobile": "13800000000", "resident_id": "11010519491231002X", "birth": "1949-12-31"}, doc.Records[0].Fields)
	assert.Equal(t, map[string]string{"contract": "L-C1", "months": "36"}, doc.Records[1].Fields)
	assert.Equal(t, custos.ActionExport, f.events.last().Action)
	assert.Contains(t, f.events.last().Fields, "customer.resident_id")

	// A purpose allowed only some fields exports nothing rather than a
	// silently partial copy.
	buf.Reset()
	err := f.vault.Export(ctx, market, "C1", &buf)
	assert.ErrorIs(t, err, vault.ErrDenied)
	assert.Zero(t, buf.Len(), "nothing written")
	assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome)

	assert.ErrorIs(t, f.vault.Export(ctx, clerk, "C404", &buf), vault.ErrNotFound)
	assert.Zero(t, buf.Len())
}
