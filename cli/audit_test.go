package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx", to drop test schemas
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/internal/pgtest"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
)

const origin = testOrigin

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func event(i int) custos.Event {
	return custos.Event{
		Time: t0.Add(time.Duration(i) * time.Second), Action: custos.ActionGet, Basis: custos.BasisContract,
		Access:  custos.Access{Actor: custos.Actor{ID: fmt.Sprintf("clerk-%d", i%3), Role: "clerk"}, Purpose: "servicing"},
		Subject: custos.SubjectID(fmt.Sprintf("C%d", i%7)), RecordType: "customer", Fields: []string{"name"},
		Outcome: custos.OutcomeAllowed,
	}
}

// testDB is a SQLite database holding an audit log, written through the
// SDK as a host would.
type testDB struct {
	path     string
	kek      keys.KEK
	kekFile  string
	verifier string
}

func newTestDB(t *testing.T) *testDB {
	t.Helper()
	dir := t.TempDir()
	kekFile := filepath.Join(dir, "kek.json")
	kek, err := insecuredevkek.Open(kekFile)
	require.NoError(t, err)
	return &testDB{path: filepath.Join(dir, "custos.db"), kek: kek, kekFile: kekFile}
}

// keyFlags are the flags that give a command the deployment's keys, for
// the audit commands that record what they do (export): a shred ledger
// of its own and the KEK file.
func (d *testDB) keyFlags(t *testing.T) []string {
	t.Helper()
	ledger := d.path + ".ledger"
	db, err := sqlstore.OpenSQLite(context.Background(), ledger, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return []string{"--ledger", ledger, "--kek", d.kekFile}
}

// export runs `audit export` of d with the deployment's keys and args.
func (d *testDB) export(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return auditor(t, append(append([]string{"audit", "export", "--db", d.path}, d.keyFlags(t)...), args...)...)
}

// appendEvents opens the database, appends events from..to-1 from several
// goroutines, and closes it again. It returns the latest checkpoint.
func (d *testDB) appendEvents(t *testing.T, from, to int) []byte {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, d.path, nil)
	require.NoError(t, err)
	defer db.Close()
	return appendTo(t, db, d.kek, from, to, &d.verifier)
}

func appendTo(t *testing.T, db *sqlstore.DB, kek keys.KEK, from, to int, verifier *string) []byte {
	t.Helper()
	ctx := context.Background()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	l, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: origin, CheckpointHistory: time.Nanosecond})
	require.NoError(t, err)
	*verifier = l.Verifier()
	var wg sync.WaitGroup
	const workers = 16
	for w := range workers {
		wg.Go(func() {
			for i := from + w; i < to; i += workers {
				_, err := l.Append(ctx, event(i))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	cp, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	return cp
}

// auditor runs the stock command line in-process, as an auditor would.
func auditor(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return run(t, cli.Config{}, args...)
}

// tamper runs SQL on the database as an administrator would, after
// dropping the triggers that keep the audit tables append-only.
func tamper(t *testing.T, path string, fn func(db *sql.DB)) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	for _, trg := range []string{"entries_no_update", "entries_no_delete", "checkpoints_no_update", "checkpoints_no_delete"} {
		_, err := db.Exec(`DROP TRIGGER custos_audit_` + trg)
		require.NoError(t, err)
	}
	fn(db)
}

func entryBytes(t *testing.T, db *sql.DB, idx int) []byte {
	t.Helper()
	var b []byte
	require.NoError(t, db.QueryRow(`SELECT entry FROM custos_audit_entries WHERE idx = ?`, idx).Scan(&b))
	return b
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	_, err := db.Exec(q, args...)
	require.NoError(t, err)
}

func TestVerifyDatabase(t *testing.T) {
	d := newTestDB(t)
	cp := d.appendEvents(t, 0, 50)
	keyFile := writeFile(t, []byte(d.verifier+"\n"))
	cpFile := writeFile(t, cp)

	code, out, errs := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "OK: audit log "+origin+" verified: 50 entries")

	code, out, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", "@"+keyFile, "--checkpoint", cpFile)
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "50 entries")

	code, out, _ = auditor(t, "audit", "checkpoint", "--db", d.path, "--key", "@"+keyFile)
	require.Equal(t, cli.ExitOK, code)
	c, err := audit.OpenCheckpoint([]byte(out), d.verifier)
	require.NoError(t, err, "the printed checkpoint is the signed note")
	assert.Equal(t, uint64(50), c.Size)

	code, out, _ = auditor(t, "audit", "key", "--db", d.path)
	require.Equal(t, cli.ExitOK, code)
	assert.Equal(t, d.verifier+"\n", out)

	dir := filepath.Join(t.TempDir(), "tiles")
	code, out, errs = d.export(t, "--tiles", dir, "--key", d.verifier)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "exported 51 entries", "the 50 and the export's own")
	assert.Contains(t, out, "the export is recorded as entry 50")
	code, out, _ = auditor(t, "audit", "verify", "--tiles", dir, "--key", d.verifier, "--checkpoint", cpFile)
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "verified: 51 entries")

	// Resume from the saved checkpoint after more appends.
	d.appendEvents(t, 51, 61)
	code, out, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--resume", cpFile)
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "61 entries (11 recomputed from index 50)")
}

func TestVerifyCatchesTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB, old []byte)
		index  int
	}{
		{"flip a byte of an entry", func(t *testing.T, db *sql.DB, _ []byte) {
			b := entryBytes(t, db, 7)
			b[len(b)/2] ^= 0x20
			exec(t, db, `UPDATE custos_audit_entries SET entry = ? WHERE idx = 7`, b)
		}, 7},
		{"delete an entry", func(t *testing.T, db *sql.DB, _ []byte) {
			exec(t, db, `DELETE FROM custos_audit_entries WHERE idx = 4`)
		}, 4},
		{"reorder two entries", func(t *testing.T, db *sql.DB, _ []byte) {
			a, b := entryBytes(t, db, 2), entryBytes(t, db, 9)
			exec(t, db, `UPDATE custos_audit_entries SET entry = ? WHERE idx = 2`, b)
			exec(t, db, `UPDATE custos_audit_entries SET entry = ? WHERE idx = 9`, a)
		}, 2},
		{"truncate to an older signed head", func(t *testing.T, db *sql.DB, old []byte) {
			// old is the checkpoint the log signed at size 8, made by the
			// test itself: no test depends on how appends were batched.
			c, err := audit.OpenCheckpoint(old, testVerifier(t, db))
			require.NoError(t, err)
			require.Equal(t, uint64(8), c.Size)
			exec(t, db, `DELETE FROM custos_audit_entries WHERE idx >= 8`)
			exec(t, db, `DELETE FROM custos_audit_checkpoints WHERE size > 8`)
			exec(t, db, `UPDATE custos_audit_head SET size = 8, checkpoint = ?`, old)
		}, -1}, // the truncated size, checked below
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDB(t)
			old := d.appendEvents(t, 0, 8)
			saved := writeFile(t, d.appendEvents(t, 8, 12))
			tamper(t, d.path, func(db *sql.DB) { tc.tamper(t, db, old) })
			code, out, _ := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--checkpoint", saved)
			assert.Equal(t, cli.ExitFailed, code)
			assert.Contains(t, out, "FAIL: the audit log does not verify: first bad index ")
			if tc.index >= 0 {
				assert.Contains(t, out, fmt.Sprintf("first bad index %d:", tc.index))
			} else {
				assert.Contains(t, out, "truncated")
			}
			// Without the auditor's checkpoint, a consistent truncation
			// is still caught by the history only if it was kept: the
			// other cases are caught by the entries alone.
			if tc.index >= 0 {
				code, _, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier)
				assert.Equal(t, cli.ExitFailed, code)
			}
		})
	}
}

// testVerifier reads the verifier key stored with the log, for checks of
// what a test itself wrote.
func testVerifier(t *testing.T, db *sql.DB) string {
	t.Helper()
	var v string
	require.NoError(t, db.QueryRow(`SELECT verifier FROM custos_audit_signer`).Scan(&v))
	return v
}

func TestVerifyCatchesAnotherKey(t *testing.T) {
	d := newTestDB(t)
	d.appendEvents(t, 0, 5)
	skey, otherVkey, err := note.GenerateKey(rand.Reader, origin)
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	tamper(t, d.path, func(db *sql.DB) {
		var cp []byte
		require.NoError(t, db.QueryRow(`SELECT checkpoint FROM custos_audit_head`).Scan(&cp))
		text := string(cp[:bytes.Index(cp, []byte("\n\n"))+1])
		forged, err := note.Sign(&note.Note{Text: text}, signer)
		require.NoError(t, err)
		exec(t, db, `UPDATE custos_audit_head SET checkpoint = ?`, forged)
	})
	code, out, _ := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, out, "not signed by the log's key")
	code, _, _ = auditor(t, "audit", "checkpoint", "--db", d.path, "--key", d.verifier)
	assert.Equal(t, cli.ExitFailed, code)
	code, _, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", otherVkey)
	assert.Equal(t, cli.ExitFailed, code, "the forger's key does not verify the kept history")
}

func TestVerifyCatchesFork(t *testing.T) {
	a := newTestDB(t)
	a.appendEvents(t, 0, 5)
	// B starts as a copy of A: same keys, same first five entries.
	b := &testDB{path: filepath.Join(t.TempDir(), "fork.db"), kek: a.kek}
	raw, err := os.ReadFile(a.path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(b.path, raw, 0o600))

	at5 := writeFile(t, a.appendEvents(t, 5, 5)) // the checkpoint of size 5
	at10 := writeFile(t, a.appendEvents(t, 5, 10))
	bt10 := b.appendEvents(t, 100, 105)
	require.Equal(t, a.verifier, b.verifier)
	a10, _ := os.ReadFile(at10)
	require.NotEqual(t, a10, bt10, "two different checkpoints of size 10")

	code, _, _ := auditor(t, "audit", "verify", "--db", b.path, "--key", b.verifier)
	require.Equal(t, cli.ExitOK, code, "B alone is self-consistent")
	code, out, _ := auditor(t, "audit", "verify", "--db", b.path, "--key", b.verifier, "--checkpoint", at5, "--checkpoint", at10)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, out, "first bad index 5:")
	assert.Contains(t, out, "forked")
}

func TestVerifyTilesCatchesTampering(t *testing.T) {
	d := newTestDB(t)
	d.appendEvents(t, 0, 299) // and the export's own entry: 300
	dir := filepath.Join(t.TempDir(), "tiles")
	code, _, errs := d.export(t, "--tiles", dir, "--key", d.verifier)
	require.Equal(t, cli.ExitOK, code, errs)
	p := filepath.Join(dir, "tile", "entries", "001.p", "44")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[2+5] ^= 1 // inside the first entry of the bundle: index 256
	require.NoError(t, os.WriteFile(p, b, 0o644))
	code, out, _ := auditor(t, "audit", "verify", "--tiles", dir, "--key", d.verifier)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, out, "first bad index 256:")
}

func TestProgress(t *testing.T) {
	d := newTestDB(t)
	d.appendEvents(t, 0, 2500)
	cfg := cli.Config{Clock: newClock().Now} // a second passes at every reading
	code, _, errs := run(t, cfg, "audit", "verify", "--db", d.path, "--key", d.verifier, "--progress", "1s")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, errs, "verifying entries: 1024/2500 (41.0%)")
	assert.Contains(t, errs, "verifying entries: 2048/2500 (81.9%)")
	assert.Contains(t, errs, "verifying entries: 2500/2500 (100.0%)")

	code, _, errs = run(t, cfg, "audit", "verify", "--db", d.path, "--key", d.verifier, "--progress", "0")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.NotContains(t, errs, "verifying", "--progress 0 shows none")

	code, _, errs = run(t, cfg, "audit", "verify", "--db", d.path, "--key", d.verifier, "--progress", "1h")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.NotContains(t, errs, "verifying", "work done within the interval shows none")
}

func TestPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	ctx := context.Background()
	db, err := sqlstore.OpenPostgres(ctx, dsn, &sqlstore.Options{Schema: schema})
	require.NoError(t, err)
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	var verifier string
	appendTo(t, db, kek, 0, 40, &verifier)
	require.NoError(t, db.Close())

	t.Setenv("CUSTOS_CLI_TEST_DSN", dsn)
	code, out, errs := auditor(t, "audit", "verify", "--postgres", "CUSTOS_CLI_TEST_DSN", "--schema", schema, "--key", verifier)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "verified: 40 entries")
	assert.NotContains(t, out+errs, dsn, "the DSN is never printed")

	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	_, err = admin.Exec(`UPDATE ` + schema + `.custos_audit_entries SET entry = entry WHERE idx = 3`)
	require.Error(t, err, "the append-only trigger refuses an update")
	_, err = admin.Exec(`ALTER TABLE ` + schema + `.custos_audit_entries DISABLE TRIGGER USER`)
	require.NoError(t, err)
	_, err = admin.Exec(`UPDATE ` + schema + `.custos_audit_entries SET entry = set_byte(entry, 30, get_byte(entry, 30) # 1) WHERE idx = 3`)
	require.NoError(t, err)
	code, out, _ = auditor(t, "audit", "verify", "--postgres", "CUSTOS_CLI_TEST_DSN", "--schema", schema, "--key", verifier)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, out, "first bad index 3:")
}

// TestJSON reads every audit command's --json output as a script would.
func TestJSON(t *testing.T) {
	d := newTestDB(t)
	cp := d.appendEvents(t, 0, 20)
	saved := writeFile(t, cp)

	code, out, errs := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--checkpoint", saved, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	var v struct {
		Verified    bool
		Origin      string
		Size        uint64
		Root        string
		Checkpoints int
	}
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	c, err := audit.OpenCheckpoint(cp, d.verifier)
	require.NoError(t, err)
	assert.True(t, v.Verified)
	assert.Equal(t, origin, v.Origin)
	assert.Equal(t, uint64(20), v.Size)
	assert.Equal(t, base64.StdEncoding.EncodeToString(c.Root), v.Root)
	assert.GreaterOrEqual(t, v.Checkpoints, 2, "the latest and the saved one")

	code, out, errs = auditor(t, "audit", "checkpoint", "--db", d.path, "--key", d.verifier, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	var ck struct {
		Size uint64
		Note string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &ck), out)
	assert.Equal(t, uint64(20), ck.Size)
	assert.Equal(t, string(cp), ck.Note, "the signed note, as --checkpoint reads it")

	code, out, errs = auditor(t, "audit", "key", "--db", d.path, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.JSONEq(t, `{"verifier":`+strconv.Quote(d.verifier)+`}`, out)

	dir := filepath.Join(t.TempDir(), "tiles")
	code, out, errs = d.export(t, "--key", d.verifier, "--tiles", dir, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	var ex struct {
		Size  uint64
		Files int `json:"files_written"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &ex), out)
	assert.Equal(t, uint64(21), ex.Size, "the 20 and the export's own")
	assert.Positive(t, ex.Files)

	tamper(t, d.path, func(db *sql.DB) {
		b := entryBytes(t, db, 5)
		b[len(b)-1] ^= 1
		exec(t, db, `UPDATE custos_audit_entries SET entry = ? WHERE idx = 5`, b)
	})
	code, out, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--json")
	require.Equal(t, cli.ExitFailed, code)
	var bad struct {
		Verified bool
		Index    *uint64 `json:"first_bad_index"`
		Reason   string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &bad), out)
	assert.False(t, bad.Verified)
	require.NotNil(t, bad.Index)
	assert.Equal(t, uint64(5), *bad.Index)
	assert.NotEmpty(t, bad.Reason)
}

// TestExportNeedsTheAuditorsKey: export does not fall back to the key
// stored in the database it checks (issue 9); --stored-key says so
// explicitly and warns.
func TestExportNeedsTheAuditorsKey(t *testing.T) {
	d := newTestDB(t)
	d.appendEvents(t, 0, 5)
	dir := filepath.Join(t.TempDir(), "tiles")
	code, _, errs := d.export(t, "--tiles", dir)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errs, "--key")
	_, err := os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing exported")

	code, out, errs := d.export(t, "--tiles", dir, "--stored-key")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "exported 6 entries")
	assert.Contains(t, errs, "proves only that the database agrees with itself")

	// A forged log whose stored key was replaced too exports with
	// --stored-key, but not with the auditor's key.
	other := newTestDB(t)
	other.appendEvents(t, 0, 5)
	code, out, _ = other.export(t, "--tiles", filepath.Join(t.TempDir(), "t"), "--key", d.verifier)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, out, "FAIL: not exported")
}
