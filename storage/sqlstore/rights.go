package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/custos-go/custos/rights"
)

// Rights returns the database as a rights.Store (tables of migration
// 0012, the subject index of 0015).
func (s *DB) Rights() rights.Store { return (*rightsStore)(s) }

type rightsStore DB

var _ rights.Store = (*rightsStore)(nil)

func (m *rightsStore) open() (*DB, error) {
	s := (*DB)(m)
	return s, s.check()
}

func openFlag(r rights.Request) int {
	if r.Open() {
		return 1
	}
	return 0
}

func (m *rightsStore) Create(ctx context.Context, r rights.Request, e rights.Entry) (rights.Request, bool, error) {
	s, err := m.open()
	if err != nil {
		return rights.Request{}, false, err
	}
	r.Version = 1
	doc, err := rights.EncodeRequest(r)
	if err != nil {
		return rights.Request{}, false, err
	}
	entry, err := rights.EncodeEntry(e)
	if err != nil {
		return rights.Request{}, false, err
	}
	const op = "create rights request"
	var got rights.Request
	created := false
	err = s.write(ctx, op, func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_rights_requests (id, subject, state, is_open, due, version, request)
			VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.SubjectKey(), r.State.String(), openFlag(r), micros(r.Due), doc))
		if err != nil {
			return s.wrap(op, err)
		}
		if n == 0 {
			got, err = getRequest(ctx, s, q, r.ID)
			return err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO custos_rights_history (request, seq, entry) VALUES ($1, 1, $2)`, r.ID, entry); err != nil {
			return s.wrap(op, err)
		}
		got, created = r, true
		return nil
	})
	if err != nil {
		return rights.Request{}, false, err
	}
	return got, created, nil
}

func getRequest(ctx context.Context, s *DB, q querier, id string) (rights.Request, error) {
	const op = "read rights request"
	var doc []byte
	err := q.QueryRowContext(ctx, `SELECT request FROM custos_rights_requests WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return rights.Request{}, rights.ErrNotFound
	}
	if err != nil {
		return rights.Request{}, s.wrap(op, err)
	}
	return rights.DecodeRequest(doc)
}

func (m *rightsStore) Get(ctx context.Context, id string) (rights.Request, error) {
	s, err := m.open()
	if err != nil {
		return rights.Request{}, err
	}
	return getRequest(ctx, s, s.db, id)
}

func (m *rightsStore) Advance(ctx context.Context, r rights.Request, e rights.Entry) error {
	s, err := m.open()
	if err != nil {
		return err
	}
	if e.Seq != r.Version {
		return rights.ErrConflict
	}
	doc, err := rights.EncodeRequest(r)
	if err != nil {
		return err
	}
	entry, err := rights.EncodeEntry(e)
	if err != nil {
		return err
	}
	const op = "advance rights request"
	return s.write(ctx, op, func(ctx context.Context, q querier) error {
		err := conditional(ctx, q, s, op, rights.ErrNotFound, rights.ErrConflict,
			`UPDATE custos_rights_requests SET state = $1, is_open = $2, due = $3, version = $4, request = $5, subject = $6 WHERE id = $7 AND version = $8`,
			[]any{r.State.String(), openFlag(r), micros(r.Due), r.Version, doc, r.SubjectKey(), r.ID, r.Version - 1},
			`SELECT COUNT(*) FROM custos_rights_requests WHERE id = $1`, r.ID)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `INSERT INTO custos_rights_history (request, seq, entry) VALUES ($1, $2, $3)`, r.ID, e.Seq, entry)
		return s.wrap(op, err)
	})
}

func (m *rightsStore) History(ctx context.Context, id string) ([]rights.Entry, error) {
	s, err := m.open()
	if err != nil {
		return nil, err
	}
	const op = "read rights history"
	rows, err := s.db.QueryContext(ctx, `SELECT entry FROM custos_rights_history WHERE request = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []rights.Entry
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, s.wrap(op, err)
		}
		e, err := rights.DecodeEntry(b)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	if len(out) == 0 {
		return nil, rights.ErrNotFound
	}
	return out, nil
}

// sqlRightsDue lists open requests in due order through the partial index
// of migration 0012: its cost follows the rows returned.
const sqlRightsDue = `SELECT request FROM custos_rights_requests
	WHERE is_open = 1 AND due <= $1 AND (due, id) > ($2, $3)
	ORDER BY due, id LIMIT $4`

func (m *rightsStore) Due(ctx context.Context, until time.Time, after rights.DueKey, limit int) ([]rights.Request, error) {
	s, err := m.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlRightsDue, micros(until), micros(after.Due), after.ID, limit)
	return scanRequests(s, rows, err)
}

func (m *rightsStore) List(ctx context.Context, after string, limit int) ([]rights.Request, error) {
	s, err := m.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT request FROM custos_rights_requests WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	return scanRequests(s, rows, err)
}

func scanRequests(s *DB, rows *sql.Rows, err error) ([]rights.Request, error) {
	const op = "read rights requests"
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []rights.Request
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, s.wrap(op, err)
		}
		r, err := rights.DecodeRequest(b)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, s.wrap(op, rows.Err())
}

// sqlRightsOfSubject lists a customer's requests through the subject index
// of migration 0015.
const sqlRightsOfSubject = `SELECT request FROM custos_rights_requests WHERE subject = $1 AND id > $2 ORDER BY id LIMIT $3`

func (m *rightsStore) OfSubject(ctx context.Context, key string, after string, limit int) ([]rights.Request, error) {
	s, err := m.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlRightsOfSubject, key, after, limit)
	return scanRequests(s, rows, err)
}
