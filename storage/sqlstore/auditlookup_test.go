package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
)

// TestAuditLookupBackfill opens a database whose log was written before
// migration 0007 and shows that opening it read-write indexes every
// earlier entry, so a query by actor or customer misses none of them.
func TestAuditLookupBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	l, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "test.example/audit"})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 700 { // more than one backfill page
		require.NoError(t, l.Record(ctx, custos.Event{Time: t0.Add(time.Duration(i) * time.Second), Action: custos.ActionGet,
			Access:  custos.Access{Actor: custos.Actor{ID: fmt.Sprintf("clerk-%d", i%2), Role: "clerk"}, Purpose: "servicing"},
			Subject: custos.SubjectID(fmt.Sprintf("S%d", i%10)), RecordType: "customer", Fields: []string{"name"}, Outcome: custos.OutcomeAllowed}))
	}
	require.NoError(t, l.Close())
	require.NoError(t, db.Close())

	// Undo migration 0007 (and 0018, which extends its table), as a
	// database of a release before 0007 has it: opening it runs 0007's
	// backfill, then 0018.
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, q := range []string{`DROP TABLE custos_audit_lookup`, `DROP TABLE custos_audit_periods`, `DELETE FROM custos_migrations WHERE version IN (7, 18)`} {
		_, err := raw.Exec(q)
		require.NoError(t, err)
	}
	require.NoError(t, raw.Close())

	db, err = sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	ix := db.Audit().(audit.IndexedStore)
	got, err := ix.ActorLeaves(ctx, audit.ActorLookup{Actor: "clerk-1"}, audit.Position{}, 1000)
	require.NoError(t, err)
	assert.Len(t, got, 350, "every earlier entry of the actor is indexed")
	periods, err := ix.RefPeriods(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"2026-03"}, periods)

	kr, err = keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	l, err = audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "test.example/audit"})
	require.NoError(t, err)
	defer l.Close()
	n := 0
	acc := custos.Access{Actor: custos.Actor{ID: "investigator", Role: "security"}, Purpose: "incident-response"}
	for m, err := range l.Query(ctx, acc, audit.Query{Subject: "S3", Action: custos.ActionGet}) {
		require.NoError(t, err)
		require.NoError(t, m.Verify(l.Verifier()))
		n++
	}
	assert.Equal(t, 70, n, "the customer's earlier entries are found through the index")
}
