package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"github.com/custos-go/custos/audit"
)

// sqlWriteBatchPostgres writes a whole audit batch in one statement, so that
// an append holds the head's row lock for three round trips (lock and read
// the head, write, commit), plus one read of the hashes when another
// process appended since: the conditional head update, the leaves, their
// lookup rows (with migration 0018's credential and instance, $15 and $16)
// and the periods named for the first time, each row set given as arrays. Nothing is inserted unless the head moved from $3, and the
// statement returns how many head rows it updated (0 or 1).
const sqlWriteBatchPostgres = `WITH h AS (
		UPDATE custos_audit_head SET size = $1, checkpoint = $2 WHERE id = 1 AND size = $3 RETURNING 1
	), e AS (
		INSERT INTO custos_audit_entries (idx, entry, hashes)
		SELECT * FROM unnest($4::bigint[], $5::bytea[], $6::bytea[]) WHERE EXISTS (SELECT FROM h)
	), k AS (
		INSERT INTO custos_audit_lookup (idx, at, actor, role, period, ref, credential, instance)
		SELECT * FROM unnest($7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::bytea[], $15::text[], $16::text[])
		WHERE EXISTS (SELECT FROM h)
	), p AS (
		INSERT INTO custos_audit_periods (period, first_idx)
		SELECT * FROM unnest($13::text[], $14::bigint[]) WHERE EXISTS (SELECT FROM h)
		ON CONFLICT DO NOTHING
	)
	SELECT count(*) FROM h`

// writeBatchPostgres writes b with sqlWriteBatchPostgres inside the append's
// transaction; it reports whether the head moved (false: b does not start
// at the stored size, and nothing was written).
func writeBatchPostgres(ctx context.Context, tx *sql.Tx, stmt *sql.Stmt, b audit.Batch) (bool, error) {
	n := len(b.Leaves)
	idx, at := make([]int64, n), make([]int64, n)
	entries, hashes, refs := make([][]byte, n), make([][]byte, n), make([][]byte, n)
	actors, roles, periods := make([]string, n), make([]string, n), make([]string, n)
	credentials, instances := make([]string, n), make([]string, n)
	var newPeriods []string
	var firsts []int64
	for i, l := range b.Leaves {
		k := l.Lookup
		idx[i], at[i] = auditInt(l.Index), micros(k.Time)
		entries[i], hashes[i] = l.Entry, l.Hashes
		actors[i], roles[i], periods[i] = k.Actor, string(k.Role), k.Period
		credentials[i], instances[i] = k.Credential, k.Instance
		if len(k.Ref) > 0 {
			refs[i] = k.Ref
			if !slices.Contains(newPeriods, k.Period) {
				newPeriods, firsts = append(newPeriods, k.Period), append(firsts, idx[i])
			}
		}
	}
	var moved int
	err := tx.StmtContext(ctx, stmt).QueryRowContext(ctx, auditInt(b.Head.Size), b.Head.Checkpoint, auditInt(b.First),
		idx, entries, hashes, idx, at, actors, roles, periods, refs, newPeriods, firsts, credentials, instances).Scan(&moved)
	return moved == 1, err
}
