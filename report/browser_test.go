package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/report"
)

// chromium returns Debian's chromium, or skips the test saying how to get
// it (.ci/run installs it).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install -y chromium): the report's browser test needs a real headless Chromium")
	return ""
}

// artifacts is where the browser test leaves its screenshots and PDF:
// $CUSTOS_TEST_ARTIFACTS, or a directory under the system's temporary one.
func artifacts(t *testing.T) string {
	dir := os.Getenv("CUSTOS_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "custos-test-artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// The report opened in a real headless Chromium, with JavaScript off:
// no console error, no network request, every section and chart present
// with its text alternative, and it prints. A screenshot and the PDF are
// kept as artifacts.
func TestReportInChromium(t *testing.T) {
	exe := chromium(t)
	e := fullEnv(t)
	r, rep := build(t, e.config())
	s, _ := signer(t)
	rep, err := report.Sign(rep, s)
	require.NoError(t, err)
	nCharts := 0
	for _, sec := range rep.Sections {
		nCharts += len(sec.Charts)
	}
	require.Greater(t, nCharts, 4)

	for _, lang := range report.Languages() {
		t.Run(lang.String(), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, r.WriteHTML(&buf, rep, lang))
			file := filepath.Join(t.TempDir(), "report.html")
			require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o600))

			opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
				chromedp.Flag("headless", true), chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1200, 900))
			actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
			defer cancelA()
			ctx, cancel := chromedp.NewContext(actx)
			defer cancel()
			ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
			defer cancelT()

			var mu sync.Mutex
			var problems, requests []string
			cctx, stopConsole := context.WithCancel(ctx)
			messages := chromedp.Console(cctx)
			consoleDone := make(chan struct{})
			go func() {
				defer close(consoleDone)
				for m, err := range messages {
					if err != nil {
						return
					}
					if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleException {
						mu.Lock()
						problems = append(problems, string(m.Type)+": "+m.Text)
						mu.Unlock()
					}
				}
			}()
			require.NoError(t, chromedp.Listen(ctx, func(ev any) {
				if r, ok := ev.(*network.EventRequestWillBeSent); ok && !strings.HasPrefix(r.Request.URL, "file://") {
					mu.Lock()
					requests = append(requests, r.Request.URL)
					mu.Unlock()
				}
			}))
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			require.NoError(t, err)
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady("body")))
			h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
			require.NoError(t, err)
			count := func(sel string) int {
				nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel)))
				require.NoError(t, err, sel)
				return len(nodes)
			}
			sections := count("main > section")
			charts := count("svg.chart[role=img]")
			titles := count("svg.chart > title")
			descs := count("svg.chart > desc")
			bars := count("svg.chart rect")
			rowHeaders := count("tbody th[scope=row]")
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
			require.NoError(t, err)
			top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
			require.NoError(t, err)
			stopConsole()
			<-consoleDone
			mu.Lock()
			defer mu.Unlock()
			assert.Empty(t, problems, "no console error")
			assert.Empty(t, requests, "no network request")
			assert.Contains(t, h1, map[bool]string{true: "合规报告", false: "compliance report"}[strings.HasPrefix(lang.String(), "zh")])
			assert.Equal(t, len(rep.Sections)+1, sections, "every section and the findings")
			assert.Equal(t, nCharts, charts, "every chart")
			assert.Equal(t, nCharts, titles, "every chart has a title")
			assert.Equal(t, nCharts, descs, "every chart has a description")
			assert.Greater(t, bars, nCharts*2, "the charts are drawn")
			assert.Greater(t, rowHeaders, 20)
			assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "the page prints")

			dir := artifacts(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+".png"), shot, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+"-top.png"), top, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report-"+lang.String()+".pdf"), pdf, 0o644))
			t.Logf("screenshot and PDF in %s", dir)
		})
	}
}
