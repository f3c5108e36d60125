package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// decode parses a command's --json output into v.
func decode(t *testing.T, out string, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(out), v), out)
}

func TestVaultReencrypt(t *testing.T) {
	const n = 6
	d := newDeployment(t).withCustomers(t, n)
	h := d.open(t, d.kek)
	for _, i := range []int{2, 5} {
		require.NoError(t, h.keys.RotateDEK(context.Background(), customer(i)))
	}
	h.close()

	code, out, errs := run(t, d.config(), d.flags("vault", "reencrypt", "--batch", "2", "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	var res struct{ Seen, Reencrypted int64 }
	decode(t, out, &res)
	assert.Equal(t, int64(2*n), res.Seen, "a customer and a lease record per customer")
	assert.Equal(t, int64(4), res.Reencrypted, "both records of the two rotated customers")

	code, out, errs = run(t, d.config(), d.flags("vault", "reencrypt")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "re-encrypted 0 of the 12 records examined", "a rerun finds every record current")
	d.readable(t, d.kek, n)
}

// TestVaultReencryptResumes fails the vault's store at every call in turn:
// a rerun with the progress file completes the sweep, and every rotated
// record ends re-encrypted exactly once in total.
func TestVaultReencryptResumes(t *testing.T) {
	const n = 3
	template := newDeployment(t).withCustomers(t, n)
	h := template.open(t, template.kek)
	for i := 1; i <= n; i++ {
		require.NoError(t, h.keys.RotateDEK(context.Background(), customer(i)))
	}
	h.close()
	storetest.EveryFault(t, storetest.After, 200, func(t *testing.T, f *storetest.Faults) {
		d := template.clone(t)
		resume := filepath.Join(t.TempDir(), "reencrypt.progress")
		args := d.flags("vault", "reencrypt", "--batch", "2", "--resume", resume, "--json")
		faulty := d.config()
		faulty.Open = func(ctx context.Context, db cli.Database) (*cli.Stores, error) {
			s, err := cli.OpenSQLStores(ctx, db)
			if err == nil {
				s.Vault = storetest.FaultyVault(s.Vault, f)
			}
			return s, err
		}
		code, out, errs := run(t, faulty, args...)
		var first struct{ Reencrypted int64 }
		if f.Fired() == 0 {
			require.Equal(t, cli.ExitOK, code, errs)
			return
		}
		require.Equal(t, cli.ExitFailed, code, errs)
		assert.Empty(t, out, "a failed sweep prints no result")

		code, out, errs = run(t, d.config(), args...)
		require.Equal(t, cli.ExitOK, code, errs)
		decode(t, out, &first)
		_, err := os.Stat(resume)
		assert.ErrorIs(t, err, os.ErrNotExist)
		code, out, errs = run(t, d.config(), args...)
		require.Equal(t, cli.ExitOK, code, errs)
		var again struct{ Seen, Reencrypted int64 }
		decode(t, out, &again)
		assert.Equal(t, int64(2*n), again.Seen)
		assert.Zero(t, again.Reencrypted, "nothing is left for a third run")
		d.readable(t, d.kek, n)
	})
}

func TestIndexRotation(t *testing.T) {
	const n = 5
	d := newDeployment(t).withCustomers(t, n)
	g := synth.New(7)
	mobiles := make([]string, n+1)
	for i := 1; i <= n; i++ {
		mobiles[i] = g.Next().Mobile
	}
	findable := func(t *testing.T) {
		t.Helper()
		h := d.open(t, d.kek)
		for i := 1; i <= n; i++ {
			found, err := h.vault.Find(context.Background(), loader, "customer", vault.Values{"mobile": mobiles[i]}, "name")
			require.NoError(t, err)
			var ids []string
			for _, f := range found {
				ids = append(ids, string(f.Subject))
			}
			assert.Contains(t, ids, string(customer(i)))
		}
		h.close()
	}

	code, out, errs := run(t, d.config(), d.flags("index", "rotate", "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	var rotated struct{ Version int }
	decode(t, out, &rotated)
	assert.Equal(t, 2, rotated.Version)
	findable(t)

	code, out, errs = run(t, d.config(), d.flags("index", "rebuild", "--batch", "2", "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	var rebuilt struct {
		Version int
		Records int64
	}
	decode(t, out, &rebuilt)
	assert.Equal(t, 2, rebuilt.Version)
	assert.Equal(t, int64(n), rebuilt.Records, "only customer records have an index")

	code, _, errs = run(t, d.config(), d.flags("index", "retire", "--version", "1")...)
	assert.Equal(t, cli.ExitFailed, code, "too soon after the rotation")
	assert.Contains(t, errs, "too soon")

	d.clock.jump(3 * time.Minute) // past twice the default key refresh
	for _, bad := range []string{"2", "9"} {
		code, _, errs = run(t, d.config(), d.flags("index", "retire", "--version", bad)...)
		assert.Equal(t, cli.ExitUsage, code, "version %s: the newest, or none", bad)
		assert.Contains(t, errs, bad)
	}
	code, out, errs = run(t, d.config(), d.flags("index", "retire", "--version", "1")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "index key version 1 retired")
	findable(t)
}

// TestReapply restores a backup taken before two customers were forgotten:
// reapply deletes their DEKs again, and a second run finds nothing to do.
func TestReapply(t *testing.T) {
	const n = 5
	d := newDeployment(t).withCustomers(t, n)
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, d.db, backup)
	_, err := os.Stat(d.db + "-wal")
	require.ErrorIs(t, err, os.ErrNotExist, "the closed database is whole in its file")

	h := d.open(t, d.kek)
	for _, i := range []int{2, 4} {
		_, err := h.vault.Forget(context.Background(), dpo, customer(i), vault.Erasure{Ground: "PIPL 47(1)(2): the lease ended"})
		require.NoError(t, err)
	}
	h.close()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(d.db + suffix)
	}
	copyFile(t, backup, d.db) // the restore

	code, out, errs := run(t, d.config(), d.flags("reapply", "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	var res struct{ Seen, Deleted int64 }
	decode(t, out, &res)
	assert.Equal(t, reapplied{2, 2}, reapplied{res.Seen, res.Deleted})

	h = d.open(t, d.kek)
	var left int64
	left, err = h.db.Keys().CountDEKs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(n-2), left)
	for _, i := range []int{2, 4} {
		_, err := h.vault.Get(context.Background(), loader, customer(i), "customer", "name")
		assert.Error(t, err, "customer %d stays forgotten", i)
	}
	h.close()

	code, out, errs = run(t, d.config(), d.flags("reapply")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "2 entries, 0 DEKs deleted again")
}

type reapplied struct{ seen, deleted int64 }

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}
