package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are the hot-path queries, prepared once per DB so that a read
// does not parse SQL.
type statements struct {
	getRecord *sql.Stmt
	getDEK    *sql.Stmt
	findIndex *sql.Stmt
}

const (
	// A read selects only what it uses: each column costs.
	sqlGetRecord = `SELECT envelope, version, updated_at, restricted, auth_version
		FROM custos_records WHERE subject = $1 AND record_type = $2`
	sqlGetDEK = `SELECT ref, kek_id, keyset, version, created_at, updated_at
		FROM custos_deks WHERE subject = $1`
	sqlFindIndex = `SELECT r.subject, r.envelope, r.version, r.updated_at, r.restricted, r.auth_version
		FROM custos_index i
		JOIN custos_records r ON r.subject = i.subject AND r.record_type = i.record_type
		WHERE i.index_name = $1 AND i.value = $2 AND i.record_type = $3
		ORDER BY i.subject`
)

func (s *DB) prepare(ctx context.Context) error {
	var err error
	if s.stmts.getRecord, err = s.db.PrepareContext(ctx, sqlGetRecord); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	if s.stmts.getDEK, err = s.db.PrepareContext(ctx, sqlGetDEK); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	if s.stmts.findIndex, err = s.db.PrepareContext(ctx, sqlFindIndex); err != nil {
		return fmt.Errorf("%w: prepare: %s", ErrConnect, classify(err))
	}
	return nil
}

func (st *statements) close() {
	for _, s := range []*sql.Stmt{st.getRecord, st.getDEK, st.findIndex} {
		if s != nil {
			s.Close()
		}
	}
}
