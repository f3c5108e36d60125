package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

func retentionPolicy() *retention.Policy {
	return &retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "aml-lease", RecordType: "lease", Start: retention.Start{Event: retention.EventTransaction},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
	}, Reviews: []retention.ReviewRule{{RecordType: "customer", Every: retention.Years(1), Law: "PIPL Art. 8"}}}
}

// withClocks reports, through the SDK, the end of the relationship and a
// transaction of customers 1 and 2.
func (d *deployment) withClocks(t *testing.T) {
	t.Helper()
	h := d.open(t, d.kek)
	r, err := retention.New(retention.Config{Policy: *retentionPolicy(), Schema: schema(), Store: h.db.Retention(), Vault: h.vault,
		Recorder: h.log, Actor: custos.Actor{ID: "host", Role: "retention"}, Purpose: "retention", Clock: d.clock.Now})
	require.NoError(t, err)
	for _, s := range []custos.SubjectID{customer(1), customer(2)} {
		for _, k := range []retention.EventKind{retention.EventRelationshipEnded, retention.EventTransaction} {
			require.NoError(t, r.Report(context.Background(), retention.Event{Subject: s, Kind: k, At: d.clock.Now()}))
		}
		require.NoError(t, r.Reviewed(context.Background(), s, "customer", d.clock.Now()))
	}
	h.close()
}

func TestRetentionCommands(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	d.withClocks(t)
	cfg := d.config()
	cfg.Policies.Retention = retentionPolicy()

	code, out, _ := run(t, cfg, "retention", "due", "--before", "2037-01-01", "--db", d.db)
	require.Equal(t, cli.ExitOK, code)
	assert.Equal(t, 4, strings.Count(out, "\n"), "two clocks of two customers: %s", out)
	assert.Contains(t, out, "2036-03-02  aml-identity  customer  "+string(customer(1)))

	code, _, errs := run(t, cfg, "retention", "due", "--before", "next week", "--db", d.db)
	assert.Equal(t, cli.ExitUsage, code, errs)
	code, _, errs = run(t, cfg, d.flags("retention", "sweep", "--workers", "0")...)
	assert.Equal(t, cli.ExitUsage, code, errs)

	code, out, errs = run(t, cfg, "retention", "reviews", "--before", "2026-12-31", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Empty(t, out, "no review due within the year")
	code, out, errs = run(t, cfg, "retention", "reviews", "--before", "2027-12-31", "--db", d.db, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, `"count":2`)
	assert.Contains(t, out, `"record_type":"customer"`)
	code, _, errs = run(t, cfg, "retention", "reviews", "--db", d.db)
	assert.Equal(t, cli.ExitUsage, code, errs)

	before := dbFiles(t, d.dir)
	code, out, errs = run(t, cfg, d.flags("retention", "sweep", "--dry-run", "--at", "2037-01-01")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Equal(t, 2, strings.Count(out, "destroyed  C"), out)
	assert.Contains(t, out, "destroyed 2, restricted 0")
	after := dbFiles(t, d.dir)
	// The sweep's reads of each customer's state are audited, so the
	// database gains their audit entries; nothing else changes (the real
	// sweep below still finds every customer and clock).
	delete(before, d.db)
	delete(after, d.db)
	assert.Equal(t, before, after, "a dry run changes nothing")

	code, _, errs = run(t, cfg, d.flags("retention", "holds", "place", "--owner", "legal-01", "--reason", "")...)
	assert.Equal(t, cli.ExitFailed, code, "a hold without reason is refused")
	assert.Contains(t, errs, "invalid hold")
	code, out, errs = run(t, cfg, d.flags("retention", "holds", "place", "--owner", "legal-01", "--reason", "case 42", "--subject", string(customer(2)))...)
	require.Equal(t, cli.ExitOK, code, errs)
	hold := strings.TrimSpace(out)

	code, out, errs = run(t, cfg, d.flags("retention", "sweep", "--at", "2037-01-01", "--json")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, `"destroyed":1,`)
	assert.Contains(t, out, `"held":1,`)

	code, _, errs = run(t, cfg, d.flags("retention", "sweep", "--at", "2036-12-01")...)
	assert.Equal(t, cli.ExitFailed, code, "a sweep before the last: %s", errs)
	assert.Contains(t, errs, "before the latest sweep")

	code, out, errs = run(t, cfg, "retention", "holds", "list", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Equal(t, hold+"  owner legal-01  in force  (1 customers, 0 record types)\n", out)

	code, _, errs = run(t, cfg, d.flags("retention", "holds", "release", hold, "--by", "legal-01")...)
	require.Equal(t, cli.ExitOK, code, errs)
	code, out, errs = run(t, cfg, "retention", "holds", "list", "--db", d.db, "--json")
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, `"state":"released `)
	assert.Contains(t, out, `"ID":"`+hold+`"`)
	code, out, errs = run(t, cfg, d.flags("retention", "sweep", "--at", "2037-01-02")...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "destroyed 1, restricted 0, held 0")

	h := d.open(t, d.kek)
	defer h.close()
	for i, want := range []custos.SubjectState{custos.SubjectForgotten, custos.SubjectForgotten, custos.SubjectActive} {
		_, err := h.vault.Restriction(context.Background(), dpo, customer(i+1))
		if want == custos.SubjectForgotten {
			assert.ErrorIs(t, err, vault.ErrForgotten)
		} else {
			assert.NoError(t, err)
		}
	}
	n := 0
	for _, err := range retention.DueIn(context.Background(), h.db.Retention(), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 0) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n, "no clock left")

	cfg.Policies.Retention = nil
	code, _, _ = run(t, cfg, d.flags("retention", "sweep")...)
	assert.Equal(t, cli.ExitUsage, code, "no policy, no sweep")
}

// dbFiles is snapshot without SQLite's -wal and -shm files, which opening
// a database creates and closing it removes: the database file itself,
// into which any write is checkpointed, shows whether anything changed.
func dbFiles(t *testing.T, dir string) map[string][32]byte {
	files := snapshot(t, dir)
	for p := range files {
		if strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm") {
			delete(files, p)
		}
	}
	return files
}
