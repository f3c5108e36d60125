package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/custos-go/custos"
)

// progress shows how far a long command has come: a bar when w is a
// terminal, otherwise a plain line at most once per interval, and nothing
// when the interval is 0. A command that ends before its first interval
// prints no progress at all.
type progress struct {
	w        io.Writer
	label    string
	interval time.Duration
	bar      *progressbar.ProgressBar
	clock    custos.Clock
	last     time.Time
	printed  bool
}

// newProgress returns the progress of the work named by label, reported
// on w. A total of -1 means the amount of work is not known in advance.
func newProgress(w io.Writer, clock custos.Clock, label string, interval time.Duration, total int64) *progress {
	p := &progress{w: w, label: label, interval: interval, clock: clock, last: clock.Now()}
	if interval > 0 && isTerminal(w) {
		p.bar = newBar(w, label, interval, total)
	}
	return p
}

// newBar is the progress bar shown on a terminal.
func newBar(w io.Writer, label string, interval time.Duration, total int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(interval),
		progressbar.OptionSetPredictTime(total >= 0),
		progressbar.OptionClearOnFinish(),
	)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// report says that done of total units are done; total -1 when unknown.
func (p *progress) report(done, total int64) {
	switch {
	case p.interval <= 0:
		return
	case p.bar != nil:
		if total >= 0 && total != p.bar.GetMax64() {
			p.bar.ChangeMax64(total)
		}
		p.bar.Set64(done)
		return
	}
	now := p.clock.Now()
	final := total >= 0 && done >= total
	if now.Sub(p.last) < p.interval && !(final && p.printed) {
		return
	}
	p.last, p.printed = now, true
	if total < 0 {
		fmt.Fprintf(p.w, "%s: %d done\n", p.label, done)
		return
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	fmt.Fprintf(p.w, "%s: %d/%d (%.1f%%)\n", p.label, done, total, pct)
}

// finish ends the bar, if any.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
