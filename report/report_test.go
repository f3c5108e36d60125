package report_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func build(t *testing.T, cfg report.Config) (*report.Reporter, report.Report) {
	t.Helper()
	r, err := report.New(cfg)
	require.NoError(t, err)
	rep, err := r.Build(context.Background(), at)
	require.NoError(t, err)
	return r, rep
}

func fullEnv(t *testing.T) *env {
	e := newEnv(t)
	e.reads(t, 8)
	e.consents(t, 30)
	e.clocks(t, 24)
	e.outbox(t, 3)
	e.requests(t)
	e.transfer(t)
	e.incidents(t)
	return e
}

// The JSON of a fixed state is stable: the golden file is the contract of
// machines reading the report.
func TestJSONGolden(t *testing.T) {
	e := fullEnv(t)
	cfg := e.config()
	// The verifier key and checkpoint root change with each run's random
	// keys: the golden fixture reports without them.
	cfg.Audit = nil
	_, rep := build(t, cfg)
	var buf bytes.Buffer
	require.NoError(t, report.WriteJSON(&buf, rep))
	golden := filepath.Join("testdata", "report.golden.json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())

	var back report.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, rep, back, "the JSON reads back to the same report")
}

func section(t *testing.T, rep report.Report, id string) report.Section {
	t.Helper()
	for _, s := range rep.Sections {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no section %s", id)
	return report.Section{}
}

func table(t *testing.T, s report.Section, id string) report.Table {
	t.Helper()
	for _, tb := range s.Tables {
		if tb.ID == id {
			return tb
		}
	}
	t.Fatalf("section %s has no table %s", s.ID, id)
	return report.Table{}
}

// cell returns the cell of the row whose first cell is label.
func cell(t *testing.T, tb report.Table, label, column string) report.Cell {
	t.Helper()
	j := -1
	for i, c := range tb.Columns {
		if c.ID == column {
			j = i
		}
	}
	require.GreaterOrEqual(t, j, 0, "column %s", column)
	for _, row := range tb.Rows {
		if row[0].String() == label {
			return row[j]
		}
	}
	t.Fatalf("table %s has no row %s", tb.ID, label)
	return report.Cell{}
}

// The records of processing are the policy values themselves.
func TestRecordsOfProcessingComeFromThePolicies(t *testing.T) {
	_, rep := build(t, report.Config{Policies: policies()})
	proc := section(t, rep, "processing")
	purposes := table(t, proc, "purposes")
	assert.Equal(t, "consent", cell(t, purposes, "marketing", "basis").S)
	assert.Equal(t, "PIPL 13(1)", cell(t, purposes, "marketing", "pipl").S)
	assert.Equal(t, "GDPR 6(1)(b)", cell(t, purposes, "servicing", "gdpr").S)
	assert.Equal(t, "cross-border (PIPL 39)", cell(t, purposes, "marketing", "separate").S)
	fields := table(t, proc, "fields")
	assert.Len(t, fields.Rows, 6)
	rec := table(t, proc, "recipients")
	assert.Equal(t, "yes", cell(t, rec, "marketing", "abroad").S)
	assert.Equal(t, "PIPL 39", cell(t, rec, "marketing", "article").S)
	ret := table(t, proc, "retention")
	assert.Equal(t, "10y", cell(t, ret, "aml-identity", "min").S)
	sec := section(t, rep, "security")
	assert.Contains(t, cell(t, table(t, sec, "measures"), "measure.blind-index", "setting").S, "100000 customers, 15-bit index values")
	assert.Equal(t, "visibility.masked", table(t, sec, "masking").Rows[0][2].S)
}

// A purpose whose data no retention rule limits is a finding, not hidden
// (PIPL Art. 19); so is a field no purpose uses.
func TestPolicyGapsAreFindings(t *testing.T) {
	_, rep := build(t, report.Config{Policies: policies()})
	codes := map[string][]string{}
	for _, f := range rep.Findings {
		codes[f.Code] = append(codes[f.Code], strings.Join(f.Args, " "))
	}
	assert.Equal(t, []string{"marketing customer"}, codes["purpose-without-retention"])
	assert.Equal(t, []string{"customer.address"}, codes["field-unused"])
	assert.Contains(t, codes, "epochs-off")

	p := policies()
	p.Retention = nil
	_, rep = build(t, report.Config{Policies: p})
	assert.Equal(t, "no-retention-policy", rep.Findings[0].Code)
}

func TestLiveState(t *testing.T) {
	e := fullEnv(t)
	_, rep := build(t, e.config())

	cons := section(t, rep, "consent")
	now := table(t, cons, "consent-now")
	assert.Equal(t, int64(20), cell(t, now, "marketing", "state.given").N)
	assert.Equal(t, int64(10), cell(t, now, "marketing", "state.withdrawn").N)
	trend := table(t, cons, "consent-trend-marketing")
	require.Len(t, trend.Rows, 12)
	last := trend.Rows[len(trend.Rows)-1]
	assert.Equal(t, "2026-12", last[0].S)
	assert.Equal(t, int64(20), cell(t, trend, "2026-12", "state.given").N)
	assert.Equal(t, int64(10), cell(t, trend, "2026-12", "state.withdrawn").N)

	ret := section(t, rep, "retention")
	due := table(t, ret, "retention-due")
	var sum int64
	for _, row := range due.Rows {
		sum += row[1].N
	}
	assert.Equal(t, int64(24), sum)
	assert.Equal(t, int64(2), cell(t, due, "2026-12", "due").N)

	ob := table(t, section(t, rep, "outbox"), "outbox")
	assert.Equal(t, int64(3), cell(t, ob, "outbox.pending", "messages").N)

	rq := section(t, rep, "rights")
	kinds := table(t, rq, "rights-kinds")
	assert.Equal(t, int64(1), cell(t, kinds, "access", "due-soon").N)
	assert.Equal(t, int64(1), cell(t, kinds, "access", "closed").N)
	assert.Equal(t, int64(1), cell(t, kinds, "erasure", "overdue").N)
	assert.Equal(t, int64(1), cell(t, kinds, "erasure", "late").N)
	clocks := table(t, rq, "rights-clocks")
	assert.Equal(t, int64(1), cell(t, clocks, "left.overdue", "requests").N)
	assert.Equal(t, int64(1), cell(t, clocks, "left.le-30d", "requests").N)
	took := table(t, rq, "rights-answer-times")
	assert.Equal(t, int64(1), cell(t, took, "took.le-7d", "requests").N)
	assert.Equal(t, int64(1), cell(t, took, "took.le-60d", "requests").N)
	assert.Equal(t, "GDPR Art. 12(3)", cell(t, table(t, rq, "rights-regimes"), "gdpr", "law").S)

	inc := section(t, rep, "incident")
	list := table(t, inc, "incidents")
	assert.Equal(t, int64(1), cell(t, list, "INC-2026-0042", "met").N)
	assert.Equal(t, int64(1), cell(t, list, "INC-2026-0042", "overdue").N)
	assert.Equal(t, int64(1), cell(t, list, "INC-2026-0042", "open").N)
	assert.Equal(t, "yes", cell(t, list, "DRILL-2026-01", "drill").S)
	tl := table(t, inc, "incident-timeline")
	assert.Equal(t, int64(4), cell(t, tl, "INC-2026-0042 cac-initial", "due-hours").N)
	assert.Equal(t, int64(3), cell(t, tl, "INC-2026-0042 cac-initial", "met-hours").N)

	au := section(t, rep, "audit")
	st := table(t, au, "audit-state")
	assert.Equal(t, "8", cell(t, st, "audit.size", "value").S)
	assert.Equal(t, "verified", cell(t, st, "audit.verification", "value").S)
	assert.Equal(t, int64(1), cell(t, table(t, au, "alerts"), "bulk-reads", "alerts").N)

	codes := map[string]bool{}
	for _, f := range rep.Findings {
		codes[f.Code] = true
	}
	assert.True(t, codes["rights-overdue"] && codes["rights-late"], "missed obligations are findings")
	var overdue []string
	for _, f := range rep.Findings {
		if f.Code == "incident-obligation-overdue" {
			overdue = append(overdue, strings.Join(f.Args, " "))
		}
	}
	assert.Equal(t, []string{"INC-2026-0042 gdpr-initial"}, overdue, "a drill owes nothing")
	assert.Equal(t, report.Failure, rep.Findings[0].Severity, "failures come first")
	var open []string
	for _, f := range rep.Findings {
		if f.Code == "question-open" {
			open = append(open, f.Args[1])
		}
	}
	assert.Equal(t, []string{"impact", "measures"}, open, "unanswered questions of PIPL Art. 56 stay visible")
}

// Every term, title and header the report shows has a text in both
// languages.
func TestEveryTextIsTranslated(t *testing.T) {
	e := fullEnv(t)
	r, rep := build(t, e.config())
	for _, lang := range report.Languages() {
		var buf bytes.Buffer
		require.NoError(t, r.WriteHTML(&buf, rep, lang))
		html := buf.String()
		for _, bad := range []string{"section.", "table.", "col.", "chart.", "finding.", "measure.", "outbox.", "audit.size", "assess.", "question.", "visibility.", "%!"} {
			assert.False(t, strings.Contains(html, ">"+bad) || strings.Contains(html, "%!"), "%s: an untranslated key %s", lang, bad)
		}
	}
}

func TestParseLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want language.Tag
		err  bool
	}{
		{"zh-Hans", language.SimplifiedChinese, false},
		{"zh", language.SimplifiedChinese, false},
		{"en", language.English, false},
		{"en-GB", language.English, false},
		{"fr", language.Und, true},
		{"not a tag!", language.Und, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := report.ParseLanguage(tc.in)
			if tc.err {
				assert.ErrorIs(t, err, report.ErrLanguage)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// A log that does not verify is the first finding and is shown at the top
// of the page, never left out.
func TestAuditLogThatFailsVerificationIsProminent(t *testing.T) {
	e := newEnv(t)
	e.reads(t, 3)
	cfg := e.config()
	_, wrongKey, err := note.GenerateKey(rand.Reader, "audit.leasing.example/custos")
	require.NoError(t, err)
	cfg.Audit.Verifier = wrongKey
	r, rep := build(t, cfg)
	require.NotEmpty(t, rep.Findings)
	assert.Equal(t, report.Failure, rep.Findings[0].Severity)
	assert.Equal(t, "audit-verification-failed", rep.Findings[0].Code)
	st := table(t, section(t, rep, "audit"), "audit-state")
	assert.Equal(t, "failed", cell(t, st, "audit.verification", "value").S)

	var buf bytes.Buffer
	require.NoError(t, r.WriteHTML(&buf, rep, language.English))
	page := buf.String()
	first := strings.Index(page, `<li class="failure"><strong>Failed</strong> [audit] The audit log does not verify`)
	require.GreaterOrEqual(t, first, 0)
	assert.Less(t, first, strings.Index(page, `<section id="processing"`), "shown before every section")
}

// Bad configurations are refused by New with ErrConfig.
func TestNewRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*report.Config)
	}{
		{"no schema", func(c *report.Config) { c.Policies.Schema = vault.Schema{} }},
		{"no purposes", func(c *report.Config) { c.Policies.Purposes = nil }},
		{"audit without verifier", func(c *report.Config) { c.Audit = &report.AuditState{Store: memstore.New().Audit()} }},
		{"negative months", func(c *report.Config) { c.Months = -1 }},
		{"plan of unknown case", func(c *report.Config) {
			c.Assessments = []report.Plan{{ID: "p", Case: "whim", Purposes: []custos.PurposeID{"servicing"}}}
		}},
		{"plan answering an unknown question", func(c *report.Config) {
			c.Assessments = []report.Plan{{ID: "p", Case: report.CaseOther, Purposes: []custos.PurposeID{"servicing"}, Answers: map[string]consent.Text{"why": {}}}}
		}},
		{"rights without store", func(c *report.Config) { c.Rights = &report.RightsState{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := report.Config{Policies: policies()}
			tc.mod(&cfg)
			_, err := report.New(cfg)
			assert.ErrorIs(t, err, report.ErrConfig)
		})
	}
}

// A store that fails makes Build fail: no report with a section silently
// missing.
func TestBuildFailsOnStoreError(t *testing.T) {
	e := fullEnv(t)
	faults := &storetest.Faults{}
	cfg := e.config()
	cfg.Retention = storetest.FaultyRetention(cfg.Retention, faults)
	cfg.Consents = storetest.FaultyConsentRecords(cfg.Consents, faults)
	r, err := report.New(cfg)
	require.NoError(t, err)
	faults.Arm(1, storetest.Before, false)
	_, err = r.Build(context.Background(), at)
	assert.ErrorIs(t, err, storetest.ErrInjected)

	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	err = report.WriteFile(out, func(w io.Writer) error {
		_, _ = w.Write([]byte("{ half a report"))
		return storetest.ErrInjected
	})
	assert.ErrorIs(t, err, storetest.ErrInjected)
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries, "no partial file, no temporary file")
}

// Figures read back from a file may be anything: a chart of a count near
// the top of int64 or below zero still renders, with no negative bar.
func TestChartOfExtremeFigures(t *testing.T) {
	r, err := report.New(report.Config{Policies: policies()})
	require.NoError(t, err)
	rep := report.Report{Version: report.FormatVersion, At: at, Sections: []report.Section{{ID: "outbox",
		Tables: []report.Table{{ID: "outbox", Columns: []report.Column{{ID: "state", Kind: report.Term}, {ID: "messages", Kind: report.Count}},
			Rows: [][]report.Cell{{report.Str("outbox.sent"), report.Num(math.MaxInt64)}, {report.Str("outbox.dead"), report.Num(-5)}, {report.Str("short")}}}},
		Charts: []report.Chart{{ID: "outbox", Table: "outbox", Series: []string{"messages"}, Stacked: true}}}}}
	var buf bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- r.WriteHTML(&buf, rep, language.English) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("rendering a huge count does not finish")
	}
	assert.NotContains(t, buf.String(), `height="-`)
}
