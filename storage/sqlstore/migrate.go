package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// migrationData returns what fills, in the transaction of the migration
// numbered version, the rows SQL alone cannot derive from those already
// stored; nil for most migrations.
func migrationData(version int) func(context.Context, *sql.Tx) error {
	switch version {
	case 7:
		return backfillAuditLookup
	}
	return nil
}

// migration is one versioned schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the dialect's migrations in version order. File
// names are NNNN_name.sql; versions must be distinct.
func loadMigrations(d dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration file %q is not NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("sqlstore: two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// SchemaVersion is the highest migration version this package applies.
func SchemaVersion() int {
	ms, err := loadMigrations(sqlite)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies every migration not yet recorded, each in its own
// transaction, serialized against other processes migrating the same
// database.
func (s *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrConnect, err)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS custos_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at BIGINT  NOT NULL)`); err != nil {
		return fmt.Errorf("%w: create migrations table: %s", ErrConnect, classify(err))
	}
	for _, m := range ms {
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	var newest int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM custos_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("%w: read schema version: %s", ErrConnect, classify(err))
	}
	if len(ms) > 0 && newest > ms[len(ms)-1].version {
		return fmt.Errorf("%w: database schema version %d is newer than this custos (%d)", ErrConnect, newest, ms[len(ms)-1].version)
	}
	return nil
}

// checkVersion verifies, without changing anything, that the database has
// exactly this package's schema.
func (s *DB) checkVersion(ctx context.Context) error {
	var newest int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM custos_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("%w: not a custos database, or unreadable: %s", ErrConnect, classify(err))
	}
	if want := SchemaVersion(); newest != want {
		return fmt.Errorf("%w: database schema version %d, this custos reads %d (open it read-write once to migrate)", ErrConnect, newest, want)
	}
	return nil
}

func (s *DB) apply(ctx context.Context, m migration) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: migration %d: %s", ErrConnect, m.version, classify(err))
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if s.dialect == postgres {
		// Serialize concurrent openers of one schema; SQLite's immediate
		// transactions already do.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.custos_migrations'))`); err != nil {
			return fmt.Errorf("%w: migration lock: %s", ErrConnect, classify(err))
		}
	}
	var done int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_migrations WHERE version = $1`, m.version).Scan(&done)
	if err != nil {
		return fmt.Errorf("%w: migration %d: %s", ErrConnect, m.version, classify(err))
	}
	if done > 0 {
		return tx.Rollback()
	}
	if _, err = tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("%w: migration %d (%s) failed: %v", ErrConnect, m.version, m.name, err)
	}
	if fill := migrationData(m.version); fill != nil {
		if err = fill(ctx, tx); err != nil {
			return fmt.Errorf("%w: migration %d (%s) failed: %s", ErrConnect, m.version, m.name, classify(err))
		}
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO custos_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("%w: record migration %d: %s", ErrConnect, m.version, classify(err))
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("%w: commit migration %d: %s", ErrConnect, m.version, classify(err))
	}
	return nil
}

// write runs fn as one atomic write: on SQLite through the group writer,
// on PostgreSQL in a transaction of its own. fn must run its statements on
// the querier and context it is given, and wrap its own errors; on SQLite
// the context is detached from cancellation once the write has started.
func (s *DB) write(ctx context.Context, op string, fn func(ctx context.Context, q querier) error) error {
	return s.writeTx(ctx, op, false, fn)
}

// writeAlone is write for a large write: on SQLite it commits in a
// transaction of its own rather than sharing a group's.
func (s *DB) writeAlone(ctx context.Context, op string, fn func(ctx context.Context, q querier) error) error {
	return s.writeTx(ctx, op, true, fn)
}

func (s *DB) writeTx(ctx context.Context, op string, alone bool, fn func(ctx context.Context, q querier) error) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.writer != nil {
		return s.writer.do(ctx, func(tx *sql.Tx) error { return fn(context.WithoutCancel(ctx), tx) }, alone)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(op, err)
	}
	if err := fn(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	return s.wrap(op, tx.Commit())
}

// inTx runs fn as one atomic write, like write, giving it the transaction.
func (s *DB) inTx(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	return s.write(ctx, op, func(_ context.Context, q querier) error { return fn(q.(*sql.Tx)) })
}
