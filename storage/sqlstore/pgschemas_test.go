package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/storage/sqlstore"
)

// TestMain drops the PostgreSQL schemas this run created once every test
// has ended.
func TestMain(m *testing.M) {
	code := m.Run()
	pgSchemas.dropAll()
	os.Exit(code)
}

// pgSchemas hands each PostgreSQL test a migrated, empty schema of this
// run. Creating a schema applies every migration (tens of DDL statements,
// most of a fixture's cost on PostgreSQL), so a schema a test has finished
// with is emptied and handed to the next test instead of being dropped:
// every table is truncated (a new relation file, so nothing of the earlier
// test stays in the heap) and refilled with the rows the migrations
// themselves insert, copied from a pristine schema migrated once. A schema
// whose tables or applied migrations differ from the pristine one after its
// test, or that cannot be emptied, is dropped instead.
var pgSchemas schemaPool

type schemaPool struct {
	mu       sync.Mutex
	admin    *sql.DB // opened by the first take, closed by dropAll
	prefix   string
	pristine string
	shape    string   // the pristine schema's shapeOf
	tables   []string // the pristine schema's tables, sorted
	seeded   []string // the tables the migrations put rows in
	free     []string
	all      []string
}

// take returns a schema for the test: an emptied one if there is one, a
// new one otherwise. release gives it back when the test ends.
func (p *schemaPool) take(t *testing.T, dsn string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.admin == nil {
		admin, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		p.admin, p.prefix = admin, "custos_test_"+randomSuffix(t)
	}
	if p.pristine == "" {
		name := p.prefix + "_pristine"
		p.all = append(p.all, name)
		db, err := sqlstore.OpenPostgres(context.Background(), dsn, &sqlstore.Options{Schema: name})
		require.NoError(t, err)
		require.NoError(t, db.Close())
		require.NoError(t, p.admin.QueryRow(`SELECT `+shapeOf(name)).Scan(&p.shape))
		p.tables = p.listTables(t, name)
		for _, tab := range p.tables {
			var n int
			require.NoError(t, p.admin.QueryRow(`SELECT count(*) FROM `+name+`.`+tab).Scan(&n))
			if n > 0 {
				p.seeded = append(p.seeded, tab)
			}
		}
		p.pristine = name
	}
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		return s
	}
	s := fmt.Sprintf("%s_%d", p.prefix, len(p.all))
	p.all = append(p.all, s)
	return s
}

// release empties the schema and puts it back, or drops it. Both run on
// one connection of their own, so that a failed reset's aborted
// transaction is rolled back on the connection that holds it.
func (p *schemaPool) release(schema string) {
	ctx := context.Background()
	conn, err := p.admin.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if p.reset(ctx, conn, schema) == nil {
		p.mu.Lock()
		p.free = append(p.free, schema)
		p.mu.Unlock()
		return
	}
	conn.ExecContext(ctx, `ROLLBACK`)
	conn.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
}

func (p *schemaPool) reset(ctx context.Context, conn *sql.Conn, schema string) error {
	var got string
	if err := conn.QueryRowContext(ctx, `SELECT `+shapeOf(schema)).Scan(&got); err != nil {
		return err
	}
	if got != p.shape {
		return fmt.Errorf("the schema's tables, indexes, triggers or migrations changed")
	}
	// One round trip. replica: the append-only triggers of the audit tables
	// and the foreign-key checks do not fire; this needs a superuser, as the
	// test server's postgres user is.
	var b strings.Builder
	b.WriteString("BEGIN; SET LOCAL session_replication_role = replica; SET LOCAL lock_timeout = '10s';\n")
	for _, tab := range p.tables {
		if tab != "custos_migrations" {
			fmt.Fprintf(&b, "DELETE FROM %s.%s;\n", schema, tab)
		}
	}
	for _, tab := range p.seeded {
		if tab != "custos_migrations" {
			fmt.Fprintf(&b, "INSERT INTO %s.%s SELECT * FROM %s.%s;\n", schema, tab, p.pristine, tab)
		}
	}
	b.WriteString("COMMIT;")
	_, err := conn.ExecContext(ctx, b.String())
	return err
}

func (p *schemaPool) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.admin == nil {
		return
	}
	for _, s := range p.all {
		p.admin.Exec(`DROP SCHEMA IF EXISTS ` + s + ` CASCADE`)
	}
	p.admin.Close()
}

func (p *schemaPool) listTables(t *testing.T, schema string) []string {
	t.Helper()
	tables, err := tableNames(p.admin, schema)
	require.NoError(t, err)
	return tables
}

// shapeOf is an SQL expression naming a schema's tables, indexes,
// triggers and applied migrations.
func shapeOf(schema string) string {
	return `(SELECT coalesce(string_agg(x, ',' ORDER BY x), '') FROM (
		SELECT 'r:' || tablename FROM pg_tables WHERE schemaname = '` + schema + `'
		UNION ALL SELECT 'i:' || indexname FROM pg_indexes WHERE schemaname = '` + schema + `'
		UNION ALL SELECT 't:' || tg.tgname || ':' || tg.tgenabled::text FROM pg_trigger tg
			JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = '` + schema + `' AND NOT tg.tgisinternal
		UNION ALL SELECT 'm:' || version || ':' || name FROM ` + schema + `.custos_migrations) s(x))`
}

func tableNames(admin *sql.DB, schema string) ([]string, error) {
	rows, err := admin.Query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TestSchemaPool: a schema comes back empty, with the migrations' own rows,
// and one whose shape a test changed is dropped, not handed out again.
func TestSchemaPool(t *testing.T) {
	postgresDSN(t)
	var used, altered string
	t.Run("use", func(t *testing.T) {
		db := openPostgres(t)
		require.NoError(t, db.SQL().QueryRow(`SELECT current_schema()`).Scan(&used))
		_, err := db.SQL().Exec(`INSERT INTO custos_tombstones (ref, certificate, created_at) VALUES ('\x01', '', 0)`)
		require.NoError(t, err)
	})
	t.Run("reuse-and-alter", func(t *testing.T) {
		db := openPostgres(t)
		require.NoError(t, db.SQL().QueryRow(`SELECT current_schema()`).Scan(&altered))
		require.Equal(t, used, altered, "the released schema is handed out again")
		var n int
		require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FROM custos_tombstones`).Scan(&n))
		require.Zero(t, n, "a released schema is empty")
		require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FROM custos_audit_head`).Scan(&n))
		require.Equal(t, 1, n, "the rows the migrations insert are back")
		_, err := db.SQL().Exec(`CREATE TABLE extra (x int)`)
		require.NoError(t, err)
	})
	var n int
	require.NoError(t, pgSchemas.admin.QueryRow(`SELECT count(*) FROM pg_namespace WHERE nspname = $1`, altered).Scan(&n))
	require.Zero(t, n, "an altered schema is dropped")
}
