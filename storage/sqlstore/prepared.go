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

// cachedTx is a querier over a transaction whose statements are prepared
// once per DB (statements.cached) and reused by every transaction: for the
// few statements of a hot write path, such as an audit append, which
// would otherwise be parsed on every call.
type cachedTx struct {
	s  *DB
	tx *sql.Tx
}

func (c cachedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := c.s.stmts.cached(ctx, c.s.db, query)
	if err != nil {
		return nil, err
	}
	return c.tx.StmtContext(ctx, st), nil
}

func (c cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}
