// Package pgtest gives the repository's tests a schema of their own on the
// PostgreSQL test server, so that runs never collide.
//
// The server is named by CUSTOS_TEST_POSTGRES_DSN; a test that asks for it
// when the variable is unset is skipped, saying why (see DEVELOPERS.md).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver the schema is dropped through

	"github.com/custos-go/custos/storage/sqlstore"
)

// EnvDSN is the environment variable holding the test server's DSN.
const EnvDSN = "CUSTOS_TEST_POSTGRES_DSN"

// DSN returns the test server's DSN, or skips t when EnvDSN is unset.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Skip(EnvDSN + " is not set: skipping PostgreSQL tests (see DEVELOPERS.md)")
	}
	return dsn
}

// Schema returns the name of a new schema (random, never used before) that
// is dropped, with everything in it, when t ends. The drop is registered
// first, so that it runs after the cleanups registered later (closing the
// handles that use the schema).
func Schema(t testing.TB, dsn string) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("pgtest: schema name: %v", err)
	}
	schema := "custos_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", dsn); err == nil {
			_, _ = admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	return schema
}

// Open opens the store on a fresh schema of the test server (migrated,
// closed and dropped when t ends) and returns it with the schema's name; it
// skips t when EnvDSN is unset.
func Open(t testing.TB) (*sqlstore.DB, string) {
	t.Helper()
	dsn := DSN(t)
	schema := Schema(t, dsn)
	db, err := sqlstore.OpenPostgres(context.Background(), dsn, &sqlstore.Options{Schema: schema})
	if err != nil {
		t.Fatalf("pgtest: open the test schema: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, schema
}
