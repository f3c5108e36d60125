package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

// Transfer returns the database as a transfer.Store (tables of migration
// 0014).
func (s *DB) Transfer() transfer.Store { return (*transferStore)(s) }

type transferStore DB

var _ transfer.Store = (*transferStore)(nil)

func (t *transferStore) open() (*DB, error) {
	s := (*DB)(t)
	return s, s.check()
}

// nonNil keeps NOT NULL byte columns non-null.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func (t *transferStore) CreatePlan(ctx context.Context, p transfer.StoredPlan) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "create transfer plan", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_transfer_plans
			(id, plan, digest, proposed, proposed_by, sealed_key, root, customers, finished)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			p.ID, p.Plan, p.Digest, micros(p.Proposed), p.By, nonNil(p.SealedKey), nonNil(p.Root), int64(p.Customers), micros(p.Finished)))
		if err != nil {
			return s.wrap("create transfer plan", err)
		}
		if n == 0 {
			return transfer.ErrExists
		}
		return nil
	})
}

func (t *transferStore) GetPlan(ctx context.Context, id string) (transfer.StoredPlan, error) {
	s, err := t.open()
	if err != nil {
		return transfer.StoredPlan{}, err
	}
	p := transfer.StoredPlan{ID: id}
	var proposed, customers, finished int64
	err = s.db.QueryRowContext(ctx, `SELECT plan, digest, proposed, proposed_by, sealed_key, root, customers, finished
		FROM custos_transfer_plans WHERE id = $1`, id).Scan(&p.Plan, &p.Digest, &proposed, &p.By, &p.SealedKey, &p.Root, &customers, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return transfer.StoredPlan{}, transfer.ErrNotFound
	}
	if err != nil {
		return transfer.StoredPlan{}, s.wrap("read transfer plan", err)
	}
	p.Proposed, p.Customers, p.Finished = fromMicros(proposed), uint64(customers), fromMicros(finished)
	if len(p.SealedKey) == 0 {
		p.SealedKey = nil
	}
	if len(p.Root) == 0 {
		p.Root = nil
	}
	return p, nil
}

func (t *transferStore) SetSealedKey(ctx context.Context, id string, sealed []byte) ([]byte, error) {
	s, err := t.open()
	if err != nil {
		return nil, err
	}
	var out []byte
	err = s.write(ctx, "set transfer key", func(ctx context.Context, q querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE custos_transfer_plans SET sealed_key = $1 WHERE id = $2 AND length(sealed_key) = 0`, sealed, id); err != nil {
			return s.wrap("set transfer key", err)
		}
		err := q.QueryRowContext(ctx, `SELECT sealed_key FROM custos_transfer_plans WHERE id = $1`, id).Scan(&out)
		if errors.Is(err, sql.ErrNoRows) {
			return transfer.ErrNotFound
		}
		return s.wrap("set transfer key", err)
	})
	return out, err
}

func (t *transferStore) SetExported(ctx context.Context, id string, root []byte, customers uint64) error {
	return t.update(ctx, "set transfer export", `UPDATE custos_transfer_plans SET root = $1, customers = $2 WHERE id = $3`, nonNil(root), int64(customers), id)
}

func (t *transferStore) SetFinished(ctx context.Context, id string, at time.Time) error {
	return t.update(ctx, "set transfer finished", `UPDATE custos_transfer_plans SET finished = CASE WHEN finished = 0 THEN $1 ELSE finished END WHERE id = $2`, micros(at), id)
}

// update runs a one-row update, reporting ErrNotFound when no row matched.
func (t *transferStore) update(ctx context.Context, op, query string, args ...any) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, op, func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, query, args...))
		if err != nil {
			return s.wrap(op, err)
		}
		if n == 0 {
			return transfer.ErrNotFound
		}
		return nil
	})
}

func (t *transferStore) AddApproval(ctx context.Context, a transfer.Approval) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	const op = "add transfer approval"
	return s.write(ctx, op, func(ctx context.Context, q querier) error {
		var plans int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_transfer_plans WHERE id = $1`, a.TransferID).Scan(&plans); err != nil {
			return s.wrap(op, err)
		}
		if plans == 0 {
			return transfer.ErrNotFound
		}
		var seq int64
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM custos_transfer_approvals WHERE transfer_id = $1`, a.TransferID).Scan(&seq); err != nil {
			return s.wrap(op, err)
		}
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_transfer_approvals (transfer_id, approver, role, digest, at, seq)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			a.TransferID, a.Approver.ID, string(a.Approver.Role), a.Digest, micros(a.At), seq))
		if err != nil {
			return s.wrap(op, err)
		}
		if n == 0 {
			return transfer.ErrExists
		}
		return nil
	})
}

func (t *transferStore) Approvals(ctx context.Context, id string) ([]transfer.Approval, error) {
	s, err := t.open()
	if err != nil {
		return nil, err
	}
	const op = "read transfer approvals"
	rows, err := s.db.QueryContext(ctx, `SELECT approver, role, digest, at FROM custos_transfer_approvals WHERE transfer_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []transfer.Approval
	for rows.Next() {
		a := transfer.Approval{TransferID: id}
		var role string
		var at int64
		if err := rows.Scan(&a.Approver.ID, &role, &a.Digest, &at); err != nil {
			return nil, s.wrap(op, err)
		}
		a.Approver.Role, a.At = custos.Role(role), fromMicros(at)
		out = append(out, a)
	}
	return out, s.wrap(op, rows.Err())
}

func (t *transferStore) CreateImport(ctx context.Context, im transfer.Import) error {
	s, err := t.open()
	if err != nil {
		return err
	}
	return s.write(ctx, "create transfer import", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_transfer_imports (id, root, customers, header, notices, started, done)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			im.ID, nonNil(im.Root), int64(im.Customers), nonNil(im.Header), nonNil(im.Notices), micros(im.Started), micros(im.Done)))
		if err != nil {
			return s.wrap("create transfer import", err)
		}
		if n == 0 {
			return transfer.ErrExists
		}
		return nil
	})
}

func (t *transferStore) GetImport(ctx context.Context, id string) (transfer.Import, error) {
	s, err := t.open()
	if err != nil {
		return transfer.Import{}, err
	}
	im := transfer.Import{ID: id}
	var customers, started, done int64
	err = s.db.QueryRowContext(ctx, `SELECT root, customers, header, notices, started, done FROM custos_transfer_imports WHERE id = $1`, id).
		Scan(&im.Root, &customers, &im.Header, &im.Notices, &started, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return transfer.Import{}, transfer.ErrNotFound
	}
	if err != nil {
		return transfer.Import{}, s.wrap("read transfer import", err)
	}
	im.Customers, im.Started, im.Done = uint64(customers), fromMicros(started), fromMicros(done)
	return im, nil
}

func (t *transferStore) FinishImport(ctx context.Context, id string, at time.Time) error {
	return t.update(ctx, "finish transfer import", `UPDATE custos_transfer_imports SET done = CASE WHEN done = 0 THEN $1 ELSE done END WHERE id = $2`, micros(at), id)
}
