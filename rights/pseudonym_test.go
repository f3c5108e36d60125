package rights_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/pgtest"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/sqlstore"
)

// TestForgottenCustomerPseudonymised: once the vault forgets a customer
// through an erasure request, the rights store names them nowhere in
// clear — every closed request of theirs, the erasure request included,
// holds their pseudonymous reference in place of the SubjectID, and an
// open request is pseudonymised in the step that closes it — on memstore,
// SQLite and PostgreSQL, checked on the stored rows themselves. Another
// customer's requests are left as they were.
func TestForgottenCustomerPseudonymised(t *testing.T) {
	engines := []struct {
		name string
		open func(t *testing.T, f *fixture) (rows func() []byte)
	}{
		{"memstore", func(t *testing.T, f *fixture) func() []byte { return func() []byte { return memRows(t, f) } }},
		{"sqlite", func(t *testing.T, f *fixture) func() []byte {
			db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "custos.db"), nil)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			f.store = db.Rights()
			return func() []byte { return sqlRows(t, db.SQL()) }
		}},
		{"postgres", func(t *testing.T, f *fixture) func() []byte {
			db := openPostgres(t)
			f.store = db.Rights()
			return func() []byte { return sqlRows(t, db.SQL()) }
		}},
	}
	for _, en := range engines {
		t.Run(en.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			rows := en.open(t, f)
			f.customer("C0000042", "marketing")
			f.customer("C0000099", "marketing")
			ref := hex.EncodeToString(f.keys.Reference("C0000042"))

			other := request("form-other", rights.Copy)
			other.Subject = "C0000099"
			other = f.verifiedRequest(other)
			_, err := f.desk().Fulfil(ctx, dpo, other.ID, rights.Fulfilment{Out: &bytes.Buffer{}})
			require.NoError(t, err)
			cp := f.verifiedRequest(request("form-copy", rights.Copy))
			_, err = f.desk().Fulfil(ctx, dpo, cp.ID, rights.Fulfilment{Out: &bytes.Buffer{}})
			require.NoError(t, err)
			open, err := f.desk().Submit(ctx, dpo, request("form-open", rights.Access))
			require.NoError(t, err)
			require.Contains(t, string(rows()), "C0000042", "the customer's requests name them while the vault holds them")

			er := f.verifiedRequest(request("form-erase", rights.Erasure))
			ans, err := f.desk().Fulfil(ctx, dpo, er.ID, rights.Fulfilment{})
			require.NoError(t, err)
			require.NotNil(t, ans.Certificate, "destroyed")
			assert.Equal(t, rights.Request{}.Subject, ans.Request.Subject)
			assert.Equal(t, ref, ans.Request.SubjectRef, "the erasure request is pseudonymised as it closes")
			assert.Equal(t, "none", ans.Request.Answered, "a forgotten customer is sent no notice")

			for _, id := range []string{cp.ID, er.ID} {
				got, err := f.store.Get(ctx, id)
				require.NoError(t, err)
				assert.Empty(t, got.Subject)
				assert.Equal(t, ref, got.SubjectRef, "kept under the keyed reference")
				assert.True(t, got.Pseudonymised())
			}
			h, err := f.store.History(ctx, cp.ID)
			require.NoError(t, err)
			assert.Equal(t, rights.StepPseudonymised, h[len(h)-1].Step, "the change is a step of the history")
			assert.Equal(t, 1, f.vaultEvents(rights.ActionPseudonymise, cp.ID), "audited under the request's id")

			still, err := f.store.Get(ctx, open.ID)
			require.NoError(t, err)
			assert.Equal(t, custos.SubjectID("C0000042"), still.Subject, "an open request keeps the customer until it is answered")
			closed, err := f.desk().Refuse(ctx, dpo, open.ID, "the customer was erased before the request was verified")
			require.NoError(t, err)
			assert.Empty(t, closed.Subject)
			assert.Equal(t, ref, closed.SubjectRef, "pseudonymised in the step that closes it")

			stored := rows()
			assert.NotContains(t, string(stored), "C0000042", "no stored row names the forgotten customer")
			assert.Contains(t, string(stored), "C0000099", "another customer's requests are left as they were")
			kept, err := f.store.OfSubject(ctx, "ref "+ref, "", 10)
			require.NoError(t, err)
			assert.Len(t, kept, 3, "the requests are kept, filed under the reference")
			none, err := f.store.OfSubject(ctx, "C0000042", "", 10)
			require.NoError(t, err)
			assert.Empty(t, none)

			before := f.snapshot()
			erased, err := f.eraser.EraseSubject(ctx, dpo, "C0000042")
			require.NoError(t, err)
			require.Len(t, erased.Kept, 1)
			assert.Equal(t, 3, erased.Kept[0].Count, "a rerun reports what is kept")
			assert.Equal(t, rights.ProofRule, erased.Kept[0].Rule)
			assert.Equal(t, before.requests, f.snapshot().requests, "a rerun changes nothing")

			again, err := f.desk().Submit(ctx, dpo, request("form-copy", rights.Copy))
			require.NoError(t, err, "the same request under the same key is still the same request")
			assert.Equal(t, cp.ID, again.ID)
			changed := request("form-copy", rights.Copy)
			changed.Channel = "post"
			_, err = f.desk().Submit(ctx, dpo, changed)
			assert.ErrorIs(t, err, rights.ErrKeyReused)
		})
	}
}

// memRows returns every request and history entry of the fixture's
// memstore in its stored form.
func memRows(t *testing.T, f *fixture) []byte {
	ctx := context.Background()
	var out []byte
	all, err := f.db.Rights().List(ctx, "", 1000)
	require.NoError(t, err)
	for _, r := range all {
		b, err := rights.EncodeRequest(r)
		require.NoError(t, err)
		out = append(append(out, b...), '\n')
		h, err := f.db.Rights().History(ctx, r.ID)
		require.NoError(t, err)
		for _, e := range h {
			b, err := rights.EncodeEntry(e)
			require.NoError(t, err)
			out = append(append(out, b...), '\n')
		}
	}
	return out
}

// sqlRows returns the columns of every row of the rights tables that may
// name a customer, as stored.
func sqlRows(t *testing.T, db *sql.DB) []byte {
	var out []byte
	for _, q := range []string{
		`SELECT subject, request FROM custos_rights_requests`,
		`SELECT request, entry FROM custos_rights_history`,
	} {
		rows, err := db.Query(q)
		require.NoError(t, err)
		for rows.Next() {
			var a, b []byte
			require.NoError(t, rows.Scan(&a, &b))
			out = append(append(append(append(out, a...), '\n'), b...), '\n')
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
	}
	return out
}

// openPostgres opens a fresh schema of the test server, dropped at the
// end; it skips the test when CUSTOS_TEST_POSTGRES_DSN is unset.
func openPostgres(t *testing.T) *sqlstore.DB {
	db, _ := pgtest.Open(t)
	return db
}

// TestNewEraserRefusesBadConfig: an Eraser without its store, recorder or
// keyring is refused; one given a bad access or customer erases nothing.
func TestNewEraserRefusesBadConfig(t *testing.T) {
	f := newFixture(t)
	good := rights.EraserConfig{Store: f.db.Rights(), Recorder: f.events, Pseudonyms: f.keys}
	for name, edit := range map[string]func(*rights.EraserConfig){
		"no store":      func(c *rights.EraserConfig) { c.Store = nil },
		"no recorder":   func(c *rights.EraserConfig) { c.Recorder = nil },
		"no pseudonyms": func(c *rights.EraserConfig) { c.Pseudonyms = nil },
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			edit(&c)
			_, err := rights.NewEraser(c)
			assert.ErrorIs(t, err, rights.ErrConfig)
		})
	}
	e, err := rights.NewEraser(good)
	require.NoError(t, err)
	f.desk()
	closed, err := f.desk().Submit(context.Background(), dpo, request("form-bad-eraser", rights.Access))
	require.NoError(t, err)
	_, err = f.desk().Refuse(context.Background(), dpo, closed.ID, "manifestly unfounded")
	require.NoError(t, err)
	before := f.snapshot()
	_, err = e.EraseSubject(context.Background(), custos.Access{}, "C0000042")
	assert.ErrorIs(t, err, custos.ErrNoActor)
	_, err = e.EraseSubject(context.Background(), dpo, "")
	assert.Error(t, err)
	assert.Equal(t, before, f.snapshot(), "nothing changed")
}
