package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// epochDeployment is a deployment with erasure epochs holding n customers,
// the first of whom is forgotten; it returns the certificate.
func epochDeployment(t *testing.T, n int) (*deployment, vault.Certificate) {
	t.Helper()
	d := newDeployment(t)
	d.epochs = filepath.Join(d.dir, "epochs.json")
	d.withCustomers(t, n)
	h := d.open(t, d.kek)
	cert, err := h.vault.Forget(context.Background(), dpo, customer(1), vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)
	h.close()
	return d, cert
}

func (d *deployment) epochFlags(args ...string) []string {
	return append(d.flags(args...), "--epoch-keys", d.epochs, "--groups", strconv.Itoa(epochGroups))
}

// complete reports whether the erasure cert names is complete, as the host
// sees it.
func (d *deployment) complete(t *testing.T, cert vault.Certificate) bool {
	t.Helper()
	h := d.open(t, d.kek)
	defer h.close()
	done, err := h.vault.ErasureComplete(context.Background(), cert)
	require.NoError(t, err)
	return done
}

type epochsOut struct {
	Closed    int
	Rewrapped int64
	Destroyed []string
}

func closeEpochs(t *testing.T, cfg cli.Config, args ...string) epochsOut {
	t.Helper()
	code, out, errs := run(t, cfg, append(args, "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	var res epochsOut
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	return res
}

// TestKeysEpochsClose: `keys epochs close` closes the epoch of a forgotten
// customer's group once it is due — not before — destroying its key, so
// that the erasure is complete; a rerun finds nothing due; --group closes
// a group now. Every other customer stays readable.
func TestKeysEpochsClose(t *testing.T) {
	const n = 6
	d, cert := epochDeployment(t, n)
	args := d.epochFlags("keys", "epochs", "close")
	require.False(t, d.complete(t, cert))

	res := closeEpochs(t, d.config(), args...)
	assert.Equal(t, 0, res.Closed, "not due before its period")
	assert.False(t, d.complete(t, cert))

	d.clock.jump(25 * time.Hour)
	code, out, errs := run(t, d.config(), append(args, "--progress", "1s")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, errs, "closing erasure epochs: 1 done", "progress on stderr (plain lines off a terminal)")
	epochKey := fmt.Sprintf("custos-epoch-g%d-e%d", cert.KeyGroup, cert.KeyEpoch)
	assert.Contains(t, out, "closed 1 erasure epochs")
	assert.Contains(t, out, epochKey)
	assert.True(t, d.complete(t, cert), "the key that wrapped the forgotten DEK is destroyed")

	res = closeEpochs(t, d.config(), args...)
	assert.Equal(t, epochsOut{Destroyed: []string{}}, res, "a rerun finds nothing due")

	res = closeEpochs(t, d.config(), append(args, "--group", strconv.FormatInt(cert.KeyGroup, 10))...)
	assert.Equal(t, 1, res.Closed, "--group closes the group's epoch now")
	assert.Equal(t, []string{fmt.Sprintf("custos-epoch-g%d-e%d", cert.KeyGroup, cert.KeyEpoch+1)}, res.Destroyed)
	d.readableExcept(t, n, 1)
}

// readableExcept checks that every customer but the forgotten one reads.
func (d *deployment) readableExcept(t *testing.T, n, forgotten int) {
	t.Helper()
	h := d.open(t, d.kek)
	defer h.close()
	for i := 1; i <= n; i++ {
		r, err := h.vault.Get(context.Background(), loader, customer(i), "customer", "name")
		if i == forgotten {
			assert.ErrorIs(t, err, vault.ErrForgotten)
			continue
		}
		require.NoError(t, err, "customer %d", i)
		assert.NotEmpty(t, r.Values["name"])
	}
}

// TestKeysEpochsCloseHost: a host that embeds the CLI with its epoch
// configuration needs no epoch flags.
func TestKeysEpochsCloseHost(t *testing.T) {
	d, cert := epochDeployment(t, 3)
	d.clock.jump(25 * time.Hour)
	src, err := insecuredevkek.OpenSource(d.epochs)
	require.NoError(t, err)
	cfg := d.config()
	cfg.Keys.Epochs = &keys.EpochConfig{Source: src, Groups: epochGroups}
	res := closeEpochs(t, cfg, d.flags("keys", "epochs", "close")...)
	assert.Equal(t, 1, res.Closed)
	assert.True(t, d.complete(t, cert))
	code, _, errs := run(t, cfg, d.flags("keys", "epochs", "close", "--epoch-keys", d.epochs)...)
	assert.Equal(t, cli.ExitUsage, code, "the host's binary has no epoch flags")
	assert.Contains(t, errs, "unknown flag")
}

// TestKeysEpochsCloseBadInput: bad flags exit 2 and change nothing; a
// missing epoch key file is not created.
func TestKeysEpochsCloseBadInput(t *testing.T) {
	d, cert := epochDeployment(t, 2)
	d.clock.jump(25 * time.Hour)
	before := snapshot(t, d.dir)
	missing := filepath.Join(t.TempDir(), "none.json")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no epoch keys", d.flags("keys", "epochs", "close", "--groups", "2"), "--epoch-keys"},
		{"missing epoch key file", d.flags("keys", "epochs", "close", "--groups", "2", "--epoch-keys", missing), "no such file"},
		{"no group count", d.flags("keys", "epochs", "close", "--epoch-keys", d.epochs), "--groups"},
		{"group beyond the count", d.epochFlags("keys", "epochs", "close", "--group", "3"), "has 2 groups"},
		{"negative group", d.epochFlags("keys", "epochs", "close", "--group", "-1"), "--group"},
		{"zero period", d.epochFlags("keys", "epochs", "close", "--period", "0s"), "--period"},
		{"negative progress", d.epochFlags("keys", "epochs", "close", "--progress", "-1s"), "--progress"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := run(t, d.config(), tc.args...)
			assert.Equal(t, cli.ExitUsage, code, errs)
			assert.Contains(t, errs, tc.want)
			assert.Equal(t, before, snapshot(t, d.dir), "nothing changed")
		})
	}
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a missing epoch key file is never created")
	assert.False(t, d.complete(t, cert))
}

// TestKeysEpochsCloseResumes fails the key store, the ledger and the audit
// log under the close at every call in turn: the command exits 1 and says a
// rerun is safe; the rerun completes the close, the erasure is complete and
// every other customer reads.
func TestKeysEpochsCloseResumes(t *testing.T) {
	const n = 4
	template, cert := epochDeployment(t, n)
	template.clock.jump(25 * time.Hour)
	storetest.EveryFault(t, storetest.Before, 100, func(t *testing.T, f *storetest.Faults) {
		d := template.clone(t)
		d.clock = template.clock
		args := d.epochFlags("keys", "epochs", "close")
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
		if code != cli.ExitOK {
			// A fault the close survives (a scrub after it, which only logs)
			// lets it succeed.
			require.Equal(t, cli.ExitFailed, code, errs)
			assert.Contains(t, errs, "injected fault")
			if strings.Contains(errs, "keys epochs close:") {
				assert.Contains(t, errs, "rerunning is safe", "says how to continue")
			}
			res := closeEpochs(t, d.config(), args...)
			assert.LessOrEqual(t, res.Closed, 1, "the rerun finishes the one close, never a second")
		}
		assert.True(t, d.complete(t, cert))
		d.readableExcept(t, n, 1)
	})
}
