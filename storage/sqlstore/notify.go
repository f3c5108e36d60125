package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// Notify returns the DB as a notify.Store.
func (s *DB) Notify() notify.Store { return (*notifyStore)(s) }

// notifyStore is the DB's notify.Store. Claims on PostgreSQL lock the rows
// they take with FOR UPDATE SKIP LOCKED, so that dispatchers in many
// processes claim disjoint messages without waiting on each other; SQLite
// serializes all writes already.
type notifyStore DB

var _ notify.Store = (*notifyStore)(nil)

const (
	messageColumns = `id, idem_key, subject, organisation, channel, template, params, actor_id, actor_role, purpose,
		request_id, state, attempts, base, next_at, owner, lease_until, reason, created_at, updated_at`
	attemptColumns = `message, n, owner, channel, started_at, finished_at, result, reason, provider_id, language, asked, confidence`
)

// dueAt is when an active message is next due, or 0.
func dueAt(m notify.Stored) int64 {
	switch m.State {
	case notify.StatePending:
		return micros(m.NextAt)
	case notify.StateClaimed:
		return micros(m.LeaseUntil)
	}
	return 0
}

func (n *notifyStore) Enqueue(ctx context.Context, m notify.Stored) (notify.Stored, bool, error) {
	s := (*DB)(n)
	params, err := encodeParams(m.Params)
	if err != nil {
		return notify.Stored{}, false, err
	}
	var got notify.Stored
	added := false
	err = s.write(ctx, "enqueue notification", func(ctx context.Context, q querier) error {
		k, err := affected(q.ExecContext(ctx, `INSERT INTO custos_notify_messages (`+messageColumns+`, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT DO NOTHING`,
			m.ID, m.Key, string(m.To.Subject), m.To.Organisation, string(m.Channel), string(m.Template), params,
			m.Sender.Actor.ID, string(m.Sender.Actor.Role), string(m.Sender.Purpose), m.Sender.RequestID,
			int(m.State), m.Attempts, m.Base, micros(m.NextAt), m.Owner, micros(m.LeaseUntil), m.Reason,
			micros(m.Created), micros(m.Updated), dueAt(m)))
		if err != nil {
			return s.wrap("enqueue notification", err)
		}
		if k == 1 {
			got, added = m, true
			return nil
		}
		got, err = getMessage(ctx, q, s, `idem_key = $1`, m.Key)
		return err
	})
	if err != nil {
		return notify.Stored{}, false, err
	}
	return got, added, nil
}

func getMessage(ctx context.Context, q querier, s *DB, where string, arg any) (notify.Stored, error) {
	m, err := scanMessage(q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM custos_notify_messages WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Stored{}, notify.ErrNotFound
	}
	if err != nil {
		return notify.Stored{}, s.wrap("read notification", err)
	}
	return m, nil
}

func scanMessage(row scanner) (notify.Stored, error) {
	var (
		m                                notify.Stored
		subject, channel, tpl, role, pur string
		params                           []byte
		state                            int
		next, lease, created, updated    int64
	)
	err := row.Scan(&m.ID, &m.Key, &subject, &m.To.Organisation, &channel, &tpl, &params, &m.Sender.Actor.ID, &role, &pur,
		&m.Sender.RequestID, &state, &m.Attempts, &m.Base, &next, &m.Owner, &lease, &m.Reason, &created, &updated)
	if err != nil {
		return notify.Stored{}, err
	}
	if m.Params, err = decodeParams(params); err != nil {
		return notify.Stored{}, err
	}
	m.To.Subject, m.Channel, m.Template = custos.SubjectID(subject), notify.Channel(channel), notify.TemplateID(tpl)
	m.Sender.Actor.Role, m.Sender.Purpose, m.State = custos.Role(role), custos.PurposeID(pur), notify.State(state)
	m.NextAt, m.LeaseUntil, m.Created, m.Updated = fromMicros(next), fromMicros(lease), fromMicros(created), fromMicros(updated)
	return m, nil
}

func (n *notifyStore) Get(ctx context.Context, id string) (notify.Stored, error) {
	s := (*DB)(n)
	if err := s.check(); err != nil {
		return notify.Stored{}, err
	}
	return getMessage(ctx, s.db, s, `id = $1`, id)
}

func (n *notifyStore) Claim(ctx context.Context, c notify.Claim) ([]notify.Stored, error) {
	s := (*DB)(n)
	var out []notify.Stored
	err := s.write(ctx, "claim notifications", func(ctx context.Context, q querier) error {
		out = out[:0]
		lock := ""
		if s.dialect == postgres {
			lock = ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := q.QueryContext(ctx, `SELECT id, state FROM custos_notify_messages
			WHERE due_at > 0 AND due_at <= $1 ORDER BY due_at, id LIMIT $2`+lock, micros(c.Now), c.Limit)
		if err != nil {
			return s.wrap("claim notifications", err)
		}
		type due struct {
			id    string
			state int
		}
		var ds []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.state); err != nil {
				rows.Close()
				return s.wrap("claim notifications", err)
			}
			ds = append(ds, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap("claim notifications", err)
		}
		for _, d := range ds {
			m, err := claimOne(ctx, q, s, c, d.id, d.state == int(notify.StateClaimed))
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimOne claims one due message and starts its attempt.
func claimOne(ctx context.Context, q querier, s *DB, c notify.Claim, id string, expired bool) (notify.Stored, error) {
	now := micros(c.Now)
	if expired {
		if _, err := q.ExecContext(ctx, `UPDATE custos_notify_attempts SET result = $1, finished_at = $2, reason = 'lease-expired'
			WHERE message = $3 AND result = $4`, int(notify.ResultAbandoned), now, id, int(notify.ResultInFlight)); err != nil {
			return notify.Stored{}, s.wrap("claim notifications", err)
		}
	}
	if _, err := q.ExecContext(ctx, `UPDATE custos_notify_messages SET state = $1, owner = $2, lease_until = $3, due_at = $3,
		attempts = attempts + 1, updated_at = $4 WHERE id = $5`, int(notify.StateClaimed), c.Owner, micros(c.Until), now, id); err != nil {
		return notify.Stored{}, s.wrap("claim notifications", err)
	}
	m, err := getMessage(ctx, q, s, `id = $1`, id)
	if err != nil {
		return notify.Stored{}, err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO custos_notify_attempts (`+attemptColumns+`)
		VALUES ($1, $2, $3, $4, $5, 0, $6, '', '', '', '', '')`, id, m.Attempts, c.Owner, string(m.Channel), now, int(notify.ResultInFlight)); err != nil {
		return notify.Stored{}, s.wrap("claim notifications", err)
	}
	return m, nil
}

func (n *notifyStore) Finish(ctx context.Context, f notify.Finish) error {
	s := (*DB)(n)
	a := f.Attempt
	var due, next int64
	if f.State == notify.StatePending {
		due, next = micros(f.NextAt), micros(f.NextAt)
	}
	return s.write(ctx, "finish notification", func(ctx context.Context, q querier) error {
		k, err := affected(q.ExecContext(ctx, `UPDATE custos_notify_messages SET state = $1, reason = $2, owner = '', lease_until = 0,
			due_at = $3, next_at = CASE WHEN CAST($4 AS BIGINT) > 0 THEN CAST($4 AS BIGINT) ELSE next_at END, updated_at = $5
			WHERE id = $6 AND state = $7 AND owner = $8 AND attempts = $9`,
			int(f.State), f.Reason, due, next, micros(a.Finished), f.ID, int(notify.StateClaimed), f.Owner, f.N))
		if err != nil {
			return s.wrap("finish notification", err)
		}
		if k != 1 {
			return notify.ErrLeaseLost
		}
		_, err = q.ExecContext(ctx, `UPDATE custos_notify_attempts SET finished_at = $1, result = $2, reason = $3, provider_id = $4,
			language = $5, asked = $6, confidence = $7 WHERE message = $8 AND n = $9`,
			micros(a.Finished), int(a.Result), a.Reason, a.ProviderID, a.Language, a.Asked, a.Confidence, f.ID, f.N)
		return s.wrap("finish notification", err)
	})
}

func (n *notifyStore) Attempts(ctx context.Context, id string) ([]notify.Attempt, error) {
	s := (*DB)(n)
	if err := s.check(); err != nil {
		return nil, err
	}
	var out []notify.Attempt
	err := readTx(ctx, s, func(q querier) error {
		if _, err := getMessage(ctx, q, s, `id = $1`, id); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+attemptColumns+` FROM custos_notify_attempts WHERE message = $1 ORDER BY n`, id)
		if err != nil {
			return s.wrap("read delivery records", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				a                 notify.Attempt
				channel           string
				started, finished int64
				result            int
			)
			if err := rows.Scan(&a.Message, &a.N, &a.Owner, &channel, &started, &finished, &result, &a.Reason, &a.ProviderID,
				&a.Language, &a.Asked, &a.Confidence); err != nil {
				return s.wrap("read delivery records", err)
			}
			a.Channel, a.Started, a.Finished, a.Result = notify.Channel(channel), fromMicros(started), fromMicros(finished), notify.Result(result)
			out = append(out, a)
		}
		return s.wrap("read delivery records", rows.Err())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readTx runs fn in a read-only transaction, so that its reads see one
// state.
func readTx(ctx context.Context, s *DB, fn func(q querier) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.dialect == postgres})
	if err != nil {
		return s.wrap("begin read", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func (n *notifyStore) Counts(ctx context.Context) (notify.Counts, error) {
	s := (*DB)(n)
	if err := s.check(); err != nil {
		return notify.Counts{}, err
	}
	c := notify.Counts{ByState: map[notify.State]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM custos_notify_messages GROUP BY state`)
	if err != nil {
		return notify.Counts{}, s.wrap("count notifications", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st, k int
		if err := rows.Scan(&st, &k); err != nil {
			return notify.Counts{}, s.wrap("count notifications", err)
		}
		c.ByState[notify.State(st)] = k
	}
	if err := rows.Err(); err != nil {
		return notify.Counts{}, s.wrap("count notifications", err)
	}
	var oldest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(created_at) FROM custos_notify_messages WHERE due_at > 0`).Scan(&oldest); err != nil {
		return notify.Counts{}, s.wrap("count notifications", err)
	}
	c.OldestPending = fromMicros(oldest.Int64)
	return c, nil
}

func (n *notifyStore) List(ctx context.Context, st notify.State, after string, limit int) ([]notify.Stored, error) {
	s := (*DB)(n)
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+messageColumns+` FROM custos_notify_messages
		WHERE state = $1 AND id > $2 ORDER BY id LIMIT $3`, int(st), after, limit)
	if err != nil {
		return nil, s.wrap("list notifications", err)
	}
	defer rows.Close()
	var out []notify.Stored
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, s.wrap("list notifications", err)
		}
		out = append(out, m)
	}
	return out, s.wrap("list notifications", rows.Err())
}

func (n *notifyStore) Retry(ctx context.Context, id string, now time.Time) error {
	s := (*DB)(n)
	t := micros(now)
	return s.write(ctx, "retry notification", func(ctx context.Context, q querier) error {
		k, err := affected(q.ExecContext(ctx, `UPDATE custos_notify_messages SET state = $1, reason = '', base = attempts,
			next_at = $2, due_at = $2, updated_at = $2 WHERE id = $3 AND state = $4`, int(notify.StatePending), t, id, int(notify.StateDead)))
		if err != nil {
			return s.wrap("retry notification", err)
		}
		if k == 1 {
			return nil
		}
		if _, err := getMessage(ctx, q, s, `id = $1`, id); err != nil {
			return err
		}
		return notify.ErrNotDead
	})
}

func (n *notifyStore) EraseSubject(ctx context.Context, subject custos.SubjectID) (int, error) {
	s := (*DB)(n)
	var removed int64
	err := s.write(ctx, "erase notifications", func(ctx context.Context, q querier) error {
		if _, err := q.ExecContext(ctx, `DELETE FROM custos_notify_attempts WHERE message IN
			(SELECT id FROM custos_notify_messages WHERE subject = $1)`, string(subject)); err != nil {
			return s.wrap("erase notifications", err)
		}
		var err error
		removed, err = affected(q.ExecContext(ctx, `DELETE FROM custos_notify_messages WHERE subject = $1`, string(subject)))
		return s.wrap("erase notifications", err)
	})
	return int(removed), err
}
