package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

type vaultStore DB

var _ vault.Store = (*vaultStore)(nil)

func (v *vaultStore) base() *DB { return (*DB)(v) }

func (v *vaultStore) GetRecord(ctx context.Context, subject custos.SubjectID, typ string) (vault.Stored, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return vault.Stored{}, err
	}
	r := vault.Stored{Subject: subject, Type: typ}
	var updated int64
	err := s.stmts.getRecord.QueryRowContext(ctx, string(subject), typ).Scan(
		&r.Envelope, &r.Version, &updated, &r.Restriction.Restricted, &r.AuthVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return vault.Stored{}, vault.ErrNotFound
	}
	if err != nil {
		return vault.Stored{}, s.wrap("read record", err)
	}
	r.Updated = fromMicros(updated)
	return r, nil
}

func (v *vaultStore) GetSubject(ctx context.Context, subject custos.SubjectID) (vault.Subject, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return vault.Subject{}, err
	}
	return getSubject(ctx, s.db, subject, s)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func getSubject(ctx context.Context, q querier, subject custos.SubjectID, s *DB) (vault.Subject, error) {
	sub := vault.Subject{Subject: subject}
	var since, created int64
	err := q.QueryRowContext(ctx, `SELECT ref, restricted, restriction_ground, restricted_at, created_at
		FROM custos_subjects WHERE subject = $1`, string(subject)).
		Scan(&sub.Ref, &sub.Restriction.Restricted, &sub.Restriction.Ground, &since, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return vault.Subject{}, vault.ErrNotFound
	}
	if err != nil {
		return vault.Subject{}, s.wrap("read subject", err)
	}
	sub.Restriction.Since, sub.Created = fromMicros(since), fromMicros(created)
	return sub, nil
}

func (v *vaultStore) SubjectRecords(ctx context.Context, subject custos.SubjectID) ([]vault.Stored, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	// One statement, so the subject entry and its records are one snapshot.
	rows, err := s.db.QueryContext(ctx, `SELECT s.restricted, s.restriction_ground, s.restricted_at, s.auth_version,
		r.record_type, r.envelope, r.version, r.created_at, r.updated_at,
		(SELECT COUNT(*) FROM custos_index i WHERE i.subject = r.subject AND i.record_type = r.record_type)
		FROM custos_subjects s LEFT JOIN custos_records r ON r.subject = s.subject
		WHERE s.subject = $1 AND NOT EXISTS (SELECT 1 FROM custos_tombstones t WHERE t.ref = s.ref)
		ORDER BY r.record_type`, string(subject))
	if err != nil {
		return nil, s.wrap("read records", err)
	}
	defer rows.Close()
	found := false
	var out []vault.Stored
	for rows.Next() {
		found = true
		var res vault.Restriction
		var since int64
		var typ sql.NullString
		var env []byte
		var version, created, updated sql.NullInt64
		var auth, entries int64
		if err := rows.Scan(&res.Restricted, &res.Ground, &since, &auth, &typ, &env, &version, &created, &updated, &entries); err != nil {
			return nil, s.wrap("read records", err)
		}
		if !typ.Valid {
			continue // a subject entry without records
		}
		res.Since = fromMicros(since)
		out = append(out, vault.Stored{Subject: subject, Type: typ.String, Envelope: env, Version: version.Int64,
			Created: fromMicros(created.Int64), Updated: fromMicros(updated.Int64), Restriction: res, AuthVersion: auth, IndexEntries: int(entries)})
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read records", err)
	}
	if !found {
		return nil, vault.ErrNotFound
	}
	return out, nil
}

// insertRecord inserts a record with a copy of its subject's restriction.
const insertRecord = `INSERT INTO custos_records (subject, record_type, envelope, version, created_at, updated_at,
		restricted, restriction_ground, restricted_at, auth_version)
	SELECT $1, $2, $3, 1, $4, $4, restricted, restriction_ground, restricted_at, auth_version
	FROM custos_subjects WHERE subject = $1`

func (v *vaultStore) PutRecord(ctx context.Context, w vault.Write) error {
	s := v.base()
	return s.write(ctx, "write record", func(ctx context.Context, tx querier) error { return s.putRecord(ctx, tx, w) })
}

// putRecord applies one vault.Write in tx.
func (s *DB) putRecord(ctx context.Context, tx querier, w vault.Write) error {
	if err := s.checkTombstone(ctx, tx, w.Ref); err != nil {
		return err
	}
	return s.writeRecord(ctx, tx, w)
}

// writeRecord applies one vault.Write in tx, whose tombstone check is
// done.
func (s *DB) writeRecord(ctx context.Context, tx querier, w vault.Write) error {
	t := micros(w.Time)
	if _, err := tx.ExecContext(ctx, `INSERT INTO custos_subjects (subject, ref, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (subject) DO UPDATE SET ref = custos_subjects.ref`, string(w.Subject), w.Ref, t); err != nil {
		return s.wrap("write subject", err)
	}
	var res sql.Result
	var err error
	switch w.Expect {
	case vault.ExpectAny:
		res, err = tx.ExecContext(ctx, insertRecord+`
			ON CONFLICT (subject, record_type) DO UPDATE SET envelope = excluded.envelope,
				version = custos_records.version + 1, updated_at = excluded.updated_at`,
			string(w.Subject), w.Type, w.Envelope, t)
	case vault.ExpectAbsent:
		res, err = tx.ExecContext(ctx, insertRecord+` ON CONFLICT DO NOTHING`,
			string(w.Subject), w.Type, w.Envelope, t)
	default:
		res, err = tx.ExecContext(ctx, `UPDATE custos_records SET envelope = $1, version = version + 1, updated_at = $2
			WHERE subject = $3 AND record_type = $4 AND version = $5`,
			w.Envelope, t, string(w.Subject), w.Type, w.Expect)
	}
	n, err := affected(res, err)
	if err != nil {
		return s.wrap("write record", err)
	}
	if n == 0 {
		return vault.ErrConflict
	}
	return s.replaceIndex(ctx, tx, w.Subject, w.Type, w.ReplaceIndexes, w.Index)
}

func (v *vaultStore) SetRestriction(ctx context.Context, subject custos.SubjectID, r vault.Restriction) error {
	s := v.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "write restriction", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `UPDATE custos_subjects SET restricted = $1, restriction_ground = $2, restricted_at = $3
			WHERE subject = $4`, r.Restricted, r.Ground, micros(r.Since), string(subject)))
		if err != nil {
			return s.wrap("write restriction", err)
		}
		if n == 0 {
			return vault.ErrNotFound
		}
		if err := s.checkSubjectTombstone(ctx, q, subject); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE custos_records SET restricted = $1, restriction_ground = $2, restricted_at = $3
			WHERE subject = $4`, r.Restricted, r.Ground, micros(r.Since), string(subject))
		return s.wrap("write restriction", err)
	})
}

func deleteSubject(ctx context.Context, tx querier, s *DB, subject custos.SubjectID) (vault.Deleted, error) {
	var d vault.Deleted
	if err := s.lockSubject(ctx, tx, subject); err != nil {
		return d, err
	}
	n, err := affected(tx.ExecContext(ctx, `DELETE FROM custos_index WHERE subject = $1`, string(subject)))
	if err != nil {
		return d, s.wrap("delete index", err)
	}
	d.IndexEntries = int(n)
	if n, err = affected(tx.ExecContext(ctx, `DELETE FROM custos_records WHERE subject = $1`, string(subject))); err != nil {
		return d, s.wrap("delete records", err)
	}
	d.Records = int(n)
	if n, err = affected(tx.ExecContext(ctx, `DELETE FROM custos_subjects WHERE subject = $1`, string(subject))); err != nil {
		return d, s.wrap("delete subject", err)
	}
	if n == 0 {
		return vault.Deleted{}, vault.ErrNotFound
	}
	return d, nil
}

// The delete of one record's index entries must use custos_index_by_record:
// the primary key's index_name prefix holds every record of the index.
// Without statistics SQLite would rather scan that prefix, so its statement
// names the index; plan_test.go checks both dialects' plans.
const (
	sqlDeleteIndex       = `DELETE FROM custos_index WHERE subject = $1 AND record_type = $2 AND index_name = $3`
	sqlDeleteIndexSQLite = `DELETE FROM custos_index INDEXED BY custos_index_by_record WHERE subject = $1 AND record_type = $2 AND index_name = $3`
)

// replaceIndex replaces one record's entries of the named indexes.
func (s *DB) replaceIndex(ctx context.Context, tx querier, subject custos.SubjectID, typ string, replace []string, entries []vault.IndexEntry) error {
	del := sqlDeleteIndex
	if s.dialect == sqlite {
		del = sqlDeleteIndexSQLite
	}
	for _, name := range replace {
		if _, err := tx.ExecContext(ctx, del, string(subject), typ, name); err != nil {
			return s.wrap("write index", err)
		}
	}
	for _, e := range entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO custos_index (index_name, value, subject, record_type, check_ct) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, e.Index, e.Value, string(subject), typ, e.Check); err != nil {
			return s.wrap("write index", err)
		}
	}
	return nil
}

// scanStored reads rows of (subject, envelope, version, created_at,
// updated_at, restricted, restriction_ground, restricted_at, auth_version).
func (s *DB) scanStored(rows *sql.Rows, typ, op string) ([]vault.Stored, error) {
	defer rows.Close()
	var out []vault.Stored
	for rows.Next() {
		r := vault.Stored{Type: typ}
		var subject string
		var created, updated, since int64
		if err := rows.Scan(&subject, &r.Envelope, &r.Version, &created, &updated,
			&r.Restriction.Restricted, &r.Restriction.Ground, &since, &r.AuthVersion); err != nil {
			return nil, s.wrap(op, err)
		}
		r.Subject = custos.SubjectID(subject)
		r.Created, r.Updated, r.Restriction.Since = fromMicros(created), fromMicros(updated), fromMicros(since)
		out = append(out, r)
	}
	return out, s.wrap(op, rows.Err())
}

func (v *vaultStore) IndexCandidates(ctx context.Context, typ, index string, value []byte) ([]vault.IndexCandidate, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.stmts.indexCandidates.QueryContext(ctx, index, value, typ)
	if err != nil {
		return nil, s.wrap("find index", err)
	}
	defer rows.Close()
	var out []vault.IndexCandidate
	for rows.Next() {
		var c vault.IndexCandidate
		var subject string
		if err := rows.Scan(&subject, &c.Check); err != nil {
			return nil, s.wrap("find index", err)
		}
		c.Subject = custos.SubjectID(subject)
		out = append(out, c)
	}
	return out, s.wrap("find index", rows.Err())
}

func (v *vaultStore) ScanRecords(ctx context.Context, typ string, after custos.SubjectID, limit int) ([]vault.Stored, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT subject, envelope, version, created_at, updated_at,
		restricted, restriction_ground, restricted_at, auth_version
		FROM custos_records WHERE record_type = $1 AND subject > $2 AND NOT forgetting ORDER BY subject LIMIT $3`, typ, string(after), limit)
	if err != nil {
		return nil, s.wrap("scan records", err)
	}
	return s.scanStored(rows, typ, "scan records")
}

func (v *vaultStore) SetIndex(ctx context.Context, subject custos.SubjectID, typ string, expect int64, replace []string, entries []vault.IndexEntry) error {
	s := v.base()
	return s.write(ctx, "write index", func(ctx context.Context, tx querier) error {
		if err := s.lockSubject(ctx, tx, subject); err != nil {
			return err
		}
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT version FROM custos_records WHERE subject = $1 AND record_type = $2`, string(subject), typ).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return vault.ErrNotFound
		}
		if err != nil {
			return s.wrap("write index", err)
		}
		if err := s.checkSubjectTombstone(ctx, tx, subject); err != nil {
			return err
		}
		if version != expect {
			return vault.ErrConflict
		}
		return s.replaceIndex(ctx, tx, subject, typ, replace, entries)
	})
}

func (v *vaultStore) DeleteIndex(ctx context.Context, index string) (int64, error) {
	s := v.base()
	var n int64
	err := s.write(ctx, "delete index", func(ctx context.Context, tx querier) (err error) {
		n, err = affected(tx.ExecContext(ctx, `DELETE FROM custos_index WHERE index_name = $1`, index))
		return s.wrap("delete index", err)
	})
	return n, err
}

// lockSubject takes, on PostgreSQL, the lock of a subject's entry, which
// every write to the subject's rows takes first: writes of one customer are
// serialized and cannot deadlock, and a record cannot be written for a
// subject entry being deleted. SQLite serializes all writes already.
func (s *DB) lockSubject(ctx context.Context, tx querier, subject custos.SubjectID) error {
	if s.dialect != postgres {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT 1 FROM custos_subjects WHERE subject = $1 FOR UPDATE`, string(subject))
	if err != nil {
		return s.wrap("lock subject", err)
	}
	return s.wrap("lock subject", rows.Close())
}

// bumpAuthVersion changes a subject's authorization version, in the same
// transaction as a change of its consents, so that an authorizer's cached
// answers for the old version are never used again.
func (s *DB) bumpAuthVersion(ctx context.Context, q querier, subject custos.SubjectID) error {
	if _, err := q.ExecContext(ctx, `UPDATE custos_subjects SET auth_version = auth_version + 1 WHERE subject = $1`, string(subject)); err != nil {
		return s.wrap("write authorization version", err)
	}
	_, err := q.ExecContext(ctx, `UPDATE custos_records SET auth_version = auth_version + 1 WHERE subject = $1`, string(subject))
	return s.wrap("write authorization version", err)
}
