package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// holdGroupKey checks, inside a DEK write's transaction, that a grouped
// DEK is written under its group's current key, and returns
// keys.ErrConflict if not. On PostgreSQL it holds the group row (FOR
// SHARE) until the write commits, so that an epoch close, which updates the
// row before it scans the group, sees every DEK written under the old key;
// SQLite's single writer gives the same order.
func (s *DB) holdGroupKey(ctx context.Context, q querier, op string, d keys.WrappedDEK) error {
	if d.Group == 0 {
		return nil
	}
	query := `SELECT key_name FROM custos_key_groups WHERE grp = $1`
	if s.dialect == postgres {
		query += ` FOR SHARE`
	}
	var key string
	err := q.QueryRowContext(ctx, query, d.Group).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) || err == nil && key != d.KEKID {
		return keys.ErrConflict
	}
	return s.wrap(op, err)
}

func (k *keyStore) ScanGroupDEKs(ctx context.Context, group int64, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.scanDEKs(ctx, limit, `SELECT subject, ref, grp, kek_id, keyset, version, created_at, updated_at
		FROM custos_deks WHERE grp = $1 AND subject > $2 ORDER BY subject LIMIT $3`, group, string(after), limit)
}

const groupColumns = `grp, epoch, key_name, retiring, dirty_since, opened_at, closed_at, version`

func (k *keyStore) CreateGroup(ctx context.Context, g keys.Group) error {
	s := k.base()
	return s.write(ctx, "create group", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_key_groups (`+groupColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			g.ID, g.Epoch, g.Key, g.Retiring, micros(g.DirtySince), micros(g.Opened), micros(g.Closed), g.Version))
		if err != nil {
			return s.wrap("create group", err)
		}
		if n == 0 {
			return keys.ErrExists
		}
		return nil
	})
}

func (k *keyStore) GetGroup(ctx context.Context, id int64) (keys.Group, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return keys.Group{}, err
	}
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM custos_key_groups WHERE grp = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return keys.Group{}, keys.ErrNotFound
	}
	return g, s.wrap("read group", err)
}

func (k *keyStore) UpdateGroup(ctx context.Context, g keys.Group) error {
	s := k.base()
	return s.write(ctx, "update group", func(ctx context.Context, q querier) error {
		return conditional(ctx, q, s, "update group", keys.ErrNotFound, keys.ErrConflict,
			`UPDATE custos_key_groups SET epoch = $1, key_name = $2, retiring = $3, dirty_since = $4, opened_at = $5, closed_at = $6, version = $7
			WHERE grp = $8 AND version = $9`,
			[]any{g.Epoch, g.Key, g.Retiring, micros(g.DirtySince), micros(g.Opened), micros(g.Closed), g.Version, g.ID, g.Version - 1},
			`SELECT COUNT(*) FROM custos_key_groups WHERE grp = $1`, g.ID)
	})
}

func (k *keyStore) DueGroups(ctx context.Context, dirtyBefore time.Time, after int64, limit int) ([]keys.Group, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+groupColumns+` FROM custos_key_groups
		WHERE (dirty_since > 0 OR retiring <> '') AND grp > $1 AND (retiring <> '' OR dirty_since <= $2)
		ORDER BY grp LIMIT $3`, after, micros(dirtyBefore), limit)
	if err != nil {
		return nil, s.wrap("due groups", err)
	}
	defer rows.Close()
	var out []keys.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, s.wrap("due groups", err)
		}
		out = append(out, g)
	}
	return out, s.wrap("due groups", rows.Err())
}

func scanGroup(row interface{ Scan(...any) error }) (keys.Group, error) {
	var g keys.Group
	var dirty, opened, closed int64
	if err := row.Scan(&g.ID, &g.Epoch, &g.Key, &g.Retiring, &dirty, &opened, &closed, &g.Version); err != nil {
		return keys.Group{}, err
	}
	g.DirtySince, g.Opened, g.Closed = fromMicros(dirty), fromMicros(opened), fromMicros(closed)
	return g, nil
}
