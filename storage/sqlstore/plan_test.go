package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx", to drop the test schema
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planCase is a statement whose plan must use an index: a planner change
// that stops using it fails here, not in production.
type planCase struct {
	name   string
	sqlite string // the SQLite statement
	pg     string // the PostgreSQL statement
	args   []string
	index  string // the index the plan must name
}

var planCases = []planCase{
	{
		name:   "delete one record's index entries",
		sqlite: sqlDeleteIndexSQLite, pg: sqlDeleteIndex,
		args:  []string{"S42", "customer", "mobile"},
		index: "custos_index_by_record",
	},
	{
		name:   "an actor's audit entries in a time window",
		sqlite: sqlLeavesByActor, pg: sqlLeavesByActor,
		args:  []string{"actor-7", "1000", "1060", "0", "256"},
		index: "custos_audit_by_actor",
	},
	{
		name:   "a role's audit entries in a time window",
		sqlite: sqlLeavesByRole, pg: sqlLeavesByRole,
		args:  []string{"role-3", "1000", "1060", "0", "256"},
		index: "custos_audit_by_role",
	},
	{
		name:   "a credential's audit entries in a time window",
		sqlite: sqlLeavesByCredential, pg: sqlLeavesByCredential,
		args:  []string{"key-8", "1000", "1060", "0", "256"},
		index: "custos_audit_by_credential",
	},
	{
		name:   "an application instance's audit entries in a time window",
		sqlite: sqlLeavesByInstance, pg: sqlLeavesByInstance,
		args:  []string{"api-3", "1000", "1060", "0", "256"},
		index: "custos_audit_by_instance",
	},
	{
		name:   "an actor's audit entries through one credential in a time window",
		sqlite: leavesBy("actor", "credential"), pg: leavesBy("actor", "credential"),
		args:  []string{"actor-8", "1000", "1060", "0", "256", "key-8"},
		index: "custos_audit_by_actor",
	},
	{
		name:   "a customer's audit entries in one period",
		sqlite: sqlLeavesByRef, pg: sqlLeavesByRef,
		args:  []string{"p-2", "ref-17", "0", "256"},
		index: "custos_audit_by_ref",
	},
	{
		name:   "a page of retention clocks due",
		sqlite: sqlDueClocks, pg: sqlDueClocks,
		args:  []string{"1000", "0", "", "", "256"},
		index: "custos_retention_clocks_due",
	},
	{
		name:   "a page of accuracy reviews due",
		sqlite: sqlDueReviews, pg: sqlDueReviews,
		args:  []string{"1000", "0", "", "", "256"},
		index: "custos_retention_reviews_by_due",
	},
}

// TestQueryPlans shows, with EXPLAIN on SQLite and PostgreSQL, that each
// statement above is answered through its index over a table holding rows
// of many records of the same index.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	engines := []struct {
		name string
		open func(t *testing.T) *DB
	}{
		{"sqlite", func(t *testing.T) *DB {
			db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "plan.db"), nil)
			require.NoError(t, err)
			return db
		}},
		{"postgres", openPlanPostgres},
	}
	for _, en := range engines {
		t.Run(en.name, func(t *testing.T) {
			db := en.open(t)
			defer db.Close()
			fillIndex(t, db)
			fillAuditLookup(t, db)
			fillRetention(t, db)
			for _, c := range planCases {
				t.Run(c.name, func(t *testing.T) {
					q := c.sqlite
					if db.dialect == postgres {
						q = c.pg
					}
					plan := explain(t, db, q, c.args)
					assert.Contains(t, plan, c.index, "the plan uses the index:\n%s", plan)
					assert.NotContains(t, strings.ToLower(plan), "seq scan", "no sequential scan:\n%s", plan)
					// PostgreSQL may sort the few rows it expects in a
					// window; under LIMIT that is a top-N heap of one page.
					assert.NotContains(t, plan, "TEMP B-TREE", "rows come in index order, unsorted:\n%s", plan)
					if db.dialect == sqlite {
						assert.Contains(t, plan, "SEARCH", "SQLite searches, not scans:\n%s", plan)
					}
				})
			}
		})
	}
}

// fillIndex writes 5,000 index entries of one index, for 5,000 records,
// and gathers statistics, as a deployment's planner would see them.
func fillIndex(t *testing.T, db *DB) {
	t.Helper()
	q := `INSERT INTO custos_index (index_name, value, subject, record_type, check_ct)
		SELECT 'mobile', CAST(n % 997 AS TEXT), 'S' || n, 'customer', X'00' FROM (%s)`
	gen := `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000) SELECT n FROM g`
	if db.dialect == postgres {
		q = `INSERT INTO custos_index (index_name, value, subject, record_type, check_ct)
			SELECT 'mobile', decode(lpad(to_hex(n % 997), 4, '0'), 'hex'), 'S' || n, 'customer', '\x00'::bytea FROM (%s) AS g(n)`
		gen = `SELECT generate_series(1, 5000)`
	} else {
		q = strings.Replace(q, "CAST(n % 997 AS TEXT)", "CAST(n % 997 AS BLOB)", 1)
	}
	_, err := db.db.Exec(strings.Replace(q, "%s", gen, 1))
	require.NoError(t, err)
	_, err = db.db.Exec(`ANALYZE`)
	require.NoError(t, err)
}

// fillAuditLookup writes 5,000 audit entries of 50 actors, 10 roles, 20
// credentials (a quarter of the entries name one), 7 application instances
// (half of them name one) and 1,000 customer references in 5 periods, with
// their lookup rows, and gathers statistics.
func fillAuditLookup(t *testing.T, db *DB) {
	t.Helper()
	gen := `WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < 4999) SELECT n FROM g`
	entries := `INSERT INTO custos_audit_entries (idx, entry, hashes) SELECT n, X'00', X'00' FROM (%s)`
	lookups := `INSERT INTO custos_audit_lookup (idx, at, actor, role, period, ref, credential, instance)
		SELECT n, n, 'actor-' || (n % 50), 'role-' || (n % 10), 'p-' || (n / 1000), CAST('ref-' || (n % 1000) AS BLOB),
			CASE WHEN n % 4 = 0 THEN 'key-' || (n % 20) ELSE '' END, CASE WHEN n % 2 = 1 THEN 'api-' || (n % 7) ELSE '' END FROM (%s)`
	if db.dialect == postgres {
		gen = `SELECT generate_series(0, 4999)`
		entries = `INSERT INTO custos_audit_entries (idx, entry, hashes) SELECT n, '\x00'::bytea, '\x00'::bytea FROM (%s) AS g(n)`
		lookups = `INSERT INTO custos_audit_lookup (idx, at, actor, role, period, ref, credential, instance)
			SELECT n, n, 'actor-' || (n % 50), 'role-' || (n % 10), 'p-' || (n / 1000), convert_to('ref-' || (n % 1000), 'UTF8'),
				CASE WHEN n % 4 = 0 THEN 'key-' || (n % 20) ELSE '' END, CASE WHEN n % 2 = 1 THEN 'api-' || (n % 7) ELSE '' END FROM (%s) AS g(n)`
	}
	for _, q := range []string{entries, lookups, `ANALYZE`} {
		_, err := db.db.Exec(strings.Replace(q, "%s", gen, 1))
		require.NoError(t, err)
	}
}

// explain returns the plan of q with its parameters written in as
// literals (EXPLAIN cannot always infer parameter types).
func explain(t *testing.T, db *DB, q string, args []string) string {
	t.Helper()
	for i := len(args); i >= 1; i-- {
		q = strings.ReplaceAll(q, "$"+string(rune('0'+i)), "'"+strings.ReplaceAll(args[i-1], "'", "''")+"'")
	}
	prefix := "EXPLAIN QUERY PLAN "
	if db.dialect == postgres {
		prefix = "EXPLAIN "
	}
	rows, err := db.db.Query(prefix + q)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var lines []string
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		lines = append(lines, string(vals[len(vals)-1])) // SQLite's detail, PostgreSQL's plan line
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

func openPlanPostgres(t *testing.T) *DB {
	t.Helper()
	dsn := os.Getenv("CUSTOS_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CUSTOS_TEST_POSTGRES_DSN is not set: skipping PostgreSQL tests (see DEVELOPERS.md)")
	}
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	schema := "custos_plan_" + hex.EncodeToString(b[:])
	db, err := OpenPostgres(context.Background(), dsn, &Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", dsn); err == nil {
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	return db
}

// fillRetention writes 5,000 retention clocks and reviews of 5,000
// customers, due one millisecond apart, and gathers statistics.
func fillRetention(t *testing.T, db *DB) {
	t.Helper()
	gen := `WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < 4999) SELECT n FROM g`
	from := "(" + gen + ")"
	if db.dialect == postgres {
		from = `generate_series(0, 4999) AS g(n)`
	}
	for _, q := range []string{
		`INSERT INTO custos_retention_clocks (subject, rule, record_type, started, keep_until, due, next_at)
			SELECT 'S' || n, 'aml-identity', 'identity', 0, 0, n * 1000, n * 1000 FROM ` + from,
		`INSERT INTO custos_retention_reviews (subject, record_type, reviewed, due)
			SELECT 'S' || n, 'identity', 0, n * 1000 FROM ` + from,
		`ANALYZE`,
	} {
		_, err := db.db.Exec(q)
		require.NoError(t, err)
	}
}
