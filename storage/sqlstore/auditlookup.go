package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

var _ audit.IndexedStore = (*auditStore)(nil)

// The lookup statements. Each reads its rows through one index of
// migration 0007 or 0018 (plan_test.go shows it with EXPLAIN) and joins the
// entries by primary key.
var (
	sqlLeavesByActor      = leavesBy("actor")
	sqlLeavesByRole       = leavesBy("role")
	sqlLeavesByCredential = leavesBy("credential")
	sqlLeavesByInstance   = leavesBy("instance")
)

const (
	sqlLeavesByRef = `SELECT l.idx, l.at, l.actor, l.role, l.period, l.ref, l.credential, l.instance, e.entry, e.hashes
		FROM custos_audit_lookup l JOIN custos_audit_entries e ON e.idx = l.idx
		WHERE l.period = $1 AND l.ref = $2 AND l.idx >= $3
		ORDER BY l.period, l.ref, l.idx LIMIT $4`
	sqlRefPeriods   = `SELECT period FROM custos_audit_periods ORDER BY first_idx, period`
	sqlInsertPeriod = `INSERT INTO custos_audit_periods (period, first_idx) VALUES ($1, $2) ON CONFLICT DO NOTHING`
)

// partialKeys are the lookup columns whose index (migration 0018) holds
// only the rows that name one: a statement reading through it repeats the
// index's condition, so that the planner may use it.
var partialKeys = []string{"credential", "instance"}

// leavesBy returns the lookup of leaves by the column key, in (key, at,
// idx) order through key's index, with an equality filter on each of also:
// parameters $1 key, $2 since, $3 until, $4 the first index at since, $5
// limit, then one per column of also.
func leavesBy(key string, also ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `SELECT l.idx, l.at, l.actor, l.role, l.period, l.ref, l.credential, l.instance, e.entry, e.hashes
		FROM custos_audit_lookup l JOIN custos_audit_entries e ON e.idx = l.idx
		WHERE l.%[1]s = $1 AND l.at >= $2 AND l.at < $3 AND (l.at > $2 OR l.idx >= $4)`, key)
	if slices.Contains(partialKeys, key) {
		fmt.Fprintf(&b, ` AND l.%s <> ''`, key)
	}
	for i, col := range also {
		fmt.Fprintf(&b, ` AND l.%s = $%d`, col, 6+i)
	}
	fmt.Fprintf(&b, `
		ORDER BY l.%[1]s, l.at, l.idx LIMIT $5`, key)
	return b.String()
}

// lookupCols is the columns of one lookup row: those of migration 0007,
// then those migration 0018 added.
var lookupCols = []string{"idx", "at", "actor", "role", "period", "ref", "credential", "instance"}

// lookupCols0007 is how many of lookupCols migration 0007 created: its
// backfill writes those alone, before migration 0018 adds the others (no
// entry logged before then names a credential or an instance).
const lookupCols0007 = 6

// insertLookups returns the INSERT of n lookup rows of the first cols
// columns.
func insertLookups(d dialect, n, cols int) string {
	return `INSERT INTO custos_audit_lookup (` + strings.Join(lookupCols[:cols], ", ") + `) VALUES ` + valuesList(d, n, cols)
}

func lookupArgs(leaves []audit.Leaf, cols int) []any {
	args := make([]any, 0, cols*len(leaves))
	for _, l := range leaves {
		k := l.Lookup
		var ref any
		if len(k.Ref) > 0 {
			ref = k.Ref
		}
		row := []any{auditInt(l.Index), micros(k.Time), k.Actor, string(k.Role), k.Period, ref, k.Credential, k.Instance}
		args = append(args, row[:cols]...)
	}
	return args
}

// writeLookups indexes leaves inside the transaction that appends them:
// their lookup rows, and the periods they name for the first time. d
// chooses the parameter style (valuesList); any dialect takes $N.
func writeLookups(ctx context.Context, tx querier, d dialect, leaves []audit.Leaf) error {
	return writeLookupCols(ctx, tx, d, leaves, len(lookupCols))
}

// writeLookupCols is writeLookups writing the first cols columns.
func writeLookupCols(ctx context.Context, tx querier, d dialect, leaves []audit.Leaf, cols int) error {
	for rest := leaves; len(rest) > 0; {
		chunk := rest[:min(len(rest), auditChunk)]
		rest = rest[len(chunk):]
		if _, err := tx.ExecContext(ctx, insertLookups(d, len(chunk), cols), lookupArgs(chunk, cols)...); err != nil {
			return err
		}
	}
	var seen []string
	for _, l := range leaves {
		if len(l.Lookup.Ref) == 0 || slices.Contains(seen, l.Lookup.Period) {
			continue
		}
		seen = append(seen, l.Lookup.Period)
		if _, err := tx.ExecContext(ctx, sqlInsertPeriod, l.Lookup.Period, auditInt(l.Index)); err != nil {
			return err
		}
	}
	return nil
}

func (a *auditStore) ActorLeaves(ctx context.Context, q audit.ActorLookup, from audit.Position, limit int) ([]audit.Leaf, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	if limit <= 0 || !q.Keyed() || from.Index > math.MaxInt64 {
		return nil, nil
	}
	if from.Before(audit.Position{Time: q.Since}) {
		from = audit.Position{Time: q.Since}
	}
	until := int64(math.MaxInt64)
	if !q.Until.IsZero() {
		until = micros(q.Until)
	}
	start := int64(math.MinInt64)
	if !from.Time.IsZero() {
		start = micros(from.Time)
	}
	// The first key set, in this order, chooses the index read through;
	// the others filter in the same statement, so that a page is full
	// whenever more leaves follow.
	keys := []struct {
		col, val string
	}{{"actor", q.Actor}, {"credential", q.Credential}, {"instance", q.Instance}, {"role", string(q.Role)}}
	keys = slices.DeleteFunc(keys, func(k struct{ col, val string }) bool { return k.val == "" })
	var also []string
	args := []any{keys[0].val, start, until, auditInt(from.Index), limit}
	for _, k := range keys[1:] {
		also = append(also, k.col)
		args = append(args, k.val)
	}
	return a.scanLookups(ctx, leavesBy(keys[0].col, also...), args...)
}

func (a *auditStore) RefLeaves(ctx context.Context, period string, ref []byte, from uint64, limit int) ([]audit.Leaf, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	if limit <= 0 || len(ref) == 0 || from > math.MaxInt64 {
		return nil, nil
	}
	return a.scanLookups(ctx, sqlLeavesByRef, period, ref, auditInt(from), limit)
}

func (a *auditStore) scanLookups(ctx context.Context, stmt string, args ...any) ([]audit.Leaf, error) {
	s := a.base()
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, s.wrap("look up audit entries", err)
	}
	defer rows.Close()
	var out []audit.Leaf
	for rows.Next() {
		var l audit.Leaf
		var idx, at int64
		var role string
		if err := rows.Scan(&idx, &at, &l.Lookup.Actor, &role, &l.Lookup.Period, &l.Lookup.Ref,
			&l.Lookup.Credential, &l.Lookup.Instance, &l.Entry, &l.Hashes); err != nil {
			return nil, s.wrap("look up audit entries", err)
		}
		if idx < 0 {
			return nil, fmt.Errorf("sqlstore: audit entry index is negative")
		}
		l.Index, l.Lookup.Time, l.Lookup.Role = uint64(idx), fromMicros(at), custos.Role(role)
		if len(l.Lookup.Ref) == 0 {
			l.Lookup.Ref = nil
		}
		out = append(out, l)
	}
	return out, s.wrap("look up audit entries", rows.Err())
}

func (a *auditStore) RefPeriods(ctx context.Context) ([]string, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlRefPeriods)
	if err != nil {
		return nil, s.wrap("read audit periods", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, s.wrap("read audit periods", err)
		}
		out = append(out, p)
	}
	return out, s.wrap("read audit periods", rows.Err())
}

// backfillPage is how many entries logged before migration 0007 one
// statement indexes.
const backfillPage = 512

// backfillAuditLookup indexes the entries logged before migration 0007,
// inside the migration's transaction, so that no process appends (or looks
// up) before every entry is indexed. It decodes each entry; one that does
// not decode is indexed under empty keys (a query that reads it reports it
// as tampered, and verification does).
func backfillAuditLookup(ctx context.Context, tx *sql.Tx) error {
	for next := int64(0); ; {
		rows, err := tx.QueryContext(ctx, `SELECT idx, entry FROM custos_audit_entries WHERE idx >= $1 ORDER BY idx LIMIT $2`, next, backfillPage)
		if err != nil {
			return err
		}
		var leaves []audit.Leaf
		for rows.Next() {
			var idx int64
			var entry []byte
			if err := rows.Scan(&idx, &entry); err != nil {
				rows.Close()
				return err
			}
			l := audit.Leaf{Index: uint64(max(idx, 0))}
			if e, err := audit.ParseEntry(entry); err == nil {
				l.Lookup = e.Keys()
			}
			leaves = append(leaves, l)
			next = idx + 1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(leaves) == 0 {
			return nil
		}
		if err := writeLookupCols(ctx, tx, postgres, leaves, lookupCols0007); err != nil { // $N parameters: both dialects take them
			return err
		}
	}
}
