package sqlstore

import (
	"context"

	"github.com/custos-go/custos/keys"
)

type ledger DB

var _ keys.Ledger = (*ledger)(nil)

func (l *ledger) AppendShred(ctx context.Context, e keys.ShredEntry) error {
	s := (*DB)(l)
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "append to shred ledger", func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO custos_shred_ledger (ref, shredded_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			e.Ref, micros(e.At))
		return s.wrap("append to shred ledger", err)
	})
}

func (l *ledger) IsShredded(ctx context.Context, ref []byte) (bool, error) {
	s := (*DB)(l)
	if err := s.check(); err != nil {
		return false, err
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_shred_ledger WHERE ref = $1`, ref).Scan(&n)
	return n > 0, s.wrap("read shred ledger", err)
}

func (l *ledger) ScanShreds(ctx context.Context, after []byte, limit int) ([]keys.ShredEntry, error) {
	s := (*DB)(l)
	if err := s.check(); err != nil {
		return nil, err
	}
	if after == nil {
		after = []byte{}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ref, shredded_at FROM custos_shred_ledger WHERE ref > $1 ORDER BY ref LIMIT $2`, after, limit)
	if err != nil {
		return nil, s.wrap("scan shred ledger", err)
	}
	defer rows.Close()
	var out []keys.ShredEntry
	for rows.Next() {
		var e keys.ShredEntry
		var at int64
		if err := rows.Scan(&e.Ref, &at); err != nil {
			return nil, s.wrap("scan shred ledger", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, s.wrap("scan shred ledger", rows.Err())
}
