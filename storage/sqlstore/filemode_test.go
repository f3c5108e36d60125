package sqlstore_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
)

// umaskChild names the directory a child process of TestFilesArePrivate
// writes its files into, with its umask cleared.
const umaskChild = "CUSTOS_TEST_UMASK_CHILD_DIR"

// TestFilesArePrivate shows that every file custos creates for a SQLite
// deployment — the database, its -wal and -shm files, a second database
// kept as the shred ledger, and the development KEK file — is readable and
// writable by its owner only, even under umask 000. The umask is process
// wide, so a child process clears it, writes, and exits without closing
// (leaving the -wal and -shm files for the parent to inspect).
func TestFilesArePrivate(t *testing.T) {
	if dir := os.Getenv(umaskChild); dir != "" {
		writeUnderUmaskZero(t, dir)
		return
	}
	if runtime.GOOS == "windows" {
		t.Skip("file modes are POSIX")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFilesArePrivate$", "-test.count=1")
	cmd.Env = append(os.Environ(), umaskChild+"="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child process: %s", out)

	control, err := os.Stat(filepath.Join(dir, "control"))
	require.NoError(t, err, "the child ran")
	require.Equal(t, fs.FileMode(0o666), control.Mode().Perm(), "the child's umask was 000")

	for _, name := range []string{
		"custos.db", "custos.db-wal", "custos.db-shm", "custos.db-lock",
		"custos.db.ledger", "custos.db.ledger-wal", "custos.db.ledger-shm", "custos.db.ledger-lock",
		"dev-kek.json",
	} {
		t.Run(name, func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(dir, name))
			require.NoError(t, err)
			assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		fi, err := e.Info()
		require.NoError(t, err)
		if e.Name() != "control" {
			assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "%s: every file custos created", e.Name())
		}
	}
}

// writeUnderUmaskZero is the child's side of TestFilesArePrivate.
func writeUnderUmaskZero(t *testing.T, dir string) {
	syscall.Umask(0)
	f, err := os.OpenFile(filepath.Join(dir, "control"), os.O_CREATE|os.O_WRONLY, 0o666)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	ctx := context.Background()
	kek, err := insecuredevkek.Open(filepath.Join(dir, "dev-kek.json"))
	require.NoError(t, err)
	require.NotEmpty(t, kek.ID)
	for _, name := range []string{"custos.db", "custos.db.ledger"} {
		db, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, name), nil)
		require.NoError(t, err)
		require.NoError(t, db.Keys().CreateKey(ctx, keys.WrappedKey{Name: "k", KEKID: kek.ID, Keyset: []byte{1}, Version: 1}))
		// Not closed: closing the last connection checkpoints and removes
		// the -wal file, which the parent inspects.
	}
}

func TestExistingDatabaseKeepsItsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are POSIX")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "created private under the test's own umask")

	require.NoError(t, os.Chmod(path, 0o640)) // a host's choice, such as a group of auditors
	db, err = sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	fi, err = os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
}

func TestCreateErrorHidesThePath(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secret-dir-name", "custos.db")
	_, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.ErrorIs(t, err, sqlstore.ErrConnect)
	assert.NotContains(t, err.Error(), "secret-dir-name")
}
