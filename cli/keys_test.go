package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/storetest"
)

// newKEK makes a new development KEK file for d and returns its path.
func (d *deployment) newKEK(t *testing.T) string {
	t.Helper()
	p := filepath.Join(d.dir, "kek-2.json")
	_, err := insecuredevkek.Open(p)
	require.NoError(t, err)
	return p
}

// readable checks that every customer of d reads with only the KEK in
// kekFile.
func (d *deployment) readable(t *testing.T, kekFile string, n int) {
	t.Helper()
	h := d.open(t, kekFile)
	for i := 1; i <= n; i++ {
		r, err := h.vault.Get(context.Background(), loader, customer(i), "customer", "name")
		require.NoError(t, err, "customer %d", i)
		assert.NotEmpty(t, r.Values["name"])
	}
	h.close()
}

func TestKeysRotate(t *testing.T) {
	const n = 9
	d := newDeployment(t).withCustomers(t, n)
	old, next := d.kek, d.newKEK(t)

	code, out, errs := run(t, d.config(), "keys", "rotate", "--db", d.db, "--ledger", d.ledger,
		"--kek", next, "--previous-kek", old, "--batch", "4", "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	var res struct {
		KEK                    string `json:"kek_id"`
		Total, Seen, Rewrapped int64
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, int64(n), res.Total)
	assert.Equal(t, int64(n), res.Seen)
	assert.Equal(t, int64(n), res.Rewrapped)
	d.readable(t, next, n) // the old KEK is no longer needed

	code, out, errs = run(t, d.config(), "keys", "rotate", "--db", d.db, "--ledger", d.ledger, "--kek", next, "--previous-kek", old)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "rewrapped 0 of the 9 DEKs examined", "a rerun finds nothing left to do")
}

// TestKeysRotateResumes fails the store under the rotation at every call
// in turn: the command exits 1 and keeps its progress file; a rerun with
// the same file completes, removes the file and leaves every customer
// readable under the new KEK alone.
func TestKeysRotateResumes(t *testing.T) {
	const n = 5
	template := newDeployment(t).withCustomers(t, n)
	storetest.EveryFault(t, storetest.Before, 200, func(t *testing.T, f *storetest.Faults) {
		d := template.clone(t)
		old, next := d.kek, d.newKEK(t)
		resume := filepath.Join(t.TempDir(), "rotate.progress")
		args := []string{"keys", "rotate", "--db", d.db, "--ledger", d.ledger, "--kek", next, "--previous-kek", old,
			"--batch", "2", "--resume", resume}

		faulty := d.config()
		faulty.Open = func(ctx context.Context, db cli.Database) (*cli.Stores, error) {
			s, err := cli.OpenSQLStores(ctx, db)
			if err != nil {
				return nil, err
			}
			s.Keys, s.Ledger, s.Audit = storetest.FaultyKeys(s.Keys, f), storetest.FaultyLedger(s.Ledger, f), storetest.FaultyAudit(s.Audit, f)
			return s, nil
		}
		code, _, errs := run(t, faulty, args...)
		if f.Fired() == 0 {
			require.Equal(t, cli.ExitOK, code, errs)
			return
		}
		require.Equal(t, cli.ExitFailed, code, errs)
		assert.Contains(t, errs, "injected fault")
		_, err := os.Stat(resume)
		kept := err == nil
		if kept {
			assert.Contains(t, errs, "rerun with --resume", "says how to continue")
		}

		code, out, errs := run(t, d.config(), append(args, "--json")...)
		require.Equal(t, cli.ExitOK, code, errs)
		var res struct{ Seen int64 }
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		if kept {
			assert.Less(t, res.Seen, int64(n), "the rerun starts after the batches done")
		}
		_, err = os.Stat(resume)
		assert.ErrorIs(t, err, os.ErrNotExist, "the progress file is removed once the rotation completes")
		d.readable(t, next, n)
	})
}
