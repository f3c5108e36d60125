package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

type keyStore DB

var _ keys.Store = (*keyStore)(nil)

func (k *keyStore) base() *DB { return (*DB)(k) }

func (k *keyStore) CreateDEK(ctx context.Context, d keys.WrappedDEK) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "create DEK", func(ctx context.Context, q querier) error { return s.createDEK(ctx, q, d) })
}

// createDEK stores one new DEK in q.
func (s *DB) createDEK(ctx context.Context, q querier, d keys.WrappedDEK) error {
	if err := s.checkKeyTombstone(ctx, q, d.Ref); err != nil {
		return err
	}
	if err := s.holdGroupKey(ctx, q, "create DEK", d); err != nil {
		return err
	}
	return s.insertDEK(ctx, q, d)
}

// insertDEK inserts one new DEK, whose checks are done, in q.
func (s *DB) insertDEK(ctx context.Context, q querier, d keys.WrappedDEK) error {
	n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_deks (subject, ref, grp, kek_id, keyset, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		string(d.Subject), d.Ref, d.Group, d.KEKID, d.Keyset, d.Version, micros(d.Created), micros(d.Updated)))
	if err != nil {
		return s.wrap("create DEK", err)
	}
	if n == 0 {
		return keys.ErrExists
	}
	return nil
}

func (k *keyStore) GetDEK(ctx context.Context, subject custos.SubjectID) (keys.WrappedDEK, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return keys.WrappedDEK{}, err
	}
	d := keys.WrappedDEK{Subject: subject}
	var created, updated int64
	err := s.stmts.getDEK.QueryRowContext(ctx, string(subject)).Scan(&d.Ref, &d.Group, &d.KEKID, &d.Keyset, &d.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return keys.WrappedDEK{}, keys.ErrNotFound
	}
	if err != nil {
		return keys.WrappedDEK{}, s.wrap("read DEK", err)
	}
	d.Created, d.Updated = fromMicros(created), fromMicros(updated)
	return d, nil
}

func (k *keyStore) UpdateDEK(ctx context.Context, d keys.WrappedDEK) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "update DEK", func(ctx context.Context, q querier) error {
		if err := s.holdGroupKey(ctx, q, "update DEK", d); err != nil {
			return err
		}
		return conditional(ctx, q, s, "update DEK", keys.ErrNotFound, keys.ErrConflict,
			`UPDATE custos_deks SET grp = $1, kek_id = $2, keyset = $3, version = $4, updated_at = $5 WHERE subject = $6 AND version = $7`,
			[]any{d.Group, d.KEKID, d.Keyset, d.Version, micros(d.Updated), string(d.Subject), d.Version - 1},
			`SELECT COUNT(*) FROM custos_deks WHERE subject = $1`, string(d.Subject))
	})
}

func (k *keyStore) DeleteDEK(ctx context.Context, subject custos.SubjectID) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "delete DEK", func(ctx context.Context, q querier) error {
		var ref []byte
		err := q.QueryRowContext(ctx, `SELECT ref FROM custos_deks WHERE subject = $1`, string(subject)).Scan(&ref)
		if errors.Is(err, sql.ErrNoRows) {
			return keys.ErrNotFound
		}
		if err != nil {
			return s.wrap("delete DEK", err)
		}
		if err := s.placeKeyTombstone(ctx, q, ref); err != nil {
			return err
		}
		n, err := affected(q.ExecContext(ctx, `DELETE FROM custos_deks WHERE subject = $1`, string(subject)))
		if err != nil {
			return s.wrap("delete DEK", err)
		}
		if n == 0 {
			return keys.ErrNotFound
		}
		return nil
	})
}

func (k *keyStore) DeleteDEKByRef(ctx context.Context, ref []byte) (bool, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return false, err
	}
	var n int64
	err := s.write(ctx, "delete DEK", func(ctx context.Context, q querier) (err error) {
		if err := s.placeKeyTombstone(ctx, q, ref); err != nil {
			return err
		}
		n, err = affected(q.ExecContext(ctx, `DELETE FROM custos_deks WHERE ref = $1`, ref))
		return s.wrap("delete DEK", err)
	})
	return n > 0, err
}

func (k *keyStore) ScanDEKs(ctx context.Context, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.scanDEKs(ctx, limit, `SELECT subject, ref, grp, kek_id, keyset, version, created_at, updated_at
		FROM custos_deks WHERE subject > $1 ORDER BY subject LIMIT $2`, string(after), limit)
}

// scanDEKs runs a query selecting whole DEK rows.
func (s *DB) scanDEKs(ctx context.Context, limit int, query string, args ...any) ([]keys.WrappedDEK, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("scan DEKs", err)
	}
	defer rows.Close()
	out := make([]keys.WrappedDEK, 0, limit)
	for rows.Next() {
		var d keys.WrappedDEK
		var subject string
		var created, updated int64
		if err := rows.Scan(&subject, &d.Ref, &d.Group, &d.KEKID, &d.Keyset, &d.Version, &created, &updated); err != nil {
			return nil, s.wrap("scan DEKs", err)
		}
		d.Subject, d.Created, d.Updated = custos.SubjectID(subject), fromMicros(created), fromMicros(updated)
		out = append(out, d)
	}
	return out, s.wrap("scan DEKs", rows.Err())
}

func (k *keyStore) CountDEKs(ctx context.Context) (int64, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_deks`).Scan(&n)
	return n, s.wrap("count DEKs", err)
}

func (k *keyStore) CreateKey(ctx context.Context, w keys.WrappedKey) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "create key", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_named_keys (name, kek_id, keyset, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			w.Name, w.KEKID, w.Keyset, w.Version, micros(w.Created), micros(w.Updated)))
		if err != nil {
			return s.wrap("create key", err)
		}
		if n == 0 {
			return keys.ErrExists
		}
		return nil
	})
}

func (k *keyStore) GetKey(ctx context.Context, name string) (keys.WrappedKey, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return keys.WrappedKey{}, err
	}
	w := keys.WrappedKey{Name: name}
	var created, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT kek_id, keyset, version, created_at, updated_at FROM custos_named_keys WHERE name = $1`, name).
		Scan(&w.KEKID, &w.Keyset, &w.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return keys.WrappedKey{}, keys.ErrNotFound
	}
	if err != nil {
		return keys.WrappedKey{}, s.wrap("read key", err)
	}
	w.Created, w.Updated = fromMicros(created), fromMicros(updated)
	return w, nil
}

func (k *keyStore) UpdateKey(ctx context.Context, w keys.WrappedKey) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "update key", func(ctx context.Context, q querier) error {
		return conditional(ctx, q, s, "update key", keys.ErrNotFound, keys.ErrConflict,
			`UPDATE custos_named_keys SET kek_id = $1, keyset = $2, version = $3, updated_at = $4 WHERE name = $5 AND version = $6`,
			[]any{w.KEKID, w.Keyset, w.Version, micros(w.Updated), w.Name, w.Version - 1},
			`SELECT COUNT(*) FROM custos_named_keys WHERE name = $1`, w.Name)
	})
}

func (k *keyStore) ListKeys(ctx context.Context) ([]keys.WrappedKey, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, kek_id, keyset, version, created_at, updated_at FROM custos_named_keys ORDER BY name`)
	if err != nil {
		return nil, s.wrap("list keys", err)
	}
	defer rows.Close()
	var out []keys.WrappedKey
	for rows.Next() {
		var w keys.WrappedKey
		var created, updated int64
		if err := rows.Scan(&w.Name, &w.KEKID, &w.Keyset, &w.Version, &created, &updated); err != nil {
			return nil, s.wrap("list keys", err)
		}
		w.Created, w.Updated = fromMicros(created), fromMicros(updated)
		out = append(out, w)
	}
	return out, s.wrap("list keys", rows.Err())
}

func (k *keyStore) DeleteKey(ctx context.Context, name string) error {
	s := k.base()
	return s.write(ctx, "delete key", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `DELETE FROM custos_named_keys WHERE name = $1`, name))
		if err != nil {
			return s.wrap("delete key", err)
		}
		if n == 0 {
			return keys.ErrNotFound
		}
		return nil
	})
}
