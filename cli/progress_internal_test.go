package cli

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestProgressBar shows the bar a terminal gets: the label and the count,
// redrawn in place, and cleared when the work is done.
func TestProgressBar(t *testing.T) {
	var w bytes.Buffer
	p := &progress{w: &w, label: "rewrapping DEKs", interval: time.Nanosecond, bar: newBar(&w, "rewrapping DEKs", time.Nanosecond, 10)}
	p.report(4, 10)
	assert.Contains(t, w.String(), "rewrapping DEKs")
	assert.Contains(t, w.String(), "4/10")
	assert.Contains(t, w.String(), "\r", "redrawn in place")
	p.report(10, 10)
	p.finish()
	assert.Regexp(t, `\r +\r$`, w.String(), "the bar is cleared at the end, leaving the terminal to the result")
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	assert.Nil(t, newProgress(&bytes.Buffer{}, nil, "x", time.Second, 1).bar, "a buffer is no terminal")
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err == nil {
		defer f.Close()
		assert.Nil(t, newProgress(f, nil, "x", time.Second, 1).bar, "a file is no terminal")
	}
	assert.False(t, isTerminal(&bytes.Buffer{}))
}
