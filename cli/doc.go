// Package cli is the custos operator command line as a package: the cobra
// command tree `custos <area> <verb>` that the stock binary (cmd/custos)
// runs and that a host embeds in its own binary with its own stores, KMS
// and policies:
//
//	root, err := cli.New(cli.Config{
//		Open:     openMyStores,                 // or nil: storage/sqlstore
//		KEKs:     func(ctx context.Context) (cli.KEKs, error) { ... }, // the host's KMS
//		Policies: &cli.Policies{Schema: schema, Search: search},
//	})
//	...
//	os.Exit(cli.Execute(ctx, root))
//
// The commands:
//
//	audit verify | checkpoint | export | key    the auditor's commands: read-only, no KEK
//	keys rotate                                  KEK rotation: rewrap every keyset
//	index rotate | rebuild | retire              online blind-index key rotation
//	notify status | dead | show | retry          the notification outbox: counts, dead letters, delivery records
//	reapply                                      re-apply the shred ledger after a restore
//	vault reencrypt                              re-encrypt records after DEK rotations
//
// Every command takes --help; flags are POSIX style (--db FILE). Durations
// are Go durations (2s, 500ms; --progress 0 for no progress) and counts
// are whole numbers with an optional k, M, Ki or Mi suffix. Commands whose
// output a script reads take --json and then print one JSON object on
// stdout. Long commands report progress on stderr: a bar on a terminal,
// plain lines otherwise. Sweeps (keys rotate, index rebuild, reapply,
// vault reencrypt) are resumable as the library calls are: with
// --resume FILE a rerun after a failure or an interrupt starts after the
// last batch done, and every rerun is safe.
//
// # Exit status
//
// ExitOK (0) when the command did what it was asked, for a check when it
// passed; ExitFailed (1) when a check failed (the log does not verify) or
// the work could not be completed; ExitUsage (2) for bad input: an unknown
// command or flag, a missing or malformed argument, a named file that does
// not exist or does not parse, an index key version that is not there.
// What is wrong on the command line is found before any store is opened,
// and no bad input changes anything.
//
// # Adding a command
//
// A workflow package adds its area in a file cli/<pkg>.go: a function
// func(*Config) *cobra.Command built with the helpers here (addDBFlags,
// addKeyringFlags, addSweepFlags for resumable work, newProgress,
// printJSON, usagef for bad input), and one line in areas (root.go).
//
// # Errors
//
// Commands return errors; Execute prints them once, prefixed with the
// command name, and maps them with ExitCode: errors wrapping ErrUsage are
// bad input, ErrCheckFailed a failed check. No message contains a field
// value, a key or a connection string (the PostgreSQL DSN is read from the
// environment variable --postgres names and never printed).
//
// # Concurrency
//
// A command tree runs one command at a time; build one per goroutine.
// The commands themselves are safe to run while the host's services serve,
// as the library calls they make are.
package cli
