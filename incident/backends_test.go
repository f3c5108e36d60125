package incident_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/internal/pgtest"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// backend is the part of memstore.Store and sqlstore.DB a world is built on.
type backend interface {
	Keys() keys.Store
	Ledger() keys.Ledger
	Vault() vault.Store
	Audit() audit.Store
	Incident() incident.Store
}

// world is one process's keyring, audit log, gated vault and register over
// a backend, on the real clock.
type world struct {
	db    backend
	keys  *keys.Keyring
	log   *audit.Log
	vault *vault.Vault
	reg   *incident.Register
}

// newWorld builds a process's components over db with the KEK of the file
// kekFile (created if missing), so that two processes share the keys.
func newWorld(ctx context.Context, db backend, kekFile string) (*world, error) {
	kek, err := insecuredevkek.Open(kekFile)
	if err != nil {
		return nil, err
	}
	w := &world{db: db}
	if w.keys, err = keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()}); err != nil {
		return nil, err
	}
	if w.log, err = audit.New(ctx, audit.Config{Store: db.Audit(), Keys: w.keys, Origin: "test.example/audit"}); err != nil {
		return nil, err
	}
	s := schema()
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": s.AllFields("customer")}},
	})
	if err != nil {
		return nil, err
	}
	if w.reg, err = incident.New(incident.Config{Store: db.Incident(), Recorder: w.log, Policy: policy(),
		Evidence: incident.Evidence{Audit: w.log, DEKs: db.Keys()}}); err != nil {
		return nil, err
	}
	if w.vault, err = vault.New(vault.Config{Schema: s, Keys: w.keys, Store: db.Vault(), Authorizer: w.reg.Gate(al), Recorder: w.log,
		Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}}); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *world) close() { w.log.Close() }

// backends opens a fresh database of each kind: memstore, SQLite and, with
// CUSTOS_TEST_POSTGRES_DSN set, PostgreSQL (a schema dropped at the end).
// Each comes with where another process finds it ("" for memstore).
func backends(t *testing.T) map[string]func(t *testing.T) (backend, string) {
	return map[string]func(t *testing.T) (backend, string){
		"memstore": func(*testing.T) (backend, string) { return memstore.New(), "" },
		"sqlite": func(t *testing.T) (backend, string) {
			where := filepath.Join(t.TempDir(), "custos.db")
			db, err := sqlstore.OpenSQLite(context.Background(), where, nil)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db, where
		},
		"postgres": func(t *testing.T) (backend, string) {
			db, schema := openPostgres(t)
			return db, schema
		},
	}
}

// openPostgres opens a fresh schema of the test server, dropped at the
// end, and returns it with the schema's name; it skips the test when
// CUSTOS_TEST_POSTGRES_DSN is unset.
func openPostgres(t *testing.T) (*sqlstore.DB, string) { return pgtest.Open(t) }

// openFromChild opens, in a child process, the database backends returned.
func openFromChild(ctx context.Context, dialect, where string) (*sqlstore.DB, error) {
	if dialect == "sqlite" {
		return sqlstore.OpenSQLite(ctx, where, nil)
	}
	return sqlstore.OpenPostgres(ctx, os.Getenv("CUSTOS_TEST_POSTGRES_DSN"), &sqlstore.Options{Schema: where})
}
