package sqlstore

import (
	"context"
	"database/sql"
)

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// conditional runs an update that applies only if a version matches, and
// tells a missing row (notFound) from a stale version (conflict) with the
// count query.
func conditional(ctx context.Context, q querier, s *DB, op string, notFound, conflict error,
	update string, args []any, count string, key any) error {
	n, err := affected(q.ExecContext(ctx, update, args...))
	if err != nil {
		return s.wrap(op, err)
	}
	if n == 1 {
		return nil
	}
	var rows int
	if err := q.QueryRowContext(ctx, count, key).Scan(&rows); err != nil {
		return s.wrap(op, err)
	}
	if rows == 0 {
		return notFound
	}
	return conflict
}
