// Command custos is the operators' and auditors' command line of the
// custos SDK.
//
//	custos audit verify     -db PATH | -postgres VAR | -tiles DIR  -key KEY [-checkpoint FILE]...
//	custos audit checkpoint -db PATH | -postgres VAR  [-key KEY]
//	custos audit export     -db PATH | -postgres VAR  -tiles DIR [-key KEY]
//	custos audit key        -db PATH | -postgres VAR
//
// A database is a SQLite file (-db) or a PostgreSQL database whose DSN is
// read from the environment variable named by -postgres, so that it never
// appears on a command line. KEY is a note verifier key, or @FILE to read
// it from a file.
//
// Exit status: 0 when the command succeeded (for verify: the log
// verified), 1 when the log does not verify, 2 for a usage error, 3 when
// the command could not complete (a database or file that cannot be read).
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK       = 0
	exitTampered = 1
	exitUsage    = 2
	exitFailed   = 3
)

const usage = `usage: custos <command> [arguments]

commands:
  audit verify      verify the audit log against its verifier key
  audit checkpoint  print the latest signed checkpoint
  audit export      export the audit log as C2SP tlog-tiles
  audit key         print the verifier key stored with the log

Run "custos audit <command> -h" for the flags of a command.
`

// run is the command line, without the process: tests call it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		io.WriteString(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	}
	io.WriteString(stderr, "custos: unknown command "+quote(args[0])+"\n\n"+usage)
	return exitUsage
}
