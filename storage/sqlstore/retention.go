package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// Retention returns the database as a retention.Store (tables of
// migrations 0011 and 0017).
func (s *DB) Retention() retention.Store { return (*retentionStore)(s) }

type retentionStore DB

var _ retention.Store = (*retentionStore)(nil)

func (r *retentionStore) open() (*DB, error) {
	s := (*DB)(r)
	return s, s.check()
}

const clockColumns = `subject, rule, record_type, started, keep_until, due, next_at`

func (r *retentionStore) PutClock(ctx context.Context, c retention.Clock) (bool, error) {
	s, err := r.open()
	if err != nil {
		return false, err
	}
	var stored bool
	err = s.write(ctx, "put retention clock", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_retention_clocks (`+clockColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (subject, rule) DO UPDATE SET record_type = excluded.record_type, started = excluded.started,
				keep_until = excluded.keep_until, due = excluded.due, next_at = excluded.next_at
			WHERE custos_retention_clocks.started <= excluded.started`,
			string(c.Subject), c.Rule, c.RecordType, micros(c.Started), micros(c.Keep), micros(c.Due), micros(c.Next)))
		stored = n > 0
		return s.wrap("put retention clock", err)
	})
	return stored, err
}

func (r *retentionStore) SetNext(ctx context.Context, subject custos.SubjectID, rule string, started, next time.Time) error {
	s, err := r.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "set retention clock", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `UPDATE custos_retention_clocks SET next_at = $1 WHERE subject = $2 AND rule = $3 AND started = $4`,
			micros(next), string(subject), rule, micros(started)))
		if err != nil || n == 1 {
			return s.wrap("set retention clock", err)
		}
		var rows int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_retention_clocks WHERE subject = $1 AND rule = $2`, string(subject), rule).Scan(&rows); err != nil {
			return s.wrap("set retention clock", err)
		}
		if rows == 0 {
			return retention.ErrNotFound
		}
		return retention.ErrConflict
	})
}

func (r *retentionStore) Clocks(ctx context.Context, subject custos.SubjectID) ([]retention.Clock, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+clockColumns+` FROM custos_retention_clocks WHERE subject = $1 ORDER BY rule`, string(subject))
	return scanClocks(s, rows, err)
}

func (r *retentionStore) DueClocks(ctx context.Context, at time.Time, after retention.DueKey, limit int) ([]retention.Clock, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlDueClocks, micros(at), micros(after.Next), string(after.Subject), after.Rule, limit)
	return scanClocks(s, rows, err)
}

// sqlDueClocks reads a page of the due-date index, which covers every
// column read (migration 0017).
const sqlDueClocks = `SELECT ` + clockColumns + ` FROM custos_retention_clocks
		WHERE next_at <= $1 AND (next_at, subject, rule) > ($2, $3, $4)
		ORDER BY next_at, subject, rule LIMIT $5`

func scanClocks(s *DB, rows *sql.Rows, err error) ([]retention.Clock, error) {
	const op = "read retention clocks"
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []retention.Clock
	for rows.Next() {
		var c retention.Clock
		var subject string
		var started, keep, due, next int64
		if err := rows.Scan(&subject, &c.Rule, &c.RecordType, &started, &keep, &due, &next); err != nil {
			return nil, s.wrap(op, err)
		}
		c.Subject = custos.SubjectID(subject)
		c.Started, c.Keep, c.Due, c.Next = fromMicros(started), fromMicros(keep), fromMicros(due), fromMicros(next)
		out = append(out, c)
	}
	return out, s.wrap(op, rows.Err())
}

func (r *retentionStore) DeleteClocks(ctx context.Context, subject custos.SubjectID) (int, error) {
	s, err := r.open()
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.write(ctx, "delete retention clocks", func(ctx context.Context, q querier) error {
		var err error
		n, err = affected(q.ExecContext(ctx, `DELETE FROM custos_retention_clocks WHERE subject = $1`, string(subject)))
		if err == nil {
			_, err = q.ExecContext(ctx, `DELETE FROM custos_retention_reviews WHERE subject = $1`, string(subject))
		}
		return s.wrap("delete retention clocks", err)
	})
	return int(n), err
}

func (r *retentionStore) Destroyed(ctx context.Context, subject custos.SubjectID, d retention.Destruction) error {
	s, err := r.open()
	if err != nil {
		return err
	}
	rules, err := encodeNames(d.Rules)
	if err != nil {
		return err
	}
	const op = "record destruction"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO custos_retention_destructions (ref, sweep, rules, at, certificate)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, d.Ref, d.Sweep, rules, micros(d.At), d.Certificate))
		if err != nil {
			return s.wrap(op, err)
		}
		if n == 0 {
			return retention.ErrConflict
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM custos_retention_clocks WHERE subject = $1`, string(subject))
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM custos_retention_reviews WHERE subject = $1`, string(subject))
		}
		return s.wrap(op, err)
	})
}

const destructionColumns = `ref, sweep, rules, at, certificate`

func (r *retentionStore) GetDestruction(ctx context.Context, ref string) (retention.Destruction, error) {
	s, err := r.open()
	if err != nil {
		return retention.Destruction{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+destructionColumns+` FROM custos_retention_destructions WHERE ref = $1`, ref)
	out, err := scanDestructions(s, rows, err)
	if err != nil {
		return retention.Destruction{}, err
	}
	if len(out) == 0 {
		return retention.Destruction{}, retention.ErrNotFound
	}
	return out[0], nil
}

func (r *retentionStore) Destructions(ctx context.Context, after string, limit int) ([]retention.Destruction, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+destructionColumns+` FROM custos_retention_destructions WHERE ref > $1 ORDER BY ref LIMIT $2`, after, limit)
	return scanDestructions(s, rows, err)
}

func scanDestructions(s *DB, rows *sql.Rows, err error) ([]retention.Destruction, error) {
	const op = "read destructions"
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []retention.Destruction
	for rows.Next() {
		var d retention.Destruction
		var rules string
		var at int64
		if err := rows.Scan(&d.Ref, &d.Sweep, &rules, &at, &d.Certificate); err != nil {
			return nil, s.wrap(op, err)
		}
		if d.Rules, err = decodeNames[string](rules); err != nil {
			return nil, s.wrap(op, err)
		}
		d.At = fromMicros(at)
		out = append(out, d)
	}
	return out, s.wrap(op, rows.Err())
}

func (r *retentionStore) PutHold(ctx context.Context, h retention.Hold) error {
	s, err := r.open()
	if err != nil {
		return err
	}
	subjects, err := encodeNames(h.Subjects)
	if err != nil {
		return err
	}
	types, err := encodeNames(h.RecordTypes)
	if err != nil {
		return err
	}
	everyone := 0
	if len(h.Subjects) == 0 {
		everyone = 1
	}
	const op = "put hold"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO custos_retention_holds
			(id, owner, reason, subjects, record_types, everyone, start_at, end_at, released_at, released_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
			h.ID, h.Owner, h.Reason, subjects, types, everyone, micros(h.Start), micros(h.End), micros(h.Released), h.ReleasedBy))
		if err != nil {
			return s.wrap(op, err)
		}
		if n == 0 {
			return retention.ErrConflict
		}
		for _, sub := range h.Subjects {
			if _, err := tx.ExecContext(ctx, `INSERT INTO custos_retention_hold_subjects (subject, hold_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
				string(sub), h.ID); err != nil {
				return s.wrap(op, err)
			}
		}
		return nil
	})
}

const holdColumns = `id, owner, reason, subjects, record_types, start_at, end_at, released_at, released_by`

func (r *retentionStore) GetHold(ctx context.Context, id string) (retention.Hold, error) {
	s, err := r.open()
	if err != nil {
		return retention.Hold{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+holdColumns+` FROM custos_retention_holds WHERE id = $1`, id)
	out, err := scanHolds(s, rows, err)
	if err != nil {
		return retention.Hold{}, err
	}
	if len(out) == 0 {
		return retention.Hold{}, retention.ErrNotFound
	}
	return out[0], nil
}

func (r *retentionStore) ReleaseHold(ctx context.Context, id string, at time.Time, by string) error {
	s, err := r.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "release hold", func(ctx context.Context, q querier) error {
		return conditional(ctx, q, s, "release hold", retention.ErrNotFound, retention.ErrConflict,
			`UPDATE custos_retention_holds SET released_at = $1, released_by = $2 WHERE id = $3 AND released_at = 0`,
			[]any{micros(at), by, id}, `SELECT COUNT(*) FROM custos_retention_holds WHERE id = $1`, id)
	})
}

func (r *retentionStore) Holds(ctx context.Context, subject custos.SubjectID, at time.Time) ([]retention.Hold, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+holdColumns+` FROM custos_retention_holds h
		WHERE released_at = 0 AND start_at <= $1 AND (end_at = 0 OR end_at > $1)
		AND (everyone = 1 OR EXISTS (SELECT 1 FROM custos_retention_hold_subjects hs WHERE hs.subject = $2 AND hs.hold_id = h.id))
		ORDER BY id`, micros(at), string(subject))
	return scanHolds(s, rows, err)
}

func (r *retentionStore) ListHolds(ctx context.Context, after string, limit int) ([]retention.Hold, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+holdColumns+` FROM custos_retention_holds WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	return scanHolds(s, rows, err)
}

func scanHolds(s *DB, rows *sql.Rows, err error) ([]retention.Hold, error) {
	const op = "read holds"
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []retention.Hold
	for rows.Next() {
		var h retention.Hold
		var subjects, types string
		var start, end, released int64
		if err := rows.Scan(&h.ID, &h.Owner, &h.Reason, &subjects, &types, &start, &end, &released, &h.ReleasedBy); err != nil {
			return nil, s.wrap(op, err)
		}
		if h.Subjects, err = decodeNames[custos.SubjectID](subjects); err != nil {
			return nil, s.wrap(op, err)
		}
		if h.RecordTypes, err = decodeNames[string](types); err != nil {
			return nil, s.wrap(op, err)
		}
		h.Start, h.End, h.Released = fromMicros(start), fromMicros(end), fromMicros(released)
		out = append(out, h)
	}
	return out, s.wrap(op, rows.Err())
}

func (r *retentionStore) SweepMark(ctx context.Context) (time.Time, error) {
	s, err := r.open()
	if err != nil {
		return time.Time{}, err
	}
	var mark int64
	err = s.db.QueryRowContext(ctx, `SELECT mark_at FROM custos_retention_sweep WHERE id = 1`).Scan(&mark)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMicros(mark), s.wrap("read sweep mark", err)
}

func (r *retentionStore) AdvanceSweep(ctx context.Context, at time.Time) error {
	s, err := r.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "advance sweep mark", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_retention_sweep (id, mark_at) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET mark_at = excluded.mark_at WHERE custos_retention_sweep.mark_at <= excluded.mark_at`, micros(at)))
		if err != nil {
			return s.wrap("advance sweep mark", err)
		}
		if n == 0 {
			return retention.ErrConflict
		}
		return nil
	})
}
