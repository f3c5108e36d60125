// Package browsertest opens an HTML file in a real headless Chromium
// (Debian's chromium, driven with chromedp) with JavaScript off, and
// returns what a reader would see of it: its sections, charts and their
// text alternatives, the console's errors, the network requests it made,
// a screenshot and its printed PDF. The report's tests use it.
package browsertest

import (
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
	"github.com/stretchr/testify/require"
)

// Chromium returns Debian's chromium, or skips the test saying how to get
// it (.ci/run installs it).
func Chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install -y chromium): the report's browser test needs a real headless Chromium")
	return ""
}

// Artifacts is where browser tests leave their screenshots and PDFs:
// $CUSTOS_TEST_ARTIFACTS, or a directory under the system's temporary one.
func Artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CUSTOS_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "custos-test-artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// Page is what Chromium showed of a file.
type Page struct {
	// H1 is the text of the page's first heading.
	H1 string
	// SectionIDs are the id attributes of the sections under main, in
	// order.
	SectionIDs []string
	// Charts counts svg.chart[role=img]; Titles and Descs the charts'
	// title and desc children; Bars the charts' rectangles.
	Charts, Titles, Descs, Bars int
	// RowHeaders counts the table body's row headers (th scope=row).
	RowHeaders int
	// Problems are the console's errors, warnings and exceptions;
	// Requests the URLs requested other than file:// ones.
	Problems, Requests []string
	// Screenshot is the whole page, Top the first screen (PNG); PDF the
	// page printed.
	Screenshot, Top, PDF []byte
}

// Open renders the HTML file at path in the headless Chromium at exe with
// JavaScript off and returns what it showed.
func Open(t *testing.T, exe, path string) Page {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1200, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	var mu sync.Mutex
	var p Page
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
				p.Problems = append(p.Problems, string(m.Type)+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok && !strings.HasPrefix(r.Request.URL, "file://") {
			mu.Lock()
			p.Requests = append(p.Requests, r.Request.URL)
			mu.Unlock()
		}
	}))
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady("body")))
	h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
	require.NoError(t, err)
	count := func(sel string) int {
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel)))
		require.NoError(t, err, sel)
		return len(nodes)
	}
	sections, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("main > section")))
	require.NoError(t, err)
	charts, titles, descs := count("svg.chart[role=img]"), count("svg.chart > title"), count("svg.chart > desc")
	bars, rowHeaders := count("svg.chart rect"), count("tbody th[scope=row]")
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
	p.H1 = h1
	for _, n := range sections {
		p.SectionIDs = append(p.SectionIDs, n.AttributeValue("id"))
	}
	p.Charts, p.Titles, p.Descs, p.Bars, p.RowHeaders = charts, titles, descs, bars, rowHeaders
	p.Screenshot, p.Top, p.PDF = shot, top, pdf
	return p
}
