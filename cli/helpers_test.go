package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// stepClock is a clock that moves on by step at every reading, so that
// progress intervals pass without any test waiting for real time.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock() *stepClock {
	return &stepClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), step: time.Second}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// jump moves the clock on by d.
func (c *stepClock) jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// schema is the host's record types in these tests.
func schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{MaxRunes: 32}, Class: custos.Class{Level: custos.C1}, Required: true},
		}},
	}}
}

const testOrigin = "audit.cli-test.example/custos"

var (
	loader = custos.Access{Actor: custos.Actor{ID: "loader", Role: "system"}, Purpose: "onboarding"}
	dpo    = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
)

// deployment is a host's SQLite database, its shred ledger and its
// development KEK file, holding customers written through the SDK.
type deployment struct {
	dir, db, ledger, kek string
	verifier             string
	clock                *stepClock
	// epochs, if set, is the development epoch key source file: the SDK
	// then runs with erasure epochs in epochGroups groups.
	epochs string
}

// epochGroups is the erasure group count of deployments with epochs.
const epochGroups = 2

func newDeployment(t *testing.T) *deployment {
	t.Helper()
	dir := t.TempDir()
	return &deployment{dir: dir, db: filepath.Join(dir, "custos.db"), ledger: filepath.Join(dir, "custos.db.ledger"),
		kek: filepath.Join(dir, "kek.json"), clock: newClock()}
}

// host is the SDK opened over a deployment, as a host's service holds it.
type host struct {
	db, ledger *sqlstore.DB
	keys       *keys.Keyring
	log        *audit.Log
	vault      *vault.Vault
}

// open opens the SDK over d with the KEK in kekFile and the previous ones.
func (d *deployment) open(t *testing.T, kekFile string, previous ...string) *host {
	t.Helper()
	ctx := context.Background()
	h := &host{}
	var err error
	h.db, err = sqlstore.OpenSQLite(ctx, d.db, nil)
	require.NoError(t, err)
	h.ledger, err = sqlstore.OpenSQLite(ctx, d.ledger, nil)
	require.NoError(t, err)
	kek, err := insecuredevkek.Open(kekFile)
	require.NoError(t, err)
	var prev []keys.KEK
	for _, p := range previous {
		k, err := insecuredevkek.Open(p)
		require.NoError(t, err)
		prev = append(prev, k)
	}
	kc := keys.Config{KEK: kek, PreviousKEKs: prev, Store: h.db.Keys(), Ledger: h.ledger.Ledger(), Clock: d.clock.Now}
	if d.epochs != "" {
		src, err := insecuredevkek.OpenSource(d.epochs)
		require.NoError(t, err)
		kc.Epochs = &keys.EpochConfig{Source: src, Groups: epochGroups}
	}
	h.keys, err = keys.New(ctx, kc)
	require.NoError(t, err)
	h.log, err = audit.New(ctx, audit.Config{Store: h.db.Audit(), Keys: h.keys, Origin: testOrigin, Clock: d.clock.Now})
	require.NoError(t, err)
	d.verifier = h.log.Verifier()
	grants := map[custos.PurposeID]vault.Grant{
		loader.Purpose: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionFind},
			Fields: map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}},
		dpo.Purpose: {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionState}},
		"retention": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionState}},
	}
	allow, err := vault.NewAllowList(schema(), grants)
	require.NoError(t, err)
	h.vault, err = vault.New(vault.Config{Schema: schema(), Keys: h.keys, Store: h.db.Vault(), Authorizer: allow, Recorder: h.log,
		Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}, Clock: d.clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { h.close() })
	return h
}

func (h *host) close() {
	if h.log != nil {
		h.log.Close()
		h.db.Close()
		h.ledger.Close()
		h.log = nil
	}
}

// customer returns the i-th synthetic customer's identifier.
func customer(i int) custos.SubjectID { return custos.SubjectID(fmt.Sprintf("C%07d", i)) }

// withCustomers stores n synthetic customers, each with a customer and a
// lease record, under the KEK in d.kek, and closes the SDK again.
func (d *deployment) withCustomers(t *testing.T, n int) *deployment {
	t.Helper()
	h := d.open(t, d.kek)
	g := synth.New(7)
	for i := 1; i <= n; i++ {
		c := g.Next()
		require.NoError(t, h.vault.Put(context.Background(), loader, customer(i), "customer", vault.Values{"name": c.Name, "mobile": c.Mobile}))
		require.NoError(t, h.vault.Put(context.Background(), loader, customer(i), "lease", vault.Values{"contract": c.Contract}))
	}
	h.close()
	return d
}

// clone copies d's files into a new directory: a scenario that runs many
// times builds its deployment once.
func (d *deployment) clone(t *testing.T) *deployment {
	t.Helper()
	c := newDeployment(t)
	c.verifier = d.verifier
	files := map[string]string{d.db: c.db, d.ledger: c.ledger, d.kek: c.kek}
	if d.epochs != "" {
		c.epochs = filepath.Join(c.dir, filepath.Base(d.epochs))
		files[d.epochs] = c.epochs
	}
	for from, to := range files {
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(from + suffix)
			if suffix != "" && os.IsNotExist(err) {
				continue
			}
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(to+suffix, b, 0o600))
		}
	}
	return c
}

// config is the cli.Config of the host in these tests.
func (d *deployment) config() cli.Config {
	return cli.Config{Policies: &cli.Policies{Schema: schema(), Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}},
		Clock: d.clock.Now}
}

// run runs the command tree of cfg in-process.
func run(t *testing.T, cfg cli.Config, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), cfg, args, &out, &errb)
	return code, out.String(), errb.String()
}

// keyring flags naming d's files.
func (d *deployment) flags(args ...string) []string {
	return append(args, "--db", d.db, "--ledger", d.ledger, "--kek", d.kek)
}

// snapshot is the content of every file under dir, to show that a command
// changed nothing.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	files := map[string][32]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// A read-only open of a SQLite database in WAL mode leaves its
		// shared-memory index and an empty WAL beside it: neither holds
		// data.
		if strings.HasSuffix(p, "-shm") || strings.HasSuffix(p, "-wal") && len(b) == 0 {
			return nil
		}
		files[p] = sha256.Sum256(b)
		return nil
	}))
	return files
}

func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}
