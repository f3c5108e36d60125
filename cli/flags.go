package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// dbFlags name the database a command works on, and its shred ledger.
type dbFlags struct {
	path, pgVar, schema               string
	ledger, ledgerPgVar, ledgerSchema string
	needLedger                        bool
}

// addDBFlags registers --db, --postgres and --schema on cmd, and the
// ledger flags when the command builds a Keyring.
func addDBFlags(cmd *cobra.Command, needLedger bool) *dbFlags {
	d := &dbFlags{needLedger: needLedger}
	f := cmd.Flags()
	f.StringVar(&d.path, "db", "", "the SQLite database `file` (it must exist)")
	f.StringVar(&d.pgVar, "postgres", "", "the environment `variable` holding the PostgreSQL DSN (never give the DSN itself)")
	f.StringVar(&d.schema, "schema", "", "the PostgreSQL `schema` of the custos tables (default public)")
	if needLedger {
		f.StringVar(&d.ledger, "ledger", "", "the SQLite `file` holding the shred ledger, kept apart from the database's backups")
		f.StringVar(&d.ledgerPgVar, "ledger-postgres", "", "the environment `variable` holding the DSN of the ledger's PostgreSQL database")
		f.StringVar(&d.ledgerSchema, "ledger-schema", "", "the PostgreSQL `schema` of the ledger (default public)")
	}
	return d
}

// database checks the flags and returns what they name. It touches no
// store: a missing file or an empty variable is bad input, found before
// anything is opened.
func (d *dbFlags) database(readOnly bool) (Database, error) {
	db := Database{Schema: d.schema, ReadOnly: readOnly, NeedLedger: d.needLedger, LedgerSchema: d.ledgerSchema}
	var err error
	if db.Path, db.DSN, err = source("--db", d.path, "--postgres", d.pgVar); err != nil {
		return db, err
	}
	if d.needLedger {
		if db.LedgerPath, db.LedgerDSN, err = source("--ledger", d.ledger, "--ledger-postgres", d.ledgerPgVar); err != nil {
			return db, err
		}
	}
	return db, nil
}

// set reports whether a database flag was given.
func (d *dbFlags) set() bool { return d.path != "" || d.pgVar != "" }

// source checks one "SQLite file or PostgreSQL variable" pair of flags and
// returns the file or the DSN.
func source(fileFlag, file, varFlag, pgVar string) (string, string, error) {
	switch {
	case file != "" && pgVar != "":
		return "", "", usagef("give %s or %s, not both", fileFlag, varFlag)
	case file != "":
		st, err := os.Stat(file)
		switch {
		case err != nil:
			return "", "", usagef("%s %s: no such file (a database is never created here)", fileFlag, quote(file))
		case st.IsDir():
			return "", "", usagef("%s %s is a directory, not a SQLite file", fileFlag, quote(file))
		}
		return file, "", nil
	case pgVar != "":
		dsn := os.Getenv(pgVar)
		if dsn == "" {
			return "", "", usagef("the environment variable %s named by %s is empty", quote(pgVar), varFlag)
		}
		return "", dsn, nil
	}
	return "", "", usagef("give the database: %s FILE or %s VAR", fileFlag, varFlag)
}

// kekFlags name development KEK files, when the host gives no KEKs.
type kekFlags struct {
	current  string
	previous []string
}

func addKEKFlags(cmd *cobra.Command) *kekFlags {
	k := &kekFlags{}
	cmd.Flags().StringVar(&k.current, "kek", "", "the development KEK keyset `file` (keys/insecuredevkek; NOT FOR PRODUCTION: hosts embed this command with their KMS)")
	cmd.Flags().StringArrayVar(&k.previous, "previous-kek", nil, "a development KEK keyset `file` that wrapped keysets before a rotation (repeatable)")
	return k
}

// progressFlag registers --progress on cmd.
func addProgressFlag(cmd *cobra.Command) *time.Duration {
	d := new(time.Duration)
	cmd.Flags().DurationVar(d, "progress", 2*time.Second, "least `interval` between progress reports on stderr (a bar on a terminal, lines otherwise); 0 for none")
	return d
}

func checkProgress(d time.Duration) error {
	if d < 0 {
		return usagef("--progress must be a duration of 0 (none) or more, such as 2s or 500ms")
	}
	return nil
}

// countValue is a flag holding a positive count, written as a number with
// an optional k, M (×1000) or Ki, Mi (×1024) suffix.
type countValue struct {
	n   *int
	max int
}

func addCount(cmd *cobra.Command, name string, def, max int, usage string) *int {
	n := new(int)
	*n = def
	cmd.Flags().Var(&countValue{n: n, max: max}, name, usage)
	return n
}

func (c *countValue) String() string { return strconv.Itoa(*c.n) }
func (c *countValue) Type() string   { return "count" }

func (c *countValue) Set(s string) error {
	mult := 1
	for _, suf := range []struct {
		s string
		m int
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"k", 1000}, {"K", 1000}, {"M", 1000_000}} {
		if rest, ok := strings.CutSuffix(s, suf.s); ok {
			s, mult = rest, suf.m
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > c.max/mult {
		return fmt.Errorf("want a whole number from 1 to %d, such as 256 or 4Ki", c.max)
	}
	*c.n = n * mult
	return nil
}

// addJSON registers --json on cmd.
func addJSON(cmd *cobra.Command) *bool {
	return cmd.Flags().Bool("json", false, "print the result as one JSON object on stdout, for scripts")
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}
