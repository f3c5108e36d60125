package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// The attack review's test, as an attacker with copies of the database
// files and backups, and every key custos still holds, would run it.

var attackSubjects = []custos.SubjectID{"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"}

// carve finds every Tink EncryptedKeyset in data — wherever it lies: live
// rows, free pages, WAL frames, dead tuples — by trying each offset where
// field 2 (encrypted_keyset, tag 0x12) with a plausible length begins, and
// returns, per customer, how many it could unwrap with any of the AEADs
// under that customer's DEK associated data.
func carve(data []byte, aeads []tink.AEAD) map[custos.SubjectID]int {
	out := map[custos.SubjectID]int{}
	for i := 0; i+2 < len(data); i++ {
		if data[i] != 0x12 {
			continue
		}
		l, n := binary.Uvarint(data[i+1:])
		if n <= 0 || l < 28 || l > 4096 || i+1+n+int(l) > len(data) {
			continue
		}
		ct := data[i+1+n : i+1+n+int(l)]
		for _, s := range attackSubjects {
			ad := adata.Build("custos.dek.v1", string(s))
			for _, a := range aeads {
				if pt, err := a.Decrypt(ct, ad); err == nil {
					if _, err := keyset.ReadWithNoSecrets(keyset.NewBinaryReader(bytes.NewReader(pt))); err != nil {
						out[s]++ // a secret keyset: what the attacker wants
					}
				}
			}
		}
	}
	return out
}

// attackWorld is a deployment under attack: a store with eight customers
// whose DEKs are in one erasure group, an in-memory key Source, and the
// wrapped DEKs and ciphertexts read before the erasure.
type attackWorld struct {
	kek     keys.KEK
	src     *insecuredevkek.Source
	kr      *keys.Keyring
	now     time.Time
	wrapped map[custos.SubjectID][]byte
	ct      map[custos.SubjectID][]byte
}

func newAttackWorld(t *testing.T, db *sqlstore.DB, ledger keys.Ledger) *attackWorld {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	w := &attackWorld{kek: kek, src: insecuredevkek.NewSource(), now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		wrapped: map[custos.SubjectID][]byte{}, ct: map[custos.SubjectID][]byte{}}
	w.kr, err = keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger, Clock: func() time.Time { return w.now },
		Epochs: &keys.EpochConfig{Source: w.src, Groups: 1}})
	require.NoError(t, err)
	for i, s := range attackSubjects {
		a, err := w.kr.ForWrite(ctx, s)
		require.NoError(t, err)
		w.ct[s], err = a.Encrypt(fmt.Appendf(nil, "1380000000%d", i), []byte("mobile"))
		require.NoError(t, err)
		require.NoError(t, db.Vault().PutRecord(ctx, vault.Write{Subject: s, Ref: w.kr.Reference(s), Type: "customer", Envelope: w.ct[s], Expect: vault.ExpectAny, Time: w.now}))
		d, err := db.Keys().GetDEK(ctx, s)
		require.NoError(t, err)
		w.wrapped[s] = d.Keyset
	}
	return w
}

// forgetAndClose forgets C1 and closes the epoch after its period, and
// returns the key that was destroyed, captured before (as a control).
func (w *attackWorld) forgetAndClose(t *testing.T, db *sqlstore.DB) tink.AEAD {
	ctx := context.Background()
	old, err := w.src.AEAD(ctx, "custos-epoch-g1-e1")
	require.NoError(t, err)
	sh, err := w.kr.Shred(ctx, "C1")
	require.NoError(t, err)
	_, err = db.Vault().ForgetSubject(ctx, w.kr.Reference("C1"), w.now)
	require.NoError(t, err)
	w.now = w.now.Add(25 * time.Hour)
	rep, err := w.kr.CloseDueEpochs(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"custos-epoch-g1-e1"}, rep.Destroyed)
	done, err := w.kr.ErasureComplete(ctx, sh.Group, sh.Epoch)
	require.NoError(t, err)
	require.True(t, done)
	return old
}

// held is every key custos still holds: the Source's remaining keys and
// the KEK.
func (w *attackWorld) held(t *testing.T) []tink.AEAD {
	ctx := context.Background()
	names, err := w.src.List(ctx)
	require.NoError(t, err)
	out := []tink.AEAD{w.kek.AEAD}
	for _, n := range names {
		a, err := w.src.AEAD(ctx, n)
		require.NoError(t, err)
		out = append(out, a)
	}
	return out
}

// readFiles concatenates the files that exist among paths.
func readFiles(t *testing.T, paths ...string) []byte {
	var out []byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		out = append(out, b...)
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if os.IsNotExist(err) {
		return
	}
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

// TestShredAttackSQLite: a copy of the database file and WAL taken before
// Forget still holds the forgotten customer's wrapped DEK after the epoch
// close, and no key custos still holds unwraps it; the live file and WAL no
// longer hold it at all.
func TestShredAttackSQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	ledger, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "ledger.db"), nil)
	require.NoError(t, err)
	defer ledger.Close()
	w := newAttackWorld(t, db, ledger.Ledger())

	// The backup: the files as they are on disk, WAL included.
	backup := filepath.Join(dir, "backup")
	require.NoError(t, os.Mkdir(backup, 0o700))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		copyFile(t, path+suffix, filepath.Join(backup, "custos.db"+suffix))
	}
	old := w.forgetAndClose(t, db)

	backupBytes := readFiles(t, filepath.Join(backup, "custos.db"), filepath.Join(backup, "custos.db-wal"))
	liveBytes := readFiles(t, path, path+"-wal", path+"-shm")
	assert.True(t, bytes.Contains(backupBytes, w.wrapped["C1"]), "the backup still holds the forgotten customer's wrapped DEK")
	assert.True(t, bytes.Contains(backupBytes, w.ct["C1"]), "and their ciphertext")
	assert.Positive(t, carve(backupBytes, []tink.AEAD{old})["C1"], "control: the destroyed key would have opened it (once per WAL frame holding the page)")

	assert.Zero(t, carve(backupBytes, w.held(t))["C1"], "no key custos still holds opens the backup's copy")
	assert.Zero(t, carve(liveBytes, w.held(t))["C1"], "nor anything in the live files")
	assert.False(t, bytes.Contains(liveBytes, w.wrapped["C1"]), "the live file and WAL no longer hold the wrapped DEK (secure_delete, WAL truncated)")
	assert.False(t, bytes.Contains(liveBytes, w.ct["C1"]), "nor the ciphertext")
	wal, err := os.Stat(path + "-wal")
	if err == nil {
		assert.Zero(t, wal.Size(), "the WAL was checkpointed and truncated")
	}

	live := carve(liveBytes, w.held(t))
	for _, s := range attackSubjects[1:] {
		assert.Equal(t, 1, live[s], "control: the carver finds customer %s's live DEK under the new epoch key", s)
	}
}

var bytea = regexp.MustCompile(`\\\\x([0-9a-f]+)`)

// TestShredAttackPostgres: a pg_dump taken before Forget, and the table's
// heap file after the epoch close, hold nothing any key custos still holds
// opens for the forgotten customer. The heap may still hold the dead
// tuple: that is why deleted rows never count.
func TestShredAttackPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := postgresDSN(t)
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed: skipping the PostgreSQL backup attack")
	}
	schema := "custos_test_" + randomSuffix(t)
	db, err := sqlstore.OpenPostgres(ctx, dsn, &sqlstore.Options{Schema: schema})
	require.NoError(t, err)
	defer db.Close()
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", dsn); err == nil {
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	ledger, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "ledger.db"), nil)
	require.NoError(t, err)
	defer ledger.Close()
	w := newAttackWorld(t, db, ledger.Ledger())

	dump, err := exec.CommandContext(ctx, "pg_dump", "--dbname="+dsn, "--schema="+schema, "--table="+schema+".custos_deks").Output()
	require.NoError(t, err, "pg_dump")
	var dumped []byte
	for _, m := range bytea.FindAllSubmatch(dump, -1) {
		b, err := hex.DecodeString(string(m[1]))
		require.NoError(t, err)
		dumped = append(dumped, b...)
	}
	require.True(t, bytes.Contains(dumped, w.wrapped["C1"]), "the dump holds the wrapped DEK")
	old := w.forgetAndClose(t, db)

	assert.Equal(t, 1, carve(dumped, []tink.AEAD{old})["C1"], "control: the destroyed key would have opened the dump's copy")
	assert.Zero(t, carve(dumped, w.held(t))["C1"], "no key custos still holds opens it")

	var dataDir, rel string
	require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT current_setting('data_directory'), pg_relation_filepath('custos_deks')`).Scan(&dataDir, &rel))
	if _, err := db.SQL().ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Skipf("cannot CHECKPOINT to flush the heap to disk (needs superuser): %v", err)
	}
	heap, err := os.ReadFile(filepath.Join(dataDir, rel))
	if err != nil {
		t.Skipf("the heap file of custos_deks is not readable from this process (the server runs elsewhere or as another user): %v", err)
	}
	t.Logf("heap file still holds the forgotten DEK's bytes (dead tuple): %v", bytes.Contains(heap, w.wrapped["C1"]))
	assert.Zero(t, carve(heap, w.held(t))["C1"], "no key custos still holds opens anything in the heap for the forgotten customer")
	live := carve(heap, w.held(t))
	for _, s := range attackSubjects[1:] {
		assert.Positive(t, live[s], "control: the carver finds customer %s's live DEK in the heap", s)
	}
}
