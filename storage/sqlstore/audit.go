package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/custos-go/custos/audit"
)

// auditStore is the DB's audit.Store.
type auditStore struct {
	db *DB

	once   sync.Once
	insert *sql.Stmt // one leaf
	head   *sql.Stmt // conditional head update
	batch  *sql.Stmt // PostgreSQL: the whole batch (sqlWriteBatchPostgres)
	err    error
}

var _ audit.Store = (*auditStore)(nil)

// Audit returns the DB as an audit.Store. Call it once and keep the
// result: each value prepares its own statements on first use.
//
// Appends serialise on the database's own lock: on SQLite they run in the
// DB's group writer, whose transactions begin IMMEDIATE (the database's
// write lock), sharing a commit with the other writes waiting, and
// processes waiting for that lock are woken when it is released (the
// writeLock file beside the database); on PostgreSQL each is a
// transaction that first locks the head row (SELECT ... FOR UPDATE) and
// writes the batch in one statement. Appenders in other processes wait for
// the lock; none fails because another appended first. The Log already
// groups its concurrent appends into one batch, including those made
// while it waited for the lock.
func (s *DB) Audit() audit.Store { return &auditStore{db: s} }

func (a *auditStore) base() *DB { return a.db }

// stmts prepares the statements of Append once: on PostgreSQL the one
// that writes a batch, on SQLite those of a head update and of one leaf.
func (a *auditStore) stmts(ctx context.Context) error {
	a.once.Do(func() {
		ctx := context.WithoutCancel(ctx)
		db := a.db.db
		if a.db.dialect == postgres {
			a.batch, a.err = db.PrepareContext(ctx, sqlWriteBatchPostgres)
			return
		}
		if a.insert, a.err = db.PrepareContext(ctx, sqlInsertLeaf); a.err != nil {
			return
		}
		a.head, a.err = db.PrepareContext(ctx, sqlUpdateHead)
	})
	return a.err
}

const (
	sqlInsertLeaf = `INSERT INTO custos_audit_entries (idx, entry, hashes) VALUES ($1, $2, $3)`
	sqlUpdateHead = `UPDATE custos_audit_head SET size = $1, checkpoint = $2 WHERE id = 1 AND size = $3`
	sqlReadHead   = `SELECT size, checkpoint FROM custos_audit_head WHERE id = 1`
)

// auditChunk is how many rows one INSERT or SELECT ... IN carries.
const auditChunk = 256

// auditInt converts an index or size for the database; the log never comes
// near 2^63 entries.
func auditInt(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}

func (a *auditStore) Append(ctx context.Context, extend audit.Extend) error {
	s := a.base()
	if err := s.check(); err != nil {
		return err
	}
	if err := a.stmts(ctx); err != nil {
		return s.wrap("prepare audit statements", err)
	}
	return s.inTx(ctx, "append audit entries", func(tx *sql.Tx) error {
		cq := cachedTx{s: s, tx: tx}
		// The head row is the append lock: on PostgreSQL FOR UPDATE takes
		// its row lock until commit; on SQLite the transaction already
		// holds the database's write lock.
		q := sqlReadHead
		if s.dialect == postgres {
			q += ` FOR UPDATE`
		}
		cur, err := scanHead(cq.QueryRowContext(ctx, q))
		if err != nil {
			return s.wrap("append audit entries", err)
		}
		b, err := extend(ctx, cur, txHashes{a: a, q: tx})
		if err != nil {
			return err
		}
		if err := audit.CheckBatch(cur.Size, b); err != nil {
			return err
		}
		if s.dialect == postgres {
			moved, err := writeBatchPostgres(ctx, tx, a.batch, b)
			if err != nil {
				return s.wrap("append audit entries", err)
			}
			if !moved {
				return audit.ErrConflict
			}
			return nil
		}
		n, err := affected(tx.StmtContext(ctx, a.head).ExecContext(ctx, auditInt(b.Head.Size), b.Head.Checkpoint, auditInt(b.First)))
		if err != nil {
			return s.wrap("append audit entries", err)
		}
		if n == 0 {
			return audit.ErrConflict
		}
		// SQLite: one statement per chunk, made holding the append lock,
		// which other processes wait for.
		for leaves := b.Leaves; len(leaves) > 0; {
			chunk := leaves[:min(len(leaves), auditChunk)]
			leaves = leaves[len(chunk):]
			if len(chunk) == 1 {
				l := chunk[0]
				_, err = tx.StmtContext(ctx, a.insert).ExecContext(ctx, auditInt(l.Index), l.Entry, l.Hashes)
			} else {
				_, err = cq.ExecContext(ctx, insertLeaves(s.dialect, len(chunk)), leafArgs(chunk)...)
			}
			if err != nil {
				return s.wrap("append audit entries", err)
			}
		}
		return s.wrap("append audit entries", writeLookups(ctx, cq, s.dialect, b.Leaves))
	})
}

// insertLeaves returns the INSERT of n leaves.
func insertLeaves(d dialect, n int) string {
	return `INSERT INTO custos_audit_entries (idx, entry, hashes) VALUES ` + valuesList(d, n, 3)
}

func leafArgs(leaves []audit.Leaf) []any {
	args := make([]any, 0, 3*len(leaves))
	for _, l := range leaves {
		args = append(args, auditInt(l.Index), l.Entry, l.Hashes)
	}
	return args
}

// txHashes reads hashes inside an append's transaction.
type txHashes struct {
	a *auditStore
	q querier
}

func (r txHashes) ReadHashes(ctx context.Context, indexes []uint64) ([][]byte, error) {
	return r.a.readHashes(ctx, r.q, indexes)
}

func scanHead(row *sql.Row) (audit.Head, error) {
	var h audit.Head
	var size int64
	err := row.Scan(&size, &h.Checkpoint)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Head{}, nil
	}
	if err != nil {
		return audit.Head{}, err
	}
	if size < 0 {
		return audit.Head{}, fmt.Errorf("sqlstore: audit head size is negative")
	}
	h.Size = uint64(size)
	if len(h.Checkpoint) == 0 {
		h.Checkpoint = nil
	}
	return h, nil
}

func (a *auditStore) Head(ctx context.Context) (audit.Head, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return audit.Head{}, err
	}
	h, err := scanHead(s.db.QueryRowContext(ctx, sqlReadHead))
	if err != nil {
		return audit.Head{}, s.wrap("read audit head", err)
	}
	return h, nil
}

func (a *auditStore) ReadLeaves(ctx context.Context, from uint64, limit int) ([]audit.Leaf, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	if limit <= 0 || from > math.MaxInt64 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT idx, entry, hashes FROM custos_audit_entries WHERE idx >= $1 ORDER BY idx LIMIT $2`,
		auditInt(from), limit)
	if err != nil {
		return nil, s.wrap("read audit entries", err)
	}
	defer rows.Close()
	out := make([]audit.Leaf, 0, min(limit, 1024))
	for rows.Next() {
		var l audit.Leaf
		var idx int64
		if err := rows.Scan(&idx, &l.Entry, &l.Hashes); err != nil {
			return nil, s.wrap("read audit entries", err)
		}
		if idx < 0 {
			return nil, fmt.Errorf("sqlstore: audit entry index is negative")
		}
		l.Index = uint64(idx)
		out = append(out, l)
	}
	return out, s.wrap("read audit entries", rows.Err())
}

func (a *auditStore) ReadHashes(ctx context.Context, indexes []uint64) ([][]byte, error) {
	if err := a.base().check(); err != nil {
		return nil, err
	}
	return a.readHashes(ctx, a.db.db, indexes)
}

func (a *auditStore) readHashes(ctx context.Context, db querier, indexes []uint64) ([][]byte, error) {
	out := make([][]byte, len(indexes))
	pos := make(map[int64][]int, len(indexes))
	for i, x := range indexes {
		pos[auditInt(x)] = append(pos[auditInt(x)], i)
	}
	keys := make([]int64, 0, len(pos))
	for k := range pos {
		keys = append(keys, k)
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), auditChunk)]
		keys = keys[len(chunk):]
		var q strings.Builder
		q.WriteString(`SELECT idx, hashes FROM custos_audit_entries WHERE idx IN (`)
		args := make([]any, len(chunk))
		for i, k := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("$" + strconv.Itoa(i+1))
			args[i] = k
		}
		q.WriteByte(')')
		if err := a.scanHashes(ctx, db, q.String(), args, pos, out); err != nil {
			return nil, err
		}
	}
	for i, h := range out {
		if h == nil {
			return nil, fmt.Errorf("sqlstore: audit leaf %d: %w", indexes[i], audit.ErrNotFound)
		}
	}
	return out, nil
}

func (a *auditStore) scanHashes(ctx context.Context, db querier, query string, args []any, pos map[int64][]int, out [][]byte) error {
	s := a.base()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return s.wrap("read audit hashes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return s.wrap("read audit hashes", err)
		}
		if h == nil {
			h = []byte{}
		}
		for _, i := range pos[idx] {
			out[i] = h
		}
	}
	return s.wrap("read audit hashes", rows.Err())
}

func (a *auditStore) SaveCheckpoint(ctx context.Context, c audit.SavedCheckpoint) error {
	s := a.base()
	if err := s.check(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO custos_audit_checkpoints (size, checkpoint, saved_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, auditInt(c.Size), c.Checkpoint, micros(c.Saved))
	return s.wrap("save audit checkpoint", err)
}

func (a *auditStore) ScanCheckpoints(ctx context.Context, from uint64, limit int) ([]audit.SavedCheckpoint, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	if limit <= 0 || from > math.MaxInt64 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT size, checkpoint, saved_at FROM custos_audit_checkpoints WHERE size >= $1 ORDER BY size LIMIT $2`,
		auditInt(from), limit)
	if err != nil {
		return nil, s.wrap("scan audit checkpoints", err)
	}
	defer rows.Close()
	var out []audit.SavedCheckpoint
	for rows.Next() {
		var c audit.SavedCheckpoint
		var size, saved int64
		if err := rows.Scan(&size, &c.Checkpoint, &saved); err != nil {
			return nil, s.wrap("scan audit checkpoints", err)
		}
		if size < 0 {
			return nil, fmt.Errorf("sqlstore: audit checkpoint size is negative")
		}
		c.Size, c.Saved = uint64(size), fromMicros(saved)
		out = append(out, c)
	}
	return out, s.wrap("scan audit checkpoints", rows.Err())
}

func (a *auditStore) CreateSigningKey(ctx context.Context, k audit.SigningKey) error {
	s := a.base()
	if err := s.check(); err != nil {
		return err
	}
	n, err := affected(s.db.ExecContext(ctx, `INSERT INTO custos_audit_signer (id, verifier, wrapped, created_at) VALUES (1, $1, $2, $3)
		ON CONFLICT DO NOTHING`, k.Verifier, k.Wrapped, micros(k.Created)))
	if err != nil {
		return s.wrap("create audit signing key", err)
	}
	if n == 0 {
		return audit.ErrExists
	}
	return nil
}

func (a *auditStore) SigningKey(ctx context.Context) (audit.SigningKey, error) {
	s := a.base()
	if err := s.check(); err != nil {
		return audit.SigningKey{}, err
	}
	var k audit.SigningKey
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT verifier, wrapped, created_at FROM custos_audit_signer WHERE id = 1`).Scan(&k.Verifier, &k.Wrapped, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.SigningKey{}, audit.ErrNotFound
	}
	if err != nil {
		return audit.SigningKey{}, s.wrap("read audit signing key", err)
	}
	k.Created = fromMicros(created)
	return k, nil
}
