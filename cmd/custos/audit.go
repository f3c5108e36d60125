package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/sqlstore"
)

// runAudit dispatches the audit subcommands.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		io.WriteString(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) int{
		"verify": auditVerify, "checkpoint": auditCheckpoint, "export": auditExport, "key": auditKey,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "custos: unknown audit command %s\n\n%s", quote(args[0]), usage)
		return exitUsage
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

// dbFlags name the database holding the log.
type dbFlags struct {
	path, pgVar, schema string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.path, "db", "", "the SQLite database `file` holding the log")
	fs.StringVar(&d.pgVar, "postgres", "", "the environment `variable` holding the PostgreSQL DSN")
	fs.StringVar(&d.schema, "schema", "", "the PostgreSQL `schema` of the custos tables (default public)")
}

func (d *dbFlags) set() bool { return d.path != "" || d.pgVar != "" }

// usageError is a mistake on the command line.
type usageError string

func (e usageError) Error() string { return string(e) }

// open opens the database named by the flags. It never creates a SQLite
// file that does not exist, and never prints the DSN.
func (d *dbFlags) open(ctx context.Context) (*sqlstore.DB, error) {
	switch {
	case d.path != "" && d.pgVar != "":
		return nil, usageError("give -db or -postgres, not both")
	case d.path != "":
		st, err := os.Stat(d.path)
		if err != nil {
			return nil, fmt.Errorf("database file: %w", err)
		}
		if st.IsDir() {
			return nil, usageError("-db names a directory, not a SQLite file")
		}
		return sqlstore.OpenSQLite(ctx, d.path, &sqlstore.Options{ReadOnly: true})
	case d.pgVar != "":
		dsn := os.Getenv(d.pgVar)
		if dsn == "" {
			return nil, usageError("environment variable " + quote(d.pgVar) + " named by -postgres is empty")
		}
		return sqlstore.OpenPostgres(ctx, dsn, &sqlstore.Options{Schema: d.schema, ReadOnly: true})
	}
	return nil, usageError("give the database: -db FILE or -postgres VAR")
}

// readKey returns a verifier key given inline or as @file.
func readKey(v string) (string, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("verifier key file: %w", err)
		}
		v = string(b)
	}
	return strings.TrimSpace(v), nil
}

// fail reports err and returns the exit status it calls for.
func fail(stderr io.Writer, err error) int {
	var ue usageError
	var te *audit.TamperError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "custos: %v\n", err)
		return exitUsage
	case errors.As(err, &te), errors.Is(err, audit.ErrTampered):
		fmt.Fprintf(stderr, "custos: %v\n", err)
		return exitTampered
	case errors.Is(err, audit.ErrConfig):
		fmt.Fprintf(stderr, "custos: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "custos: %v\n", err)
	return exitFailed
}

func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("custos audit "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: custos audit %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning -h into exit status 0 and errors into 2.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "custos: unexpected argument %s\n", quote(fs.Arg(0)))
		return exitUsage, false
	}
	return 0, true
}

// progress prints verification progress to w at most once per interval.
type progress struct {
	w        io.Writer
	interval time.Duration
	last     time.Time
	printed  bool
}

func (p *progress) report(v audit.VerifyProgress) {
	now := time.Now()
	if p.interval < 0 || (v.Done < v.Total && now.Sub(p.last) < p.interval) {
		return
	}
	if v.Done == v.Total && !p.printed {
		return // a quick verification needs no progress
	}
	p.last, p.printed = now, true
	pct := 100.0
	if v.Total > 0 {
		pct = 100 * float64(v.Done) / float64(v.Total)
	}
	fmt.Fprintf(p.w, "verifying: %d/%d entries (%.1f%%)\n", v.Done, v.Total, pct)
}

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", "(-db FILE | -postgres VAR | -tiles DIR) -key KEY [-checkpoint FILE]...", stderr)
	var db dbFlags
	db.register(fs)
	tiles := fs.String("tiles", "", "an exported C2SP tlog-tiles `directory` to verify instead of a database")
	key := fs.String("key", "", "the log's note verifier `key`, or @file; obtain it from the operator, not from the database")
	var saved repeated
	fs.Var(&saved, "checkpoint", "a signed checkpoint `file` saved earlier; the log must still contain it (repeatable)")
	resume := fs.String("resume", "", "a signed checkpoint `file` up to which the log was already verified (databases only)")
	interval := fs.Duration("progress", 2*time.Second, "minimum `interval` between progress lines on stderr; negative for none")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *key == "" {
		return fail(stderr, usageError("give the log's verifier key: -key KEY or -key @FILE"))
	}
	vkey, err := readKey(*key)
	if err != nil {
		return fail(stderr, err)
	}
	opt := audit.VerifyOptions{Verifier: vkey, ProgressEvery: 4096}
	for _, name := range saved {
		b, err := os.ReadFile(name)
		if err != nil {
			return fail(stderr, fmt.Errorf("saved checkpoint: %w", err))
		}
		opt.Checkpoints = append(opt.Checkpoints, b)
	}
	if *resume != "" {
		if opt.Resume, err = os.ReadFile(*resume); err != nil {
			return fail(stderr, fmt.Errorf("resume checkpoint: %w", err))
		}
	}
	p := &progress{w: stderr, interval: *interval, last: time.Now()}
	opt.Progress = p.report

	var src *audit.Source
	switch {
	case *tiles != "" && db.set():
		return fail(stderr, usageError("give one of -db, -postgres and -tiles"))
	case *tiles != "":
		if st, err := os.Stat(*tiles); err != nil || !st.IsDir() {
			return fail(stderr, usageError("-tiles must name an existing directory"))
		}
		src = audit.TilesSource(os.DirFS(*tiles))
	default:
		d, err := db.open(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		defer d.Close()
		src = audit.StoreSource(d.Audit())
	}
	rep, err := audit.Verify(ctx, src, opt)
	if err != nil {
		var te *audit.TamperError
		if errors.As(err, &te) {
			if te.HasIndex {
				fmt.Fprintf(stdout, "FAIL: the audit log does not verify: first bad index %d: %s\n", te.Index, te.Reason)
			} else {
				fmt.Fprintf(stdout, "FAIL: the audit log does not verify: %s\n", te.Reason)
			}
			return exitTampered
		}
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "OK: audit log %s verified: %d entries", rep.Checkpoint.Origin, rep.Checkpoint.Size)
	if rep.From > 0 {
		fmt.Fprintf(stdout, " (%d recomputed from index %d)", rep.Entries, rep.From)
	}
	fmt.Fprintf(stdout, ", root %s, consistent with %d signed checkpoint(s)\n",
		base64.StdEncoding.EncodeToString(rep.Checkpoint.Root), rep.Checkpoints)
	return exitOK
}

func auditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("checkpoint", "(-db FILE | -postgres VAR) [-key KEY]", stderr)
	var db dbFlags
	db.register(fs)
	key := fs.String("key", "", "check the checkpoint's signature with this verifier `key` (or @file) before printing")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	d, err := db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	h, err := d.Audit().Head(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	if len(h.Checkpoint) == 0 {
		return fail(stderr, errors.New("the log has no checkpoint yet"))
	}
	if *key != "" {
		vkey, err := readKey(*key)
		if err != nil {
			return fail(stderr, err)
		}
		if _, err := audit.OpenCheckpoint(h.Checkpoint, vkey); err != nil {
			return fail(stderr, err)
		}
	}
	stdout.Write(h.Checkpoint)
	return exitOK
}

func auditExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export", "(-db FILE | -postgres VAR) -tiles DIR [-key KEY]", stderr)
	var db dbFlags
	db.register(fs)
	dir := fs.String("tiles", "", "the `directory` to export into (created if missing; an earlier export there is extended)")
	key := fs.String("key", "", "the verifier `key` (or @file) to verify with; default: the one stored with the log")
	interval := fs.Duration("progress", 2*time.Second, "minimum `interval` between progress lines on stderr; negative for none")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dir == "" {
		return fail(stderr, usageError("give the export directory: -tiles DIR"))
	}
	opt := &audit.ExportOptions{}
	if *key != "" {
		vkey, err := readKey(*key)
		if err != nil {
			return fail(stderr, err)
		}
		opt.Verifier = vkey
	}
	p := &progress{w: stderr, interval: *interval, last: time.Now()}
	opt.Progress = p.report
	d, err := db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	rep, err := audit.ExportTiles(ctx, d.Audit(), *dir, opt)
	if err != nil {
		var te *audit.TamperError
		if errors.As(err, &te) {
			fmt.Fprintf(stdout, "FAIL: not exported: %v\n", te)
			return exitTampered
		}
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "exported %d entries of %s to %s (%d files written)\n", rep.Checkpoint.Size, rep.Checkpoint.Origin, *dir, rep.Files)
	fmt.Fprintln(stderr, "note: an export from the command line is not itself recorded in the audit log; exports through Log.Export are")
	return exitOK
}

func auditKey(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("key", "(-db FILE | -postgres VAR)", stderr)
	var db dbFlags
	db.register(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	d, err := db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	k, err := d.Audit().SigningKey(ctx)
	if errors.Is(err, audit.ErrNotFound) {
		return fail(stderr, errors.New("the log has no signing key yet: no Log has opened this database"))
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, k.Verifier)
	fmt.Fprintln(stderr, "note: hand this key to auditors through a channel they trust; an auditor verifies with the key they hold, never with one read from the database being verified")
	return exitOK
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}
