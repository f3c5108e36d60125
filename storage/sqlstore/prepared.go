package sqlstore

import (
	"context"
	"database/sql"
)

// preparedTx is a querier over a transaction that prepares each distinct
// statement once and reuses it: a batch write runs the same few statements
// for every item, and parsing them again each time cost more than running
// them.
type preparedTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// prepared returns q with statement reuse if q is a transaction, and a
// function releasing the statements.
func prepared(q querier) (querier, func()) {
	tx, ok := q.(*sql.Tx)
	if !ok {
		return q, func() {}
	}
	p := &preparedTx{tx: tx, stmts: map[string]*sql.Stmt{}}
	return p, p.close
}

func (p *preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := p.stmts[query]; ok {
		return s, nil
	}
	s, err := p.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = s
	return s, nil
}

func (p *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (p *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (p *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return p.tx.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return s.QueryRowContext(ctx, args...)
}

func (p *preparedTx) close() {
	for _, s := range p.stmts {
		s.Close()
	}
}
