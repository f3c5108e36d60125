// Package childproc runs one of a test binary's own tests as a second,
// real process, for tests that show what two processes sharing one store
// see. The parent starts the child, waits for it to say it is ready,
// orders it on with a line on its standard input, and collects its
// output, which the failure message carries.
package childproc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Ready is the line a child prints once it is set up and waits for its
// orders.
const Ready = "custos-child-ready"

// Child is a started child process.
type Child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	log    strings.Builder // the child's standard output read so far
	stderr strings.Builder
}

// Start runs the test named test of this binary (once, -test.count=1) as
// a child process with env added to this process's environment, and waits
// until it prints Ready; t fails with the child's output if it ends first.
func Start(t testing.TB, test string, env ...string) *Child {
	t.Helper()
	c := &Child{cmd: exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")}
	c.cmd.Env = append(os.Environ(), env...)
	var err error
	c.stdin, err = c.cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	c.cmd.Stderr = &c.stderr
	require.NoError(t, c.cmd.Start())
	c.out = bufio.NewScanner(stdout)
	for c.out.Scan() {
		c.log.WriteString(c.out.Text() + "\n")
		if c.out.Text() == Ready {
			return c
		}
	}
	c.cmd.Wait()
	t.Fatalf("process B did not get ready:\n%s%s", c.log.String(), c.stderr.String())
	return nil
}

// Send writes line to the child's standard input.
func (c *Child) Send(t testing.TB, line string) {
	t.Helper()
	_, err := fmt.Fprintln(c.stdin, line)
	require.NoError(t, err)
}

// Finish reads the child's output to its end and waits for it; t fails,
// with that output, unless the child passed.
func (c *Child) Finish(t testing.TB) {
	t.Helper()
	for c.out.Scan() {
		c.log.WriteString(c.out.Text() + "\n")
	}
	require.NoError(t, c.cmd.Wait(), "process B:\n%s%s", c.log.String(), c.stderr.String())
}
