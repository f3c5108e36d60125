package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
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

// binary is the custos command, built once for every test of the process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custos-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "custos")
	goCmd, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "the go command is needed to build the binary under test:", err)
		os.Exit(1)
	}
	build := exec.Command(goCmd, "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the custos binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// custosCmd runs the built binary and returns its exit status and output.
func custosCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err)
	return -1, "", ""
}

// auditDB writes a SQLite database holding an audit log of n entries, as a
// host would, and returns its path, the verifier key and the checkpoint.
func auditDB(t *testing.T, n int) (string, string, []byte) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	l, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.bin-test.example/custos"})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i := range n {
		_, err := l.Append(ctx, custos.Event{Time: t0.Add(time.Duration(i) * time.Second), Action: custos.ActionGet, Basis: custos.BasisContract,
			Access:  custos.Access{Actor: custos.Actor{ID: "clerk-1", Role: "clerk"}, Purpose: "servicing"},
			Subject: custos.SubjectID(fmt.Sprintf("C%07d", i%5)), RecordType: "customer", Fields: []string{"name"}, Outcome: custos.OutcomeAllowed})
		require.NoError(t, err)
	}
	cp, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	vkey := l.Verifier()
	require.NoError(t, l.Close())
	return path, vkey, cp
}

// TestExitStatus runs the binary as an operator's script would and checks
// the exit status DESIGN.md promises: 0 ok, 1 failed check, 2 bad input.
func TestExitStatus(t *testing.T) {
	path, vkey, cp := auditDB(t, 20)
	saved := filepath.Join(t.TempDir(), "saved.cp")
	require.NoError(t, os.WriteFile(saved, cp, 0o600))
	garbage := filepath.Join(t.TempDir(), "garbage.cp")
	require.NoError(t, os.WriteFile(garbage, []byte("origin\nnot a size\n"), 0o600))
	missing := filepath.Join(t.TempDir(), "missing.db")

	cases := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"help of an area", []string{"audit", "--help"}, 0, "Available Commands"},
		{"help of the root", []string{"--help"}, 0, "Available Commands"},
		{"verified", []string{"audit", "verify", "--db", path, "--key", vkey, "--checkpoint", saved}, 0, "OK: audit log"},
		{"no command", nil, 2, "needs a command"},
		{"unknown flag", []string{"audit", "verify", "--frobnicate"}, 2, "unknown flag"},
		{"missing key", []string{"audit", "export", "--db", path, "--tiles", t.TempDir()}, 2, "give the verifier key you hold"},
		{"malformed checkpoint", []string{"audit", "verify", "--db", path, "--key", vkey, "--checkpoint", garbage}, 2, "is not a checkpoint"},
		{"bad duration", []string{"audit", "verify", "--db", path, "--key", vkey, "--progress", "fast"}, 2, "invalid argument"},
		{"bad size", []string{"keys", "rotate", "--batch", "0"}, 2, "want a whole number"},
		{"missing database", []string{"audit", "verify", "--db", missing, "--key", vkey}, 2, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := custosCmd(t, tc.args...)
			assert.Equal(t, tc.code, code, errs)
			assert.Contains(t, out+errs, tc.says)
		})
	}
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a missing database is not created")

	t.Run("tampered", func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(`DROP TRIGGER custos_audit_entries_no_update`)
		require.NoError(t, err)
		_, err = db.Exec(`UPDATE custos_audit_entries SET entry = CAST(entry || x'00' AS BLOB) WHERE idx = 3`)
		require.NoError(t, err)
		code, out, errs := custosCmd(t, "audit", "verify", "--db", path, "--key", vkey)
		assert.Equal(t, 1, code, errs)
		assert.Contains(t, out, "FAIL: the audit log does not verify: first bad index 3:")
	})
}
