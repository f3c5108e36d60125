package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
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

// The environment of a child process of TestAuditAppendsFromManyProcesses.
const (
	appendChild   = "CUSTOS_TEST_AUDIT_CHILD"   // the child's number
	appendDir     = "CUSTOS_TEST_AUDIT_DIR"     // KEK file, barrier files, SQLite database
	appendSchema  = "CUSTOS_TEST_AUDIT_SCHEMA"  // PostgreSQL schema; empty for SQLite
	appendCount   = "CUSTOS_TEST_AUDIT_APPENDS" // appends per child
	appendOrigin  = "procs.custos.example/audit"
	appendWorkers = 8 // goroutines appending in each child
)

// TestAuditAppendsFromManyProcesses runs real processes (this test binary
// re-executed) that append to one audit log at the same time, on SQLite and
// PostgreSQL. Every append succeeds — none gives up because another process
// appended first — and the log verifies with exactly the entries each
// process wrote.
func TestAuditAppendsFromManyProcesses(t *testing.T) {
	if os.Getenv(appendChild) != "" {
		appendAsChild(t)
		return
	}
	const procs, each = 4, 150
	backends := []struct {
		name string
		open func(t *testing.T, dir string) (*sqlstore.DB, string)
	}{
		{"sqlite", func(t *testing.T, dir string) (*sqlstore.DB, string) {
			db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "custos.db"), nil)
			require.NoError(t, err)
			return db, ""
		}},
		{"postgres", func(t *testing.T, _ string) (*sqlstore.DB, string) {
			dsn := postgresDSN(t)
			schema := "custos_test_" + randomSuffix(t)
			db, err := sqlstore.OpenPostgres(context.Background(), dsn, &sqlstore.Options{Schema: schema})
			require.NoError(t, err)
			t.Cleanup(func() {
				if admin, err := sql.Open("pgx", dsn); err == nil {
					admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
					admin.Close()
				}
			})
			return db, schema
		}},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, schema := be.open(t, dir)
			defer db.Close()
			// The parent creates the keys and the log's signing key, as a
			// deployment's first start would; the children share them.
			l := appendLog(t, db, dir)
			verifier := l.Verifier()
			require.NoError(t, l.Close())

			start := startAppenders(t, procs, each, dir, schema)
			start()
			rep, err := audit.Verify(ctx, audit.StoreSource(db.Audit()), audit.VerifyOptions{Verifier: verifier})
			require.NoError(t, err, "the log the processes wrote together verifies")
			assert.Equal(t, uint64(procs*each), rep.Entries)
			assert.Equal(t, uint64(procs*each), rep.Checkpoint.Size)
			perProc := map[string]int{}
			for from := uint64(0); ; {
				page, err := db.Audit().ReadLeaves(ctx, from, 500)
				require.NoError(t, err)
				if len(page) == 0 {
					break
				}
				for _, leaf := range page {
					e, err := audit.ParseEntry(leaf.Entry)
					require.NoError(t, err)
					perProc[e.Actor.ID]++
				}
				from = page[len(page)-1].Index + 1
			}
			want := map[string]int{}
			for p := range procs {
				want[fmt.Sprintf("proc-%d", p)] = each
			}
			assert.Equal(t, want, perProc, "each process's appends are all in the log, once")
		})
	}
}

// startAppenders starts procs child processes appending each entries to
// the log in dir (or schema) and waits until all are ready. The function
// it returns lets them append at once and waits until every one has
// exited, failing the test for any that failed.
func startAppenders(t testing.TB, procs, each int, dir, schema string) func() {
	t.Helper()
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*lockedBuffer, procs)
	for p := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAuditAppendsFromManyProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), appendChild+"="+strconv.Itoa(p), appendDir+"="+dir,
			appendSchema+"="+schema, appendCount+"="+strconv.Itoa(each))
		outs[p] = &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = outs[p], outs[p]
		require.NoError(t, cmd.Start())
		cmds[p] = cmd
	}
	// Every child waits for the "go" file, so that they append at once.
	for p := range procs {
		waitFor(t, filepath.Join(dir, fmt.Sprintf("ready-%d", p)))
	}
	return func() {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "go"), nil, 0o600))
		for p, cmd := range cmds {
			assert.NoError(t, cmd.Wait(), "process %d: every append succeeds:\n%s", p, outs[p].String())
		}
	}
}

// appendLog opens the audit log on db with the KEK kept in dir.
func appendLog(t testing.TB, db *sqlstore.DB, dir string) *audit.Log {
	t.Helper()
	ctx := context.Background()
	kek, err := insecuredevkek.Open(filepath.Join(dir, "dev-kek.json"))
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	l, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: appendOrigin})
	require.NoError(t, err)
	return l
}

// appendAsChild is a child's side: open the shared database, wait for the
// parent's signal, append, and fail (exit non-zero) if any append fails.
func appendAsChild(t *testing.T) {
	ctx := context.Background()
	dir, schema := os.Getenv(appendDir), os.Getenv(appendSchema)
	proc := os.Getenv(appendChild)
	each, err := strconv.Atoi(os.Getenv(appendCount))
	require.NoError(t, err)
	var db *sqlstore.DB
	if schema == "" {
		db, err = sqlstore.OpenSQLite(ctx, filepath.Join(dir, "custos.db"), nil)
	} else {
		db, err = sqlstore.OpenPostgres(ctx, os.Getenv("CUSTOS_TEST_POSTGRES_DSN"), &sqlstore.Options{Schema: schema})
	}
	require.NoError(t, err)
	defer db.Close()
	l := appendLog(t, db, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ready-"+proc), nil, 0o600))
	waitFor(t, filepath.Join(dir, "go"))

	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for w := range appendWorkers {
		wg.Go(func() {
			for i := w; i < each; i += appendWorkers {
				err := l.Record(ctx, custos.Event{Action: custos.ActionGet, Outcome: custos.OutcomeAllowed,
					Access:  custos.Access{Actor: custos.Actor{ID: "proc-" + proc, Role: "clerk"}, Purpose: "servicing"},
					Subject: custos.SubjectID(fmt.Sprintf("C%d", i%11)), RecordType: "customer", Fields: []string{"name"}})
				if err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
					t.Errorf("append %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, l.Close())
	require.Zero(t, failed, "appends that failed")
}

// waitFor waits until a file exists; the test's own deadline bounds it.
func waitFor(t testing.TB, path string) {
	t.Helper()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lockedBuffer collects a child's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
