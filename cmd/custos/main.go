// Command custos is the stock operators' and auditors' command line of the
// custos SDK: package cli with SQLite and PostgreSQL through
// storage/sqlstore, development KEK files, and no host policies. Hosts
// embed package cli in their own binary instead, with their KMS and
// record types. Run "custos --help" for the commands.
//
// Exit status: 0 when the command succeeded (for a check: it passed), 1
// when a check failed or the work could not be completed, 2 for bad input.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/custos-go/custos/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, cli.Config{}, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
