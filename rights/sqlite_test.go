package rights_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/sqlstore"
)

// TestDeskOverSQLite runs a request from receipt to its answer with the
// requests, the vault and the outbox on SQLite: what the desk stores
// decodes back, and the answer is in the database's outbox.
func TestDeskOverSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "custos.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	f := newFixture(t)
	f.store, f.vaultStore, f.notifyStore = db.Rights(), db.Vault(), db.Notify()
	f.customer("C0000042", "customer", "lease")
	r := f.verifiedRequest(request("form-sqlite", rights.Copy))
	r, err = f.d.Extend(ctx, dpo, r.ID, "records held in several systems")
	require.NoError(t, err)
	var out bytes.Buffer
	ans, err := f.d.Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: &out})
	require.NoError(t, err)
	assert.True(t, ans.Written)

	got, err := db.Rights().Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, ans.Request, got)
	h, err := db.Rights().History(ctx, r.ID)
	require.NoError(t, err)
	assert.Len(t, h, 7, "received, verified, extended, started, export, fulfilled, answered")
	open, err := db.Rights().Due(ctx, got.Due.AddDate(1, 0, 0), rights.DueKey{}, 10)
	require.NoError(t, err)
	assert.Empty(t, open, "answered requests leave the due index")

	var templates []notify.TemplateID
	msgs, err := db.Notify().List(ctx, notify.StatePending, "", 10)
	require.NoError(t, err)
	for _, m := range msgs {
		templates = append(templates, m.Template)
	}
	assert.ElementsMatch(t, []notify.TemplateID{rights.ExtensionNotice, notify.RequestAnswer}, templates, "the extension notice (GDPR Art. 12(3)) and the answer")
}
