package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/internal/browsertest"
)

func TestQuickstart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"-db", path, "-n", "40"}, &out))
	s := out.String()
	assert.Contains(t, s, "stored 40 synthetic customers")
	assert.Contains(t, s, "read C0000002 for lease-servicing: lease LC-")
	assert.Contains(t, s, "read of a resident ID for lease-servicing: vault: access denied")
	assert.Contains(t, s, `find by mobile "+86 `)
	assert.Contains(t, s, ": C0000001, name ")
	assert.Contains(t, s, "customer service searching by a mobile it sees masked: vault: access denied: search-field-masked")
	assert.Contains(t, s, "(masked for back-office: [name])")
	assert.Contains(t, s, "marketing read before consent: vault: access denied: no-consent")
	assert.Contains(t, s, "marketing read after consent (notice sha256:")
	assert.Contains(t, s, "marketing read after withdrawal: vault: access denied: consent-withdrawn")
	assert.Contains(t, s, "erased 3 consent records and history entries of C0000001, kept 2 pseudonymous proof entries for 1 purpose(s)")
	assert.Contains(t, s, "forgot C0000001")
	assert.Contains(t, s, `"method": "crypto-shredding`)
	assert.Contains(t, s, "read after forgetting: vault: customer was forgotten")
	assert.Contains(t, s, `"complete_by": "`)
	assert.Contains(t, s, "erasure complete before the epoch close: false")
	assert.Regexp(t, `closed erasure epoch 1 of group \d+: \d+ other customers' keys rewrapped, key \[custos-epoch-g\d+-e1\] destroyed; erasure complete: true`, s)
	assert.Contains(t, s, "summary: 39 customers")
	assert.Contains(t, s, "go run ./cmd/custos audit verify --db "+path+" --key @"+path+".audit.pub")
	assert.Contains(t, s, "report: "+path+".report.html and .json, signed (key "+path+".report.pub), 6 sections")
	_, err := exreport.Verify(path)
	require.NoError(t, err, "the report files exist and verify")
	page, err := os.ReadFile(path + ".report.html")
	require.NoError(t, err)
	for _, id := range []string{"processing", "security", "consent", "retention", "outbox", "audit"} {
		assert.Contains(t, string(page), `<section id="`+id+`"`)
	}
	assert.Contains(t, string(page), "<td>通过</td>", "the audit log verifies")
	assert.NotContains(t, string(page), "C0000001", "the report names no customer")

	// Run again on the same database: it opens what is there and forgets
	// the next customer.
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-db", path}, &out))
	s = out.String()
	assert.Contains(t, s, "the database already holds 39 customers")
	assert.Contains(t, s, "forgot C0000002")
	assert.Contains(t, s, "summary: 38 customers")
}

// The stock `custos report` (cli.Config{}: none of the quickstart's Go
// policy values) on the quickstart's database reads the policy snapshot
// the quickstart stored, and its page, opened in a real headless
// Chromium, shows every section: the records of processing and security
// measures from the snapshot, the live state from the stores.
func TestStockReportOfTheQuickstartInChromium(t *testing.T) {
	exe := browsertest.Chromium(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	require.NoError(t, run(context.Background(), []string{"-db", path, "-n", "12"}, io.Discard))
	out := filepath.Join(dir, "stock-report.html")
	var stdout, stderr strings.Builder
	code := cli.Main(context.Background(), cli.Config{}, []string{"report", "--db", path, "--key", "@" + path + ".audit.pub", "--lang", "en", "-o", out}, &stdout, &stderr)
	require.Equal(t, cli.ExitOK, code, stderr.String())
	assert.Contains(t, stdout.String(), "wrote "+out)

	p := browsertest.Open(t, exe, out)
	assert.Empty(t, p.Problems, "no console error")
	assert.Empty(t, p.Requests, "no network request")
	assert.Contains(t, p.H1, "compliance report")
	assert.Equal(t, []string{"findings", "processing", "security", "consent", "retention", "rights", "incident", "outbox", "audit"}, p.SectionIDs,
		"the findings and every section")
	assert.Positive(t, p.Charts, "the charts are drawn")
	assert.Equal(t, p.Charts, p.Descs, "every chart has a text alternative")
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), "<td>verified</td>", "the audit log verifies")
	assert.Contains(t, string(page), ">lease-servicing<", "the purposes come from the snapshot")
	assert.NotContains(t, string(page), "C0000001", "the report names no customer")
	require.NoError(t, os.WriteFile(filepath.Join(browsertest.Artifacts(t), "quickstart-stock-report-en.png"), p.Top, 0o644))
}
