package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"slices"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// lockRef takes, on PostgreSQL, a transaction-scoped advisory lock keyed by
// a customer's reference. Every write that checks or places a tombstone
// takes it first, so that on READ COMMITTED the check runs after any
// concurrent placement has committed: a write racing a Forget either
// commits before the tombstone (and is deleted with the customer) or sees
// it. Two references sharing a lock key only wait for each other. SQLite
// serializes all writers already (BEGIN IMMEDIATE).
func (s *DB) lockRef(ctx context.Context, q querier, ref []byte) error {
	if s.dialect != postgres {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte("custos.tombstone"))
	h.Write(ref)
	_, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64()))
	return s.wrap("lock reference", err)
}

// refused reports whether query, given args, finds a row: a tombstone.
func (s *DB) refused(ctx context.Context, q querier, op, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, s.wrap(op, err)
}

// checkTombstone fails a vault write to a forgotten customer, by
// reference, with vault.ErrForgotten.
func (s *DB) checkTombstone(ctx context.Context, q querier, ref []byte) error {
	return s.checkRef(ctx, q, `SELECT 1 FROM custos_tombstones WHERE ref = $1`, ref, vault.ErrForgotten)
}

// checkRef takes the reference's lock and fails with refusal if query,
// given ref, finds a tombstone.
func (s *DB) checkRef(ctx context.Context, q querier, query string, ref []byte, refusal error) error {
	if err := s.lockRef(ctx, q, ref); err != nil {
		return err
	}
	gone, err := s.refused(ctx, q, "read tombstone", query, ref)
	if err == nil && gone {
		return refusal
	}
	return err
}

// checkSubjectTombstone fails a vault write to an existing customer, by
// subject, whose subject entry has a tombstone. The caller holds the
// subject entry's row lock on PostgreSQL, which PlaceTombstone takes too.
func (s *DB) checkSubjectTombstone(ctx context.Context, q querier, subject custos.SubjectID) error {
	gone, err := s.refused(ctx, q, "read tombstone", `SELECT 1 FROM custos_tombstones t JOIN custos_subjects s ON s.ref = t.ref
		WHERE s.subject = $1`, string(subject))
	if err == nil && gone {
		return vault.ErrForgotten
	}
	return err
}

// checkKeyTombstone fails the creation of a DEK for a shredded reference
// with keys.ErrShredded.
func (s *DB) checkKeyTombstone(ctx context.Context, q querier, ref []byte) error {
	return s.checkRef(ctx, q, `SELECT 1 FROM custos_key_tombstones WHERE ref = $1`, ref, keys.ErrShredded)
}

// placeKeyTombstone leaves the tombstone of a shredded reference.
func (s *DB) placeKeyTombstone(ctx context.Context, q querier, ref []byte) error {
	if err := s.lockRef(ctx, q, ref); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO custos_key_tombstones (ref) VALUES ($1) ON CONFLICT DO NOTHING`, ref)
	return s.wrap("write key tombstone", err)
}

func (v *vaultStore) GetTombstone(ctx context.Context, ref []byte) (vault.Tombstone, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return vault.Tombstone{}, err
	}
	t := vault.Tombstone{Ref: ref}
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT certificate, created_at, done FROM custos_tombstones WHERE ref = $1`, ref).
		Scan(&t.Certificate, &created, &t.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return vault.Tombstone{}, vault.ErrNotFound
	}
	if err != nil {
		return vault.Tombstone{}, s.wrap("read tombstone", err)
	}
	t.Created = fromMicros(created)
	return t, nil
}

func (v *vaultStore) PlaceTombstone(ctx context.Context, f vault.Fence) error {
	s := v.base()
	return s.write(ctx, "place tombstone", func(ctx context.Context, tx querier) error {
		if err := s.checkTombstone(ctx, tx, f.Tombstone.Ref); err != nil {
			return err
		}
		if err := s.lockSubject(ctx, tx, f.Subject); err != nil {
			return err
		}
		var restricted bool
		err := tx.QueryRowContext(ctx, `SELECT restricted FROM custos_subjects WHERE subject = $1`, string(f.Subject)).Scan(&restricted)
		switch {
		case err == nil && restricted:
			return vault.ErrRestricted
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return s.wrap("read subject", err)
		}
		held, entries, err := s.holding(ctx, tx, f.Subject)
		if err != nil {
			return err
		}
		if !slices.Equal(held, f.Records) || entries != f.IndexEntries {
			return vault.ErrConflict
		}
		cert := f.Tombstone.Certificate
		if cert == nil {
			cert = []byte{}
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO custos_tombstones (ref, certificate, created_at, done) VALUES ($1, $2, $3, $4)`,
			f.Tombstone.Ref, cert, micros(f.Tombstone.Created), false); err != nil {
			return s.wrap("place tombstone", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE custos_records SET forgetting = $1 WHERE subject = $2`, true, string(f.Subject))
		return s.wrap("place tombstone", err)
	})
}

// holding returns the versions of a customer's records, sorted by type, and
// the number of their index entries.
func (s *DB) holding(ctx context.Context, tx querier, subject custos.SubjectID) ([]vault.RecordVersion, int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT record_type, version FROM custos_records WHERE subject = $1 ORDER BY record_type`, string(subject))
	if err != nil {
		return nil, 0, s.wrap("read records", err)
	}
	defer rows.Close()
	var held []vault.RecordVersion
	for rows.Next() {
		var r vault.RecordVersion
		if err := rows.Scan(&r.Type, &r.Version); err != nil {
			return nil, 0, s.wrap("read records", err)
		}
		held = append(held, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.wrap("read records", err)
	}
	var entries int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_index WHERE subject = $1`, string(subject)).Scan(&entries)
	return held, entries, s.wrap("read index", err)
}

func (v *vaultStore) ForgetSubject(ctx context.Context, ref []byte, at time.Time) (vault.Deleted, error) {
	s := v.base()
	var d vault.Deleted
	err := s.write(ctx, "forget subject", func(ctx context.Context, tx querier) error {
		d = vault.Deleted{}
		if err := s.lockRef(ctx, tx, ref); err != nil {
			return err
		}
		var subject string
		err := tx.QueryRowContext(ctx, `SELECT subject FROM custos_subjects WHERE ref = $1`, ref).Scan(&subject)
		switch {
		case err == nil:
			if d, err = deleteSubject(ctx, tx, s, custos.SubjectID(subject)); err != nil {
				return err
			}
			d.Subject = true
		case !errors.Is(err, sql.ErrNoRows):
			return s.wrap("find subject", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO custos_tombstones (ref, certificate, created_at, done) VALUES ($1, $2, $3, $4)
			ON CONFLICT (ref) DO UPDATE SET done = excluded.done`, ref, []byte{}, micros(at), true)
		return s.wrap("mark tombstone", err)
	})
	return d, err
}
