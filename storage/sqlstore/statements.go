package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// statements are the hot-path queries, prepared once per DB so that a read
// does not parse SQL.
type statements struct {
	getRecord       *sql.Stmt
	getDEK          *sql.Stmt
	indexCandidates *sql.Stmt
	// batch holds the batch reads' statements, prepared on first use and
	// keyed by their text: a few sizes of IN list each (see padded).
	batch sync.Map
}

const (
	// A read selects only what it uses: each column costs.
	sqlGetRecord = `SELECT envelope, version, updated_at, restricted, auth_version
		FROM custos_records WHERE subject = $1 AND record_type = $2 AND NOT forgetting`
	sqlGetDEK = `SELECT ref, grp, kek_id, keyset, version, created_at, updated_at
		FROM custos_deks WHERE subject = $1`
	sqlIndexCandidates = `SELECT subject, check_ct FROM custos_index
		WHERE index_name = $1 AND value = $2 AND record_type = $3 ORDER BY subject`
)

func (s *DB) prepare(ctx context.Context) error {
	var err error
	if s.stmts.getRecord, err = s.db.PrepareContext(ctx, sqlGetRecord); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	if s.stmts.getDEK, err = s.db.PrepareContext(ctx, sqlGetDEK); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	if s.stmts.indexCandidates, err = s.db.PrepareContext(ctx, sqlIndexCandidates); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	return nil
}

func (st *statements) close() {
	for _, s := range []*sql.Stmt{st.getRecord, st.getDEK, st.indexCandidates} {
		if s != nil {
			s.Close()
		}
	}
	st.batch.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// cached returns the DB's prepared statement of query, preparing it once.
func (st *statements) cached(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if v, ok := st.batch.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	stmt, err := db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	if v, loaded := st.batch.LoadOrStore(query, stmt); loaded {
		stmt.Close()
		return v.(*sql.Stmt), nil
	}
	return stmt, nil
}
