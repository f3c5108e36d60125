package cli_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/cli"
)

// TestBadInput runs every kind of bad input against a deployment: each
// exits 2 with a message naming the problem, and no file of the
// deployment (database, ledger, KEK) or of the inputs changed or appeared.
func TestBadInput(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	in := t.TempDir() // the operator's input files
	file := func(name, content string) string {
		p := filepath.Join(in, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	cp := file("saved.cp", "not a checkpoint\n")
	skey, _, err := note.GenerateKey(rand.Reader, testOrigin)
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	foreign, err := note.Sign(&note.Note{Text: testOrigin + "\n3\n" + strings.Repeat("A", 43) + "=\n"}, signer)
	require.NoError(t, err)
	otherLog := file("other.cp", string(foreign))
	garbageResume := file("resume.json", "{not json")
	otherResume := file("other-resume.json", `{"command":"vault reencrypt","type":"customer","after":"C0000001"}`+"\n")
	missing := filepath.Join(in, "missing.db")
	stock, host := cli.Config{}, d.config()
	sweep := d.flags("keys", "rotate")

	cases := []struct {
		name string
		cfg  cli.Config
		args []string
		says string
	}{
		{"no command", stock, nil, "custos needs a command"},
		{"unknown command", stock, []string{"frobnicate"}, `unknown command "frobnicate" for custos`},
		{"no audit command", stock, []string{"audit"}, "custos audit needs a command"},
		{"unknown audit command", stock, []string{"audit", "frobnicate"}, `unknown command "frobnicate" for custos audit`},
		{"unknown flag", stock, []string{"audit", "verify", "--frobnicate"}, "unknown flag: --frobnicate"},
		{"single-dash long flag", stock, []string{"audit", "verify", "-db", d.db}, "unknown shorthand flag"},
		{"stray argument", stock, []string{"audit", "key", "--db", d.db, "extra"}, `takes no arguments, got "extra"`},
		{"no source", stock, []string{"audit", "verify", "--key", d.verifier}, "give the database"},
		{"two sources", stock, []string{"audit", "verify", "--db", d.db, "--tiles", in, "--key", d.verifier}, "give one of"},
		{"db and postgres", stock, []string{"audit", "key", "--db", d.db, "--postgres", "HOME"}, "not both"},
		{"missing database", stock, []string{"audit", "verify", "--db", missing, "--key", d.verifier}, "no such file"},
		{"database is a directory", stock, []string{"audit", "key", "--db", in}, "is a directory"},
		{"empty DSN variable", stock, []string{"audit", "key", "--postgres", "CUSTOS_CLI_TEST_UNSET_VARIABLE"}, "is empty"},
		{"tiles not a directory", stock, []string{"audit", "verify", "--tiles", d.db, "--key", d.verifier}, "existing directory"},
		{"verify without key", stock, []string{"audit", "verify", "--db", d.db}, "give the log's verifier key"},
		{"bad key", stock, []string{"audit", "verify", "--db", d.db, "--key", "not-a-key"}, "not a note verifier key"},
		{"key file missing", stock, []string{"audit", "verify", "--db", d.db, "--key", "@" + missing}, "cannot read the file"},
		{"malformed checkpoint", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--checkpoint", cp}, "is not a checkpoint signed by --key"},
		{"checkpoint of another log", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--checkpoint", otherLog}, "is not a checkpoint signed by --key"},
		{"checkpoint file missing", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--checkpoint", missing}, "cannot read the file"},
		{"malformed resume checkpoint", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--resume", cp}, "is not a checkpoint signed by --key"},
		{"bad duration", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--progress", "soon"}, `invalid argument "soon" for "--progress"`},
		{"negative duration", stock, []string{"audit", "verify", "--db", d.db, "--key", d.verifier, "--progress", "-1s"}, "--progress must be"},
		{"export without key", stock, []string{"audit", "export", "--db", d.db, "--tiles", filepath.Join(in, "tiles")}, "give the verifier key you hold"},
		{"export with both keys", stock, []string{"audit", "export", "--db", d.db, "--tiles", filepath.Join(in, "tiles"), "--key", d.verifier, "--stored-key"}, "not both"},
		{"export without dir", stock, []string{"audit", "export", "--db", d.db, "--key", d.verifier}, "give the export directory"},
		{"checkpoint with bad key", stock, []string{"audit", "checkpoint", "--db", d.db, "--key", "x"}, "not a note verifier key"},
		{"rotate without kek", stock, []string{"keys", "rotate", "--db", d.db, "--ledger", d.ledger}, "give the key-encryption key"},
		{"kek file missing", stock, []string{"keys", "rotate", "--db", d.db, "--ledger", d.ledger, "--kek", missing}, "no such file"},
		{"kek file not a keyset", stock, []string{"keys", "rotate", "--db", d.db, "--ledger", d.ledger, "--kek", cp}, "--kek"},
		{"previous kek missing", stock, append(d.flags("keys", "rotate"), "--previous-kek", missing), "--previous-kek"},
		{"rotate without ledger", stock, []string{"keys", "rotate", "--db", d.db, "--kek", d.kek}, "give the database: --ledger FILE"},
		{"ledger missing", stock, []string{"keys", "rotate", "--db", d.db, "--ledger", missing, "--kek", d.kek}, "no such file"},
		{"batch zero", stock, append(sweep, "--batch", "0"), "want a whole number"},
		{"batch not a number", stock, append(sweep, "--batch", "12x"), "want a whole number"},
		{"batch negative", stock, append(sweep, "--batch", "-5"), "want a whole number"},
		{"batch too large", stock, append(sweep, "--batch", "2Mi"), "want a whole number"},
		{"sweep progress negative", stock, append(sweep, "--progress", "-2s"), "--progress must be"},
		{"malformed progress file", stock, append(sweep, "--resume", garbageResume), "is not a progress file"},
		{"progress file of another command", stock, append(sweep, "--resume", otherResume), `holds the progress of "vault reencrypt"`},
		{"reapply with another command's progress", stock, append(d.flags("reapply"), "--resume", otherResume), `holds the progress of "vault reencrypt"`},
		{"vault commands need the host's policies", stock, d.flags("vault", "reencrypt"), "this binary has no record types"},
		{"index commands need the host's policies", stock, d.flags("index", "rotate"), "this binary has no record types"},
		{"retire without version", host, d.flags("index", "retire"), "give the index key version"},
		{"retire version not a number", host, append(d.flags("index", "retire"), "--version", "one"), "want a whole number"},
		{"reencrypt with bad batch", host, append(d.flags("vault", "reencrypt"), "--batch", "1.5"), "want a whole number"},
	}
	before := snapshot(t, d.dir)
	inputs := snapshot(t, in)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.cfg, tc.args...)
			assert.Equal(t, cli.ExitUsage, code, errs)
			assert.Contains(t, errs, tc.says)
			assert.Contains(t, errs, "--help' for usage", "says where to read more")
			assert.Empty(t, out, "prints no result")
			assert.Equal(t, before, snapshot(t, d.dir), "the deployment is unchanged")
			assert.Equal(t, inputs, snapshot(t, in), "no input file changed or appeared")
		})
	}
}

// TestHelpEverywhere asks every command of the tree for --help: each
// prints its usage on stdout and exits 0 (`custos audit --help` exited 2
// before the tree moved onto cobra).
func TestHelpEverywhere(t *testing.T) {
	root, err := cli.New(cli.Config{})
	require.NoError(t, err)
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				walk(sub, append(append([]string(nil), path...), sub.Name()))
			}
		}
	}
	walk(root, nil)
	require.GreaterOrEqual(t, len(paths), 14, "root, 5 areas and their verbs")
	for _, path := range paths {
		for _, flag := range []string{"--help", "-h"} {
			t.Run(strings.Join(append(path, flag), " "), func(t *testing.T) {
				code, out, errs := run(t, cli.Config{}, append(path, flag)...)
				assert.Equal(t, cli.ExitOK, code, errs)
				assert.Contains(t, out, "Usage:")
				assert.Empty(t, errs)
			})
		}
	}
	code, out, _ := run(t, cli.Config{}, "help", "audit", "verify")
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "--checkpoint file")
}

func TestConfigValidated(t *testing.T) {
	_, err := cli.New(cli.Config{Policies: &cli.Policies{}})
	assert.ErrorContains(t, err, "Config.Policies")
	code, _, errs := run(t, cli.Config{Policies: &cli.Policies{}}, "audit", "--help")
	assert.Equal(t, cli.ExitFailed, code, "a host's bad configuration is not the operator's bad input")
	assert.Contains(t, errs, "Config.Policies")
}
