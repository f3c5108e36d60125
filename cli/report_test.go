package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"maps"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/storage/storetest"
)

func reportPolicies() *cli.Policies {
	p := &cli.Policies{Schema: schema(), Retention: retentionPolicy(), Controller: consent.Party{Name: "CLI Test Leasing", Contact: "dpo@cli-test.example"}}
	text := consent.Text{ZH: "租赁", EN: "Leasing"}
	p.Purposes = []consent.Purpose{
		{ID: "onboarding", Description: text, Basis: custos.BasisContract, Notice: "privacy", Actions: []custos.Action{custos.ActionPut, custos.ActionGet},
			Fields: map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}},
		{ID: "erasure", Description: text, Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47", Notice: "privacy", Actions: []custos.Action{custos.ActionForget}},
	}
	p.Search = reportSearch
	return p
}

var reportSearch = (&deployment{}).config().Policies.Search

func (d *deployment) reportConfig() cli.Config {
	cfg := d.config()
	cfg.Policies = reportPolicies()
	return cfg
}

func TestReportCommandWritesEveryFormat(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	d.withClocks(t)
	cfg := d.reportConfig()
	for _, f := range []string{"html", "json", "csv"} {
		t.Run(f, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report."+f)
			code, stdout, errs := run(t, cfg, "report", "--db", d.db, "--out", out, "--lang", "en", "--key", d.verifier, "--at", "2026-12-04T00:00:00Z")
			require.Equal(t, cli.ExitOK, code, errs)
			assert.Contains(t, stdout, "wrote "+out)
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			assertNoPersonalData(t, b)
			switch f {
			case "html":
				assert.Contains(t, string(b), "Records of processing")
				assert.Contains(t, string(b), `<td>verified</td>`)
				for _, id := range []string{"processing", "security", "consent", "retention", "rights", "incident", "outbox", "audit"} {
					assert.Contains(t, string(b), `<section id="`+id+`"`)
				}
			case "json":
				var v map[string]any
				require.NoError(t, json.Unmarshal(b, &v))
			case "csv":
				assert.Contains(t, string(b), "audit,audit-state,")
			}
		})
	}
}

// assertNoPersonalData checks that a report names no customer and holds
// none of their values: the synthetic customers' identifiers, names and
// mobile numbers, and what scan-plaintext finds.
func assertNoPersonalData(t *testing.T, b []byte) {
	t.Helper()
	g := synth.New(7)
	for i := 1; i <= 3; i++ {
		c := g.Next()
		assert.NotContains(t, string(b), string(customer(i)))
		assert.NotContains(t, string(b), c.Name)
		assert.NotContains(t, string(b), c.Mobile)
	}
	scan := ""
	for _, p := range []string{"../../shared/tools/scan-plaintext", "../../../shared/tools/scan-plaintext"} {
		if _, err := os.Stat(p); err == nil {
			scan = p
		}
	}
	if scan == "" {
		return // outside the team's workspace
	}
	p := writeFile(t, b)
	out, err := osexec.Command(scan, p).CombinedOutput()
	assert.NoError(t, err, "scan-plaintext: %s", out)
}

// Bad flags are refused with exit status 2 before anything is opened:
// nothing is written at --out and the database is unchanged.
func TestReportBadInputWritesNothing(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 1)
	cfg := d.reportConfig()
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	noPolicies := d.config()
	noPolicies.Policies = nil
	for _, tc := range []struct {
		name string
		cfg  cli.Config
		args []string
		want string
	}{
		{"unknown language", cfg, []string{"--out", out, "--lang", "fr"}, "unsupported language"},
		{"unknown format", cfg, []string{"--out", out, "--format", "pdf"}, "unsupported format"},
		{"bad time", cfg, []string{"--out", out, "--at", "yesterday"}, "RFC 3339"},
		{"no output", cfg, nil, "--out FILE"},
		{"output in a missing directory", cfg, []string{"--out", filepath.Join(dir, "missing", "r.html")}, "no such directory"},
		{"bad verifier key", cfg, []string{"--out", out, "--key", "nonsense"}, "not a note verifier key"},
		{"checkpoint without key", cfg, []string{"--out", out, "--checkpoint", out}, "needs --key"},
		{"bad signing key", cfg, []string{"--out", out, "--signing-key", writeFile(t, []byte("nonsense"))}, "not a note signer key"},
		{"unknown flag", cfg, []string{"--out", out, "--colour"}, "unknown flag"},
		{"negative progress interval", cfg, []string{"--out", out, "--progress", "-1s"}, "--progress"},
		{"no policies", noPolicies, []string{"--out", out}, "host's policies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, d.dir)
			code, _, errs := run(t, tc.cfg, append([]string{"report", "--db", d.db}, tc.args...)...)
			assert.Equal(t, cli.ExitUsage, code, errs)
			assert.Contains(t, errs, tc.want)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
			assert.Equal(t, before, snapshot(t, d.dir), "the database is unchanged")
		})
	}
}

// withSnapshot stores the policy snapshot of reportPolicies in d's
// database, as a host does when it configures its policies.
func (d *deployment) withSnapshot(t *testing.T) *deployment {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, d.db, nil)
	require.NoError(t, err)
	defer db.Close()
	p := reportPolicies()
	r, err := report.New(report.Config{Policies: report.Policies{Controller: p.Controller, Schema: p.Schema, Purposes: p.Purposes, Retention: p.Retention, Search: &p.Search},
		Rights: &report.RightsState{Store: db.Rights(), Regimes: []rights.Regime{rights.GDPR()}}, Clock: d.clock.Now})
	require.NoError(t, err)
	_, err = r.SaveSnapshot(ctx, db.ReportSnapshots())
	require.NoError(t, err)
	return d
}

// A store that fails at any call — every store the report reads: the
// audit log, retention, the outbox, consents, requests, incidents,
// transfers and the policy snapshot — fails the report with exit status 1
// and leaves no file at --out; with no fault the same run writes it. Run
// with the host's policies and with the snapshot the stock binary reads.
func TestReportStoreFaultLeavesNoFile(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 4).withPlan(t).withSnapshot(t)
	d.withClocks(t)
	d.withRequests(t)
	d.withIncident(t)
	host := d.reportConfig()
	host.Policies.Transfers = []string{"merger-2026"}
	host.Policies.Regimes = []rights.Regime{rights.GDPR()}
	stock := cli.Config{Clock: d.clock.Now}
	for _, tc := range []struct {
		name   string
		cfg    cli.Config
		stores []string
	}{
		{"host policies", host, []string{"audit.", "retention.", "notify.", "report.Scan", "rights.", "incident.", "transfer."}},
		{"stored snapshot", stock, []string{"report.LatestSnapshot", "audit.", "retention.", "notify.", "report.Scan", "rights.", "incident."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			faults := &storetest.Faults{}
			cfg := tc.cfg
			cfg.Open = func(ctx context.Context, db cli.Database) (*cli.Stores, error) {
				st, err := cli.OpenSQLStores(ctx, db)
				if err != nil {
					return nil, err
				}
				st.Audit = storetest.FaultyAudit(st.Audit, faults)
				st.Retention = storetest.FaultyRetention(st.Retention, faults)
				st.Notify = storetest.FaultyNotify(st.Notify, faults)
				st.Consents = storetest.FaultyConsentRecords(st.Consents, faults)
				st.Rights = storetest.FaultyRights(st.Rights, faults)
				st.Incidents = storetest.FaultyIncident(st.Incidents, faults)
				st.Transfers = storetest.FaultyTransfer(st.Transfers, faults)
				st.Snapshots = storetest.FaultySnapshots(st.Snapshots, faults)
				return st, nil
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "report.json")
			args := []string{"report", "--db", d.db, "--out", out, "--key", d.verifier}
			faults.Arm(0, storetest.Before, false)
			code, _, errs := run(t, cfg, args...)
			require.Equal(t, cli.ExitFailed, code, "the overdue request is a failed check: %s", errs)
			_, err := os.Stat(out)
			require.NoError(t, err, "without a fault the report is written")
			calls := faults.Calls()
			require.NoError(t, os.Remove(out))
			failed := map[string]bool{}
			for k := 1; k <= calls; k++ {
				faults.Arm(k, storetest.Before, false)
				code, _, errs := run(t, cfg, args...)
				failed[faults.Last()] = true
				assert.Equal(t, cli.ExitFailed, code, "fault at call %d (%s): %s", k, faults.Last(), errs)
				assert.Contains(t, errs, storetest.ErrInjected.Error(), "fault at call %d (%s): the report fails on it", k, faults.Last())
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Empty(t, entries, "fault at call %d (%s): no partial file", k, faults.Last())
			}
			t.Logf("%d store calls, each failed once: %v", calls, slices.Sorted(maps.Keys(failed)))
			for _, prefix := range tc.stores {
				assert.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(failed)), func(op string) bool { return strings.HasPrefix(op, prefix) }),
					"a %s call was failed", prefix)
			}
		})
	}
}

func TestReportSignedAndVerified(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 1)
	cfg := d.reportConfig()
	skey, vkey, err := note.GenerateKey(rand.Reader, "report.cli-test.example")
	require.NoError(t, err)
	keyFile := writeFile(t, []byte(skey))
	out := filepath.Join(t.TempDir(), "report.html")
	code, _, errs := run(t, cfg, "report", "--db", d.db, "--out", out, "--key", d.verifier, "--signing-key", keyFile)
	require.Equal(t, cli.ExitOK, code, errs)

	code, stdout, errs := run(t, cfg, "report", "verify", "--key", vkey, out)
	assert.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, stdout, "verified")

	b, err := os.ReadFile(out)
	require.NoError(t, err)
	edited := writeFile(t, []byte(strings.Replace(string(b), ">onboarding<", ">0nboarding<", 1)))
	code, _, errs = run(t, cfg, "report", "verify", "--key", vkey, edited)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, errs, "does not verify")

	code, _, _ = run(t, cfg, "report", "verify", "--key", vkey)
	assert.Equal(t, cli.ExitUsage, code)
	code, _, _ = run(t, cfg, "report", "verify", "--key", vkey, filepath.Join(t.TempDir(), "missing.html"))
	assert.Equal(t, cli.ExitUsage, code)
}
