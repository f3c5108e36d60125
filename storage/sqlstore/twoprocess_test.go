package sqlstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/childproc"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// The two-process race of a Put with a Forget: process B (a re-executed
// test binary) holds the customer's DEK in its cache and has passed every
// check of a Put when process A forgets the customer; then B writes. Each
// step is ordered over pipes, not by timing.

const (
	childEnv = "CUSTOS_TEST_FORGET_CHILD" // "sqlite" or "postgres": run as process B
	childDB  = "CUSTOS_TEST_FORGET_DB"    // SQLite path, or the PostgreSQL schema
	childDir = "CUSTOS_TEST_FORGET_DIR"   // KEK file, ledger, result file
)

var (
	twoClerk = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	twoDPO   = custos.Access{Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Purpose: "erasure"}
)

// twoProcessVault builds a process's keyring and vault over db and the
// ledger and KEK in dir; wrap, if not nil, wraps the vault store.
func twoProcessVault(ctx context.Context, db *sqlstore.DB, dir string, wrap func(vault.Store) vault.Store) (*keys.Keyring, *vault.Vault, func(), error) {
	ledger, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	kek, err := insecuredevkek.Open(filepath.Join(dir, "dev-kek.json"))
	if err != nil {
		return nil, nil, nil, err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	if err != nil {
		return nil, nil, nil, err
	}
	s := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: custos.Class{Level: custos.C2}, Required: true},
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}, Searchable: true},
	}}}}
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionUpdate},
			Fields: map[string][]string{"customer": {"name", "mobile"}}},
		"erasure": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget}},
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var store vault.Store = db.Vault()
	if wrap != nil {
		store = wrap(store)
	}
	v, err := vault.New(vault.Config{Schema: s, Keys: kr, Store: store, Authorizer: al, Recorder: &storetest.Recorder{},
		Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}})
	if err != nil {
		return nil, nil, nil, err
	}
	return kr, v, func() { ledger.Close() }, nil
}

// childResult is what process B reports: the sentinel each call matched.
type childResult struct {
	WarmGet, Put, Update, Get, Put2 string
}

func sentinel(err error) string {
	for _, s := range []error{vault.ErrForgotten, vault.ErrNotFound, vault.ErrConflict} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}

// pausingStore holds process B's first record write, after every check the
// vault makes, until process A says go.
type pausingStore struct {
	vault.Store
	paused bool
	in     *bufio.Reader
}

func (p *pausingStore) PutRecord(ctx context.Context, w vault.Write) error {
	if !p.paused {
		p.paused = true
		fmt.Println(childproc.Ready)
		if _, err := p.in.ReadString('\n'); err != nil {
			return err
		}
	}
	return p.Store.PutRecord(ctx, w)
}

// TestForgetChild is process B; it runs only when re-executed by
// TestForgetRacesPutAcrossProcesses.
func TestForgetChild(t *testing.T) {
	dialect := os.Getenv(childEnv)
	if dialect == "" {
		t.Skip("process B of TestForgetRacesPutAcrossProcesses")
	}
	ctx := context.Background()
	dir := os.Getenv(childDir)
	db, err := openFromChild(ctx, dialect, os.Getenv(childDB))
	require.NoError(t, err)
	defer db.Close()
	pause := &pausingStore{in: bufio.NewReader(os.Stdin)}
	kr, v, done, err := twoProcessVault(ctx, db, dir, func(s vault.Store) vault.Store { pause.Store = s; return pause })
	require.NoError(t, err)
	defer done()

	var r childResult
	_, err = v.Get(ctx, twoClerk, "C1", "customer", "name") // the DEK is now in B's cache
	r.WarmGet = sentinel(err)
	require.Equal(t, 1, kr.Stats().Entries, "B holds the DEK")
	// B's Put passes its checks and the key lookup before A forgets; it
	// writes after A's Forget has returned.
	r.Put = sentinel(v.Put(ctx, twoClerk, "C1", "customer", vault.Values{"name": "Synthetic Person B", "mobile": "13900000001"}))
	r.Update = sentinel(v.Update(ctx, twoClerk, "C1", "customer", vault.Values{"mobile": "13900000002"}))
	_, err = v.Get(ctx, twoClerk, "C1", "customer", "name")
	r.Get = sentinel(err)
	r.Put2 = sentinel(v.Put(ctx, twoClerk, "C1", "customer", vault.Values{"name": "Synthetic Person B"}))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "result.json"), b, 0o600))
}

func TestForgetRacesPutAcrossProcesses(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, where := openShared(t, dialect, dir)
			defer db.Close()
			kr, v, done, err := twoProcessVault(ctx, db, dir, nil)
			require.NoError(t, err)
			defer done()
			require.NoError(t, v.Put(ctx, twoClerk, "C1", "customer", vault.Values{"name": "Synthetic Person A", "mobile": "13800000000"}))

			child := childproc.Start(t, "TestForgetChild", childEnv+"="+dialect, childDB+"="+where, childDir+"="+dir)

			// A forgets while B waits to write with the DEK in its cache.
			_, err = v.Forget(ctx, twoDPO, "C1", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
			require.NoError(t, err)
			child.Send(t, "go")
			child.Finish(t)

			b, err := os.ReadFile(filepath.Join(dir, "result.json"))
			require.NoError(t, err)
			var r childResult
			require.NoError(t, json.Unmarshal(b, &r))
			forgotten := vault.ErrForgotten.Error()
			assert.Equal(t, childResult{WarmGet: "ok", Put: forgotten, Update: forgotten, Get: forgotten, Put2: forgotten}, r,
				"every write of B fails, and its warm cache reads nothing")

			// Nothing of the customer reappeared in the database.
			for _, table := range []string{"custos_subjects", "custos_records", "custos_index", "custos_deks"} {
				var n int
				require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE subject = $1`, "C1").Scan(&n))
				assert.Zero(t, n, table)
			}
			_, err = v.Get(ctx, twoClerk, "C1", "customer", "name")
			assert.ErrorIs(t, err, vault.ErrForgotten)
			_, err = db.Keys().GetDEK(ctx, "C1")
			assert.ErrorIs(t, err, keys.ErrNotFound)
			assert.Zero(t, kr.Stats().Entries, "A dropped the DEK from its own cache")
		})
	}
}
