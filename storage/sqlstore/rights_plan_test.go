package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRightsDuePlan shows, with EXPLAIN on SQLite and PostgreSQL, that the
// overdue and due-soon lists are answered through the partial due index of
// open requests, over a table of 20,000 requests of which one in ten is
// open (CUSTOS_PLAN_ROWS=1000000 for a million): the cost follows the
// requests listed, never the requests stored. A customer's requests are
// read through the subject index.
func TestRightsDuePlan(t *testing.T) {
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
			fillRights(t, db)
			plan := explain(t, db, sqlRightsDue, []string{"2000", "0", "", "256"})
			assert.Contains(t, plan, "custos_rights_requests_due", "the plan uses the due index:\n%s", plan)
			assert.NotContains(t, strings.ToLower(plan), "seq scan", "no sequential scan:\n%s", plan)
			assert.NotContains(t, plan, "TEMP B-TREE", "rows come in index order, unsorted:\n%s", plan)
			if db.dialect == sqlite {
				assert.Contains(t, plan, "SEARCH", "SQLite searches, not scans:\n%s", plan)
			}
			// A customer's requests, as the rights Eraser lists them,
			// through the subject index of migration 0015.
			plan = explain(t, db, sqlRightsOfSubject, []string{"C100", "", "256"})
			assert.Contains(t, plan, "custos_rights_requests_subject", "the plan uses the subject index:\n%s", plan)
			assert.NotContains(t, strings.ToLower(plan), "seq scan", "no sequential scan:\n%s", plan)
			assert.NotContains(t, plan, "TEMP B-TREE", "rows come in index order, unsorted:\n%s", plan)
		})
	}
}

// fillRights writes 20,000 requests (CUSTOS_PLAN_ROWS if set), one in ten open, due one microsecond
// apart, and gathers statistics.
func fillRights(t *testing.T, db *DB) {
	t.Helper()
	q := `INSERT INTO custos_rights_requests (id, subject, state, is_open, due, version, request)
		SELECT 'rq-' || n, 'C' || n, 'received', CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END, n, 1, X'00' FROM (%s)`
	n := "20000"
	if v := os.Getenv("CUSTOS_PLAN_ROWS"); v != "" {
		_, err := strconv.Atoi(v)
		require.NoError(t, err, "CUSTOS_PLAN_ROWS is a number of rows")
		n = v
	}
	gen := `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ` + n + `) SELECT n FROM g`
	if db.dialect == postgres {
		q = strings.Replace(q, "X'00' FROM (%s)", "'\\x00'::bytea FROM (%s) AS g(n)", 1)
		gen = `SELECT generate_series(1, ` + n + `)`
	}
	_, err := db.db.Exec(strings.Replace(q, "%s", gen, 1))
	require.NoError(t, err)
	_, err = db.db.Exec(`ANALYZE`)
	require.NoError(t, err)
}
