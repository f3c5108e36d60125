package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// areas returns the builders of the top-level commands, each in its own
// file. A workflow package adds its commands in cli/<pkg>.go and one line
// here.
func areas() []func(*Config) *cobra.Command {
	return []func(*Config) *cobra.Command{
		auditCommand,
		keysCommand,
		incidentCommand,
		indexCommand,
		notifyCommand,
		reapplyCommand,
		reportCommand,
		retentionCommand,
		rightsCommand,
		transferCommand,
		vaultCommand,
	}
}

// New validates cfg and returns the custos command tree: `custos <area>
// <verb>` with POSIX-style flags and --help on every level. Run it with
// Execute, which maps its result to the exit statuses ExitOK, ExitFailed
// and ExitUsage. A host may add the returned command under its own root.
func New(cfg Config) (*cobra.Command, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &cfg
	name := cfg.Name
	if name == "" {
		name = "custos"
	}
	root := group(&cobra.Command{
		Use:   name,
		Short: "Operate and audit a custos deployment",
		Long: name + ` operates and audits a custos deployment: it verifies and exports the audit
log, rotates keys and blind indexes, re-applies the shred ledger after a
restore, re-encrypts records after DEK rotations, and inspects the
notification outbox and retries its dead letters.

Exit status: 0 when the command did what it was asked (for a check: it
passed), 1 when a check failed or the work could not be completed, 2 for
bad input (nothing was changed).`,
		SilenceErrors: true,
		SilenceUsage:  true,
	})
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef("%v", err)
	})
	root.CompletionOptions.DisableDefaultCmd = true
	for _, area := range areas() {
		root.AddCommand(area(c))
	}
	return root, nil
}

// Main builds the tree for cfg and runs it on args, as a host's main
// function would: it returns the exit status.
func Main(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	root, err := New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "custos: %v\n", err)
		return ExitFailed
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return Execute(ctx, root)
}

// Execute runs root (the command New returned, or a host's root holding
// it), prints the error, if any, on root's error output with a hint for
// bad input, and returns the exit status.
func Execute(ctx context.Context, root *cobra.Command) int {
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var done *reported
	if !errors.As(err, &done) {
		fmt.Fprintf(root.ErrOrStderr(), "%s: %v\n", root.Name(), err)
	}
	code := ExitCode(err)
	if code == ExitUsage && cmd != nil {
		fmt.Fprintf(root.ErrOrStderr(), "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// group makes cmd a command that only holds others: run alone or with an
// unknown verb it is bad input; --help shows its commands.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var verbs []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				verbs = append(verbs, sub.Name())
			}
		}
		if len(args) == 0 {
			return usagef("%s needs a command: %s", cmd.CommandPath(), strings.Join(verbs, ", "))
		}
		return usagef("unknown command %s for %s (commands: %s)", quote(args[0]), cmd.CommandPath(), strings.Join(verbs, ", "))
	}
	return cmd
}

// noArgs refuses positional arguments as bad input.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %s", cmd.CommandPath(), quote(args[0]))
	}
	return nil
}

// oneArg takes exactly one positional argument, named what in the error
// of bad input.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes one argument, the %s; got %d", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// printJSON writes v as one line of JSON.
func printJSON(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
