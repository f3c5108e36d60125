package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/storage/sqlstore"
)

func TestMigrationsApplyOnceAndPersist(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")

	// Several processes opening a new database at once all succeed.
	var wg sync.WaitGroup
	dbs := make([]*sqlstore.DB, 4)
	errs := make([]error, 4)
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = sqlstore.OpenSQLite(ctx, path, nil) })
	}
	wg.Wait()
	for i := range dbs {
		require.NoError(t, errs[i])
	}
	require.NoError(t, dbs[0].Keys().CreateKey(ctx, keys.WrappedKey{Name: "k", KEKID: "kek", Keyset: []byte{1}, Version: 1}))
	for _, db := range dbs {
		require.NoError(t, db.Close())
	}

	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	var n, max int
	require.NoError(t, db.SQL().QueryRow(`SELECT COUNT(*), MAX(version) FROM custos_migrations`).Scan(&n, &max))
	files, err := os.ReadDir(filepath.Join("migrations", "sqlite"))
	require.NoError(t, err)
	assert.Equal(t, len(files), n, "each migration recorded once (numbers may have gaps)")
	assert.Equal(t, sqlstore.SchemaVersion(), max)
	k, err := db.Keys().GetKey(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, []byte{1}, k.Keyset, "data survives reopening")
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	_, err = db.SQL().Exec(`INSERT INTO custos_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = sqlstore.OpenSQLite(ctx, path, nil)
	assert.ErrorIs(t, err, sqlstore.ErrConnect)
	assert.Contains(t, err.Error(), "newer than this custos")
}

func TestOpenErrorsHideTheConnectionString(t *testing.T) {
	ctx := context.Background()
	cases := []struct{ name, dsn string }{
		{"unparsable", "postgres://user:s3cret-pass@[::1"},
		{"unreachable", "postgres://user:s3cret-pass@127.0.0.1:1/secretdb?sslmode=disable&connect_timeout=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sqlstore.OpenPostgres(ctx, c.dsn, nil)
			require.ErrorIs(t, err, sqlstore.ErrConnect)
			assert.NotContains(t, err.Error(), "s3cret")
			assert.NotContains(t, err.Error(), "secretdb")
			assert.NotContains(t, err.Error(), "user")
		})
	}
	_, err := sqlstore.OpenPostgres(ctx, "postgres://localhost/test", &sqlstore.Options{Schema: "Bad; DROP"})
	assert.ErrorIs(t, err, sqlstore.ErrConnect)
	_, err = sqlstore.OpenSQLite(ctx, "", nil)
	assert.ErrorIs(t, err, sqlstore.ErrConnect)
	_, err = sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "missing-dir", "x.db"), nil)
	assert.ErrorIs(t, err, sqlstore.ErrConnect)
}

func TestReadOnlyChangesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	_, err := sqlstore.OpenSQLite(ctx, path, &sqlstore.Options{ReadOnly: true})
	require.ErrorIs(t, err, sqlstore.ErrConnect, "read-only never creates a database")
	_, statErr := os.Stat(path)
	assert.True(t, os.IsNotExist(statErr))

	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, db.Keys().CreateKey(ctx, keys.WrappedKey{Name: "k", KEKID: "kek", Keyset: []byte{1}, Version: 1}))
	require.NoError(t, db.Close())

	ro, err := sqlstore.OpenSQLite(ctx, path, &sqlstore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	k, err := ro.Keys().GetKey(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, []byte{1}, k.Keyset)
	assert.Error(t, ro.Keys().CreateKey(ctx, keys.WrappedKey{Name: "k2", KEKID: "kek", Keyset: []byte{2}, Version: 1}), "writes fail")
	_, err = ro.Keys().GetKey(ctx, "k2")
	assert.ErrorIs(t, err, keys.ErrNotFound)
}
