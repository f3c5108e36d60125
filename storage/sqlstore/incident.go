package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// Incident returns the database as an incident.Store (tables of migration
// 0013).
func (s *DB) Incident() incident.Store { return (*incidentStore)(s) }

type incidentStore DB

var _ incident.Store = (*incidentStore)(nil)

func (t *incidentStore) open() (*DB, error) {
	s := (*DB)(t)
	return s, s.check()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const sqlInsertIncidentEntry = `INSERT INTO custos_incident_timeline (incident, seq, at, actor, role, action, detail, step_key)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

func entryArgs(id string, e incident.Entry) []any {
	return []any{id, e.Seq, micros(e.At), e.Actor.ID, string(e.Actor.Role), e.Action, e.Detail, e.Key}
}

func (t *incidentStore) Create(ctx context.Context, r incident.Record, first incident.Entry) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "create incident", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_incidents (id, version, state, drill, opened_at, body)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, r.ID, r.Version, int(r.State), boolInt(r.Drill), micros(r.Opened), r.Body))
		if err != nil {
			return s.wrap("create incident", err)
		}
		if n == 0 {
			return incident.ErrExists
		}
		_, err = q.ExecContext(ctx, sqlInsertIncidentEntry, entryArgs(r.ID, first)...)
		return s.wrap("create incident", err)
	})
}

const incidentColumns = `id, version, state, drill, opened_at, body`

func scanIncident(sc interface{ Scan(...any) error }) (incident.Record, error) {
	var r incident.Record
	var state, drill int
	var opened int64
	if err := sc.Scan(&r.ID, &r.Version, &state, &drill, &opened, &r.Body); err != nil {
		return incident.Record{}, err
	}
	r.State, r.Drill, r.Opened = incident.State(state), drill != 0, fromMicros(opened)
	return r, nil
}

func (t *incidentStore) Get(ctx context.Context, id string) (incident.Record, error) {
	s, err := t.open()
	if err != nil {
		return incident.Record{}, err
	}
	r, err := scanIncident(s.db.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM custos_incidents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return incident.Record{}, incident.ErrNotFound
	}
	return r, s.wrap("read incident", err)
}

func (t *incidentStore) List(ctx context.Context, after string, limit int) ([]incident.Record, error) {
	s, err := t.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+incidentColumns+` FROM custos_incidents WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, s.wrap("list incidents", err)
	}
	defer rows.Close()
	var out []incident.Record
	for rows.Next() {
		r, err := scanIncident(rows)
		if err != nil {
			return nil, s.wrap("list incidents", err)
		}
		out = append(out, r)
	}
	return out, s.wrap("list incidents", rows.Err())
}

func (t *incidentStore) Update(ctx context.Context, r incident.Record, e incident.Entry) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "update incident", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `UPDATE custos_incidents SET version = $1, state = $2, drill = $3, body = $4 WHERE id = $5 AND version = $6`,
			r.Version, int(r.State), boolInt(r.Drill), r.Body, r.ID, r.Version-1))
		if err != nil {
			return s.wrap("update incident", err)
		}
		if n == 0 {
			var one int
			err := q.QueryRowContext(ctx, `SELECT 1 FROM custos_incidents WHERE id = $1`, r.ID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return incident.ErrNotFound
			}
			if err != nil {
				return s.wrap("update incident", err)
			}
			return incident.ErrConflict
		}
		var last int64
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM custos_incident_timeline WHERE incident = $1`, r.ID).Scan(&last); err != nil {
			return s.wrap("update incident", err)
		}
		if e.Seq != last+1 {
			return incident.ErrConflict
		}
		var dup int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_incident_timeline WHERE incident = $1 AND step_key = $2`, r.ID, e.Key).Scan(&dup); err != nil {
			return s.wrap("update incident", err)
		}
		if dup > 0 {
			return incident.ErrConflict
		}
		_, err = q.ExecContext(ctx, sqlInsertIncidentEntry, entryArgs(r.ID, e)...)
		return s.wrap("update incident", err)
	})
}

const entryColumns = `seq, at, actor, role, action, detail, step_key`

func scanEntry(sc interface{ Scan(...any) error }) (incident.Entry, error) {
	var e incident.Entry
	var at int64
	var role string
	if err := sc.Scan(&e.Seq, &at, &e.Actor.ID, &role, &e.Action, &e.Detail, &e.Key); err != nil {
		return incident.Entry{}, err
	}
	e.At, e.Actor.Role = fromMicros(at), custos.Role(role)
	return e, nil
}

func (t *incidentStore) Timeline(ctx context.Context, id string, from int64, limit int) ([]incident.Entry, error) {
	s, err := t.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryColumns+` FROM custos_incident_timeline WHERE incident = $1 AND seq >= $2 ORDER BY seq LIMIT $3`, id, from, limit)
	if err != nil {
		return nil, s.wrap("read incident timeline", err)
	}
	defer rows.Close()
	var out []incident.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, s.wrap("read incident timeline", err)
		}
		out = append(out, e)
	}
	return out, s.wrap("read incident timeline", rows.Err())
}

func (t *incidentStore) EntryByKey(ctx context.Context, id, key string) (incident.Entry, bool, error) {
	s, err := t.open()
	if err != nil {
		return incident.Entry{}, false, err
	}
	e, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM custos_incident_timeline WHERE incident = $1 AND step_key = $2`, id, key))
	if errors.Is(err, sql.ErrNoRows) {
		return incident.Entry{}, false, nil
	}
	if err != nil {
		return incident.Entry{}, false, s.wrap("read incident timeline", err)
	}
	return e, true, nil
}

func (t *incidentStore) AddAffected(ctx context.Context, id string, subjects []custos.SubjectID) (int64, error) {
	s, err := t.open()
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.write(ctx, "add affected customers", func(ctx context.Context, q querier) error {
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM custos_incidents WHERE id = $1`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return incident.ErrNotFound
		} else if err != nil {
			return s.wrap("add affected customers", err)
		}
		for rest := subjects; len(rest) > 0; {
			chunk := rest[:min(len(rest), 256)]
			rest = rest[len(chunk):]
			var b strings.Builder
			b.WriteString(`INSERT INTO custos_incident_affected (incident, subject) VALUES `)
			args := make([]any, 0, 2*len(chunk))
			for i, sub := range chunk {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("($" + strconv.Itoa(2*i+1) + ", $" + strconv.Itoa(2*i+2) + ")")
				args = append(args, id, string(sub))
			}
			b.WriteString(` ON CONFLICT DO NOTHING`)
			if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
				return s.wrap("add affected customers", err)
			}
		}
		return s.wrap("count affected customers", q.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_incident_affected WHERE incident = $1`, id).Scan(&n))
	})
	return n, err
}

func (t *incidentStore) Affected(ctx context.Context, id string, after custos.SubjectID, limit int) ([]custos.SubjectID, error) {
	s, err := t.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT subject FROM custos_incident_affected WHERE incident = $1 AND subject > $2 ORDER BY subject LIMIT $3`, id, string(after), limit)
	if err != nil {
		return nil, s.wrap("read affected customers", err)
	}
	defer rows.Close()
	var out []custos.SubjectID
	for rows.Next() {
		var sub string
		if err := rows.Scan(&sub); err != nil {
			return nil, s.wrap("read affected customers", err)
		}
		out = append(out, custos.SubjectID(sub))
	}
	return out, s.wrap("read affected customers", rows.Err())
}

func (t *incidentStore) Revoke(ctx context.Context, r incident.Revocation) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "revoke actor", func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO custos_incident_revocations (actor, incident, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			r.Actor, r.Incident, micros(r.At))
		return s.wrap("revoke actor", err)
	})
}

// sqlRevoked reads one actor's revocation by primary key.
const sqlRevoked = `SELECT incident, at FROM custos_incident_revocations WHERE actor = $1`

func (t *incidentStore) Revoked(ctx context.Context, actor string) (incident.Revocation, bool, error) {
	s, err := t.open()
	if err != nil {
		return incident.Revocation{}, false, err
	}
	// The vault's gate asks on every call: the statement is prepared once
	// per DB, so that a read pays one keyed lookup, not its parsing too.
	stmt, err := s.stmts.cached(ctx, s.db, sqlRevoked)
	if err != nil {
		return incident.Revocation{}, false, s.wrap("read revocations", err)
	}
	r := incident.Revocation{Actor: actor}
	var at int64
	err = stmt.QueryRowContext(ctx, actor).Scan(&r.Incident, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return incident.Revocation{}, false, nil
	}
	if err != nil {
		return incident.Revocation{}, false, s.wrap("read revocations", err)
	}
	r.At = fromMicros(at)
	return r, true, nil
}
