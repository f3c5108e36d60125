package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for the cleanup connection
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/storage/storetest"
)

// openSQLite opens a fresh SQLite database in the test's temporary
// directory.
func openSQLite(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "custos.db"), nil)
	require.NoError(t, err)
	return db
}

// postgresDSN returns CUSTOS_TEST_POSTGRES_DSN or skips the test.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("CUSTOS_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CUSTOS_TEST_POSTGRES_DSN is not set: skipping PostgreSQL tests (see DEVELOPERS.md)")
	}
	return dsn
}

// openPostgres opens a migrated, empty schema of this run's own in the
// test database (see pgSchemas), so that runs never collide.
func openPostgres(t *testing.T) *sqlstore.DB {
	t.Helper()
	dsn := postgresDSN(t)
	schema := pgSchemas.take(t, dsn)
	db, err := sqlstore.OpenPostgres(context.Background(), dsn, &sqlstore.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		db.Close()
		pgSchemas.release(schema)
	})
	return db
}

func randomSuffix(t *testing.T) string {
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return hex.EncodeToString(b[:])
}

// The two conformance runs share nothing (each fixture opens its own
// database file or schema) and spend most of their time waiting on the
// database, so they run side by side.
func TestConformanceSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Adapter { return openSQLite(t) })
}

func TestConformancePostgres(t *testing.T) {
	t.Parallel()
	postgresDSN(t)
	storetest.Run(t, func(t *testing.T) storetest.Adapter { return openPostgres(t) })
}

// openShared opens a fresh database of the dialect ("sqlite" or
// "postgres") that other processes can open too, and returns where they
// find it: the SQLite file in dir, or the PostgreSQL schema.
func openShared(t *testing.T, dialect, dir string) (*sqlstore.DB, string) {
	t.Helper()
	if dialect == "sqlite" {
		where := filepath.Join(dir, "custos.db")
		db, err := sqlstore.OpenSQLite(context.Background(), where, nil)
		require.NoError(t, err)
		return db, where
	}
	db := openPostgres(t)
	var where string
	require.NoError(t, db.SQL().QueryRowContext(context.Background(), `SELECT current_schema()`).Scan(&where))
	return db, where
}

// openFromChild opens, in a child process, what openShared returned.
func openFromChild(ctx context.Context, dialect, where string) (*sqlstore.DB, error) {
	if dialect == "sqlite" {
		return sqlstore.OpenSQLite(ctx, where, nil)
	}
	return sqlstore.OpenPostgres(ctx, os.Getenv("CUSTOS_TEST_POSTGRES_DSN"), &sqlstore.Options{Schema: where})
}
