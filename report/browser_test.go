package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/internal/browsertest"
	"github.com/custos-go/custos/report"
)

// The report opened in a real headless Chromium, with JavaScript off:
// no console error, no network request, every section and chart present
// with its text alternative, and it prints. A screenshot and the PDF are
// kept as artifacts.
func TestReportInChromium(t *testing.T) {
	exe := browsertest.Chromium(t)
	e := fullEnv(t)
	r, rep := build(t, e.config())
	s, _ := signer(t)
	rep, err := report.Sign(rep, s)
	require.NoError(t, err)
	nCharts := 0
	var ids []string
	for _, sec := range rep.Sections {
		nCharts += len(sec.Charts)
		ids = append(ids, sec.ID)
	}
	require.Greater(t, nCharts, 4)

	for _, lang := range report.Languages() {
		t.Run(lang.String(), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, r.WriteHTML(&buf, rep, lang))
			file := filepath.Join(t.TempDir(), "report.html")
			require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o600))

			p := browsertest.Open(t, exe, file)
			assert.Empty(t, p.Problems, "no console error")
			assert.Empty(t, p.Requests, "no network request")
			assert.Contains(t, p.H1, map[bool]string{true: "合规报告", false: "compliance report"}[strings.HasPrefix(lang.String(), "zh")])
			assert.Equal(t, append([]string{"findings"}, ids...), p.SectionIDs, "the findings, then every section")
			assert.Equal(t, nCharts, p.Charts, "every chart")
			assert.Equal(t, nCharts, p.Titles, "every chart has a title")
			assert.Equal(t, nCharts, p.Descs, "every chart has a description")
			assert.Greater(t, p.Bars, nCharts*2, "the charts are drawn")
			assert.Greater(t, p.RowHeaders, 20)
			assert.True(t, bytes.HasPrefix(p.PDF, []byte("%PDF")), "the page prints")

			dir := browsertest.Artifacts(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+".png"), p.Screenshot, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+"-top.png"), p.Top, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+".pdf"), p.PDF, 0o644))
			t.Logf("screenshot and PDF in %s", dir)
		})
	}
}
