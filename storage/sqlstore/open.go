package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// ErrConnect reports a database that could not be opened, reached or
// migrated.
var ErrConnect = errors.New("sqlstore: cannot open database")

// Options configures a DB. A nil *Options means the defaults.
type Options struct {
	// Schema is the PostgreSQL schema the tables live in; it is created if
	// missing. Empty means "public". Lower-case letters, digits and '_'.
	// Ignored for SQLite.
	Schema string
	// MaxOpenConns bounds the connection pool; 0 means 8 for SQLite and
	// database/sql's default for PostgreSQL.
	MaxOpenConns int
	// ReadOnly opens an existing database without changing it: no schema
	// is created or migrated (the database must be at SchemaVersion), and
	// every write fails. Auditors' tools open the databases they check this
	// way.
	ReadOnly bool
}

// dialect names the SQL flavour.
type dialect string

const (
	sqlite   dialect = "sqlite"
	postgres dialect = "postgres"
)

// DB is one database holding custos tables.
type DB struct {
	db      *sql.DB
	dialect dialect
	closed  atomic.Bool
	stmts   statements
	writer  *groupWriter // SQLite only
	lock    *writeLock   // the writer's; SQLite only
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// OpenSQLite opens (creating if needed) the SQLite database file at path
// and applies pending migrations.
//
// A database file it creates is readable and writable by its owner only
// (mode 0600), whatever the process's umask, and SQLite gives its -wal and
// -shm files the database file's mode: they hold wrapped keys and
// ciphertexts. An existing file keeps the mode it has.
func OpenSQLite(ctx context.Context, path string, opt *Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty path", ErrConnect)
	}
	if opt == nil || !opt.ReadOnly {
		if err := createPrivate(path, "the database file"); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "secure_delete(ON)", "synchronous(FULL)", "foreign_keys(1)", "cache_size(-65536)", "mmap_size(1073741824)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	readOnly := opt != nil && opt.ReadOnly
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: no database at the path", ErrConnect)
		}
		q.Set("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConnect, err)
	}
	n := 8
	if opt != nil && opt.MaxOpenConns > 0 {
		n = opt.MaxOpenConns
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	var lock *writeLock
	if !readOnly {
		if lock, err = openWriteLock(path); err != nil {
			db.Close()
			return nil, err
		}
	}
	return open(ctx, db, sqlite, readOnly, lock)
}

// createPrivate creates an empty file at path with mode 0600 unless a file
// is there already, so that the SQLite driver, which would create the
// database 0644 less the umask, opens a private one. what names the file
// in an error.
func createPrivate(path, what string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err == nil {
		err = f.Chmod(0o600) // exactly, whatever the umask took away
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the reason, without the path
		}
		return fmt.Errorf("%w: create %s: %v", ErrConnect, what, err)
	}
	return nil
}

// OpenPostgres connects to the PostgreSQL database named by dsn (a URL or
// key=value string, as pgx accepts), creates opt.Schema if needed, and
// applies pending migrations there.
func OpenPostgres(ctx context.Context, dsn string, opt *Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx may quote the DSN in its message; keep only the fact.
		return nil, fmt.Errorf("%w: the PostgreSQL DSN does not parse", ErrConnect)
	}
	schema := "public"
	if opt != nil && opt.Schema != "" {
		schema = opt.Schema
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("%w: schema name must be lower-case letters, digits and _", ErrConnect)
	}
	readOnly := opt != nil && opt.ReadOnly
	if schema != "public" && !readOnly {
		if err := createSchema(ctx, cfg, schema); err != nil {
			return nil, err
		}
	}
	cfg.RuntimeParams["search_path"] = schema
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := stdlib.OpenDB(*cfg)
	if opt != nil && opt.MaxOpenConns > 0 {
		db.SetMaxOpenConns(opt.MaxOpenConns)
	}
	return open(ctx, db, postgres, readOnly, nil)
}

func createSchema(ctx context.Context, cfg *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrConnect, classify(err))
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("%w: create schema: %s", ErrConnect, classify(err))
	}
	return nil
}

// open finishes opening db; lock is the SQLite writer's writeLock (nil for
// none), closed with the DB.
func open(ctx context.Context, db *sql.DB, d dialect, readOnly bool, lock *writeLock) (*DB, error) {
	if err := ping(ctx, db); err != nil {
		lock.close()
		db.Close()
		return nil, fmt.Errorf("%w: %s", ErrConnect, classify(err))
	}
	s := &DB{db: db, dialect: d, lock: lock}
	if d == sqlite && !readOnly {
		s.writer = newGroupWriter(db, lock, s.wrap)
	}
	migrate := s.migrate
	if readOnly {
		migrate = s.checkVersion
	}
	if err := migrate(ctx); err != nil {
		s.closeWriter()
		db.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.closeWriter()
		db.Close()
		return nil, err
	}
	return s, nil
}

// ping checks the connection. A new SQLite connection switches the
// database to WAL mode, which can fail at once as busy, without waiting,
// while another process is opening the same file: then it tries again.
func ping(ctx context.Context, db *sql.DB) error {
	for attempt := 1; ; attempt++ {
		err := db.PingContext(ctx)
		if err == nil || attempt == 50 || !isBusy(err) {
			return err
		}
		select {
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sqliteBusy is SQLite's SQLITE_BUSY result code.
const sqliteBusy = 5

// Close closes the database; later calls fail with custos.ErrClosed.
func (s *DB) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.closeWriter()
	s.stmts.close()
	return s.db.Close()
}

// closeWriter stops the group writer, then closes its lock file.
func (s *DB) closeWriter() {
	if s.writer != nil {
		s.writer.close()
	}
	s.lock.close()
}

// SQL returns the underlying *sql.DB, for hosts that keep their own tables
// beside custos's and for benchmarks that compare with plain SQL.
func (s *DB) SQL() *sql.DB { return s.db }

// Keys returns the DB as a keys.Store.
func (s *DB) Keys() keys.Store { return (*keyStore)(s) }

// Ledger returns the DB as a keys.Ledger.
func (s *DB) Ledger() keys.Ledger { return (*ledger)(s) }

// Vault returns the DB as a vault.Store.
func (s *DB) Vault() vault.Store { return (*vaultStore)(s) }

// check reports ErrClosed after Close.
func (s *DB) check() error {
	if s.closed.Load() {
		return custos.ErrClosed
	}
	return nil
}

// wrap turns a database error into the package's error, mapping the error
// of a closed database to custos.ErrClosed.
func (s *DB) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if s.closed.Load() || errors.Is(err, sql.ErrConnDone) {
		return fmt.Errorf("sqlstore: %s: %w", op, custos.ErrClosed)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}
