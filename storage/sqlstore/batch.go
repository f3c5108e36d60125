package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// batchChunk is how many keys one SELECT ... IN of a batch read carries.
const batchChunk = 512

// inSizes are the IN-list lengths the batch reads use, so that each needs
// a handful of prepared statements: a chunk is padded to the next size by
// repeating its last key, which changes no answer.
var inSizes = []int{1, 8, 64, batchChunk}

// padded returns args padded to the next of inSizes.
func padded(args []any) []any {
	for _, n := range inSizes {
		if len(args) <= n {
			for len(args) < n {
				args = append(args, args[len(args)-1])
			}
			return args
		}
	}
	return args
}

// bySubject returns the positions 0..n-1 ordered by subject: a batch
// takes its row and reference locks in that order, so that two batches
// over the same customers on PostgreSQL wait for each other instead of
// deadlocking.
func bySubject(n int, subject func(int) custos.SubjectID) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(string(subject(a)), string(subject(b))) })
	return order
}

// inList returns "($1, $2, ..., $n)", or on SQLite "(?, ?, ..., ?)":
// SQLite's driver looks every numbered parameter up by name, which costs
// the square of their number in a long list.
func (s *DB) inList(n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.dialect == sqlite {
			b.WriteByte('?')
			continue
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(i + 1))
	}
	b.WriteByte(')')
	return b.String()
}

// valuesList returns the VALUES list of rows rows of cols parameters
// each: "($1, $2), ($3, $4)", or on SQLite "(?, ?), (?, ?)" (see inList).
func valuesList(d dialect, rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			if d == sqlite {
				b.WriteByte('?')
				continue
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*cols + c + 1))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// typedValues is valuesList with each column cast on PostgreSQL, which
// cannot tell a parameter's type inside VALUES otherwise.
func typedValues(d dialect, rows int, casts ...string) string {
	if d == sqlite {
		return valuesList(d, rows, len(casts))
	}
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c, cast := range casts {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*len(casts) + c + 1))
			b.WriteString("::")
			b.WriteString(cast)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// rowChunk is how many rows one multi-row INSERT of a batch write carries.
const rowChunk = 256

// inChunks calls fn for each chunk of at most rowChunk of n positions.
func inChunks(n int, fn func(from, to int) error) error {
	for from := 0; from < n; from += rowChunk {
		if err := fn(from, min(n, from+rowChunk)); err != nil {
			return err
		}
	}
	return nil
}

// eachIn runs query, which ends in "IN ", once per chunk of keys with the
// chunk's IN list, and calls scan for each row: on q when q is a
// transaction, else on the DB with statements prepared once.
func eachIn[T any](ctx context.Context, s *DB, q querier, op, query string, keys []T, arg func(T) any, scan func(*sql.Rows) error) error {
	for len(keys) > 0 {
		n := min(len(keys), batchChunk)
		args := make([]any, n, batchChunk)
		for i, k := range keys[:n] {
			args[i] = arg(k)
		}
		keys = keys[n:]
		args = padded(args)
		text := query + s.inList(len(args))
		var rows *sql.Rows
		var err error
		if q == nil {
			var stmt *sql.Stmt
			if stmt, err = s.stmts.cached(ctx, s.db, text); err == nil {
				rows, err = stmt.QueryContext(ctx, args...)
			}
		} else {
			rows, err = q.QueryContext(ctx, text, args...)
		}
		if err != nil {
			return s.wrap(op, err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return s.wrap(op, err)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return s.wrap(op, err)
		}
	}
	return nil
}

func subjectArg(s custos.SubjectID) any { return string(s) }
func bytesArg(b []byte) any             { return b }

// refsIn returns which of refs are in table's ref column, reading in q.
func (s *DB) refsIn(ctx context.Context, q querier, op, table string, refs [][]byte) (map[string]bool, error) {
	found := map[string]bool{}
	err := eachIn(ctx, s, q, op, `SELECT ref FROM `+table+` WHERE ref IN `, refs, bytesArg, func(rows *sql.Rows) error {
		var ref []byte
		if err := rows.Scan(&ref); err != nil {
			return err
		}
		found[string(ref)] = true
		return nil
	})
	return found, err
}

// lockRefs takes the reference locks of a batch (PostgreSQL), in the
// order given.
func (s *DB) lockRefs(ctx context.Context, q querier, refs [][]byte) error {
	if s.dialect != postgres {
		return nil
	}
	for _, ref := range refs {
		if err := s.lockRef(ctx, q, ref); err != nil {
			return err
		}
	}
	return nil
}

func (k *keyStore) GetDEKs(ctx context.Context, subjects []custos.SubjectID) ([]keys.WrappedDEK, error) {
	s := k.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	var out []keys.WrappedDEK
	seen := map[string]bool{}
	err := eachIn(ctx, s, nil, "read DEKs", `SELECT subject, ref, grp, kek_id, keyset, version, created_at, updated_at
		FROM custos_deks WHERE subject IN `, subjects, subjectArg, func(rows *sql.Rows) error {
		var d keys.WrappedDEK
		var subject string
		var created, updated int64
		if err := rows.Scan(&subject, &d.Ref, &d.Group, &d.KEKID, &d.Keyset, &d.Version, &created, &updated); err != nil {
			return err
		}
		if !seen[subject] {
			seen[subject] = true
			d.Subject, d.Created, d.Updated = custos.SubjectID(subject), fromMicros(created), fromMicros(updated)
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

func (k *keyStore) CreateDEKs(ctx context.Context, ds []keys.WrappedDEK) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.writeAlone(ctx, "create DEKs", func(ctx context.Context, q querier) error {
		q, done := prepared(q)
		defer done()
		order := bySubject(len(ds), func(i int) custos.SubjectID { return ds[i].Subject })
		refs := make([][]byte, len(ds))
		for j, i := range order {
			refs[j] = ds[i].Ref
		}
		if err := s.lockRefs(ctx, q, refs); err != nil {
			return err
		}
		gone, err := s.refsIn(ctx, q, "read key tombstones", "custos_key_tombstones", refs)
		if err != nil {
			return err
		}
		subjects := make([]custos.SubjectID, len(order))
		for j, i := range order {
			subjects[j] = ds[i].Subject
		}
		have := map[string]bool{}
		err = eachIn(ctx, s, q, "read DEKs", `SELECT subject FROM custos_deks WHERE subject IN `, subjects, subjectArg, func(rows *sql.Rows) error {
			var subject string
			err := rows.Scan(&subject)
			have[subject] = true
			return err
		})
		if err != nil {
			return err
		}
		held := map[int64]string{} // group → the key checked in this transaction
		for _, i := range order {
			d := ds[i]
			switch {
			case gone[string(d.Ref)]:
				return &custos.ItemError{Index: i, Err: keys.ErrShredded}
			case have[string(d.Subject)]:
				return &custos.ItemError{Index: i, Err: keys.ErrExists}
			}
			if key, ok := held[d.Group]; !ok {
				if err := s.holdGroupKey(ctx, q, "create DEK", d); err != nil {
					return &custos.ItemError{Index: i, Err: err}
				}
				held[d.Group] = d.KEKID
			} else if key != d.KEKID {
				return &custos.ItemError{Index: i, Err: keys.ErrConflict}
			}
		}
		return inChunks(len(order), func(from, to int) error {
			args := make([]any, 0, 8*(to-from))
			for _, i := range order[from:to] {
				d := ds[i]
				args = append(args, string(d.Subject), d.Ref, d.Group, d.KEKID, d.Keyset, d.Version, micros(d.Created), micros(d.Updated))
			}
			n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_deks (subject, ref, grp, kek_id, keyset, version, created_at, updated_at) VALUES `+
				valuesList(s.dialect, to-from, 8)+` ON CONFLICT DO NOTHING`, args...))
			if err != nil {
				return s.wrap("create DEKs", err)
			}
			if n != int64(to-from) {
				// Another process created one meanwhile (PostgreSQL).
				return &custos.ItemError{Index: order[from], Err: keys.ErrExists}
			}
			return nil
		})
	})
}

func (l *ledger) FindShredded(ctx context.Context, refs [][]byte) ([][]byte, error) {
	s := (*DB)(l)
	if err := s.check(); err != nil {
		return nil, err
	}
	found, err := s.refsIn(ctx, nil, "read shred ledger", "custos_shred_ledger", refs)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, ref := range refs {
		if found[string(ref)] {
			out = append(out, ref)
			delete(found, string(ref))
		}
	}
	return out, nil
}

func (v *vaultStore) LookupSubjects(ctx context.Context, subjects []custos.SubjectID, refs [][]byte) ([]vault.SubjectLookup, error) {
	s := v.base()
	if err := s.check(); err != nil {
		return nil, err
	}
	found := make(map[custos.SubjectID]vault.Subject, len(subjects))
	err := eachIn(ctx, s, nil, "read subjects", `SELECT subject, ref, restricted, restriction_ground, restricted_at, created_at
		FROM custos_subjects WHERE subject IN `, subjects, subjectArg, func(rows *sql.Rows) error {
		var sub vault.Subject
		var subject string
		var since, created int64
		if err := rows.Scan(&subject, &sub.Ref, &sub.Restriction.Restricted, &sub.Restriction.Ground, &since, &created); err != nil {
			return err
		}
		sub.Subject, sub.Restriction.Since, sub.Created = custos.SubjectID(subject), fromMicros(since), fromMicros(created)
		found[sub.Subject] = sub
		return nil
	})
	if err != nil {
		return nil, err
	}
	gone, err := s.refsIn(ctx, nil, "read tombstones", "custos_tombstones", refs)
	if err != nil {
		return nil, err
	}
	out := make([]vault.SubjectLookup, len(subjects))
	for i, subject := range subjects {
		out[i].Subject, out[i].Found = found[subject]
		if i < len(refs) {
			out[i].Forgotten = gone[string(refs[i])]
		}
	}
	return out, nil
}

func (v *vaultStore) PutRecords(ctx context.Context, ws []vault.Write) error {
	s := v.base()
	if err := s.check(); err != nil {
		return err
	}
	return s.writeAlone(ctx, "write records", func(ctx context.Context, tx querier) error {
		tx, done := prepared(tx)
		defer done()
		order := bySubject(len(ws), func(i int) custos.SubjectID { return ws[i].Subject })
		refs := make([][]byte, len(ws))
		subjects := make([]custos.SubjectID, len(ws))
		for j, i := range order {
			refs[j], subjects[j] = ws[i].Ref, ws[i].Subject
		}
		if err := s.lockRefs(ctx, tx, refs); err != nil {
			return err
		}
		gone, err := s.refsIn(ctx, tx, "read tombstones", "custos_tombstones", refs)
		if err != nil {
			return err
		}
		// Which records exist: a new record has no index entries to
		// replace.
		exists := map[[2]string]bool{}
		err = eachIn(ctx, s, tx, "read records", `SELECT subject, record_type FROM custos_records WHERE subject IN `, subjects, subjectArg,
			func(rows *sql.Rows) error {
				var k [2]string
				if err := rows.Scan(&k[0], &k[1]); err != nil {
					return err
				}
				exists[k] = true
				return nil
			})
		if err != nil {
			return err
		}
		overwrite := true
		for _, i := range order {
			if gone[string(ws[i].Ref)] {
				return &custos.ItemError{Index: i, Err: vault.ErrForgotten}
			}
			overwrite = overwrite && ws[i].Expect == vault.ExpectAny
		}
		if overwrite {
			return s.putAll(ctx, tx, ws, order, exists)
		}
		for _, i := range order {
			w := ws[i]
			if !exists[[2]string{string(w.Subject), w.Type}] {
				w.ReplaceIndexes = nil
			}
			if err := s.writeRecord(ctx, tx, w); err != nil {
				return &custos.ItemError{Index: i, Err: err}
			}
		}
		return nil
	})
}

// putAll writes records that overwrite whatever is stored (ExpectAny), in
// order, with multi-row statements: subject entries, records, then index
// entries. exists names the records stored already, whose entries of the
// replaced indexes are deleted first.
func (s *DB) putAll(ctx context.Context, tx querier, ws []vault.Write, order []int, exists map[[2]string]bool) error {
	err := inChunks(len(order), func(from, to int) error {
		args := make([]any, 0, 3*(to-from))
		for _, i := range order[from:to] {
			w := ws[i]
			args = append(args, string(w.Subject), w.Ref, micros(w.Time))
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO custos_subjects (subject, ref, created_at) VALUES `+valuesList(s.dialect, to-from, 3)+`
			ON CONFLICT (subject) DO UPDATE SET ref = custos_subjects.ref`, args...)
		return s.wrap("write subjects", err)
	})
	if err != nil {
		return err
	}
	err = inChunks(len(order), func(from, to int) error {
		args := make([]any, 0, 4*(to-from))
		for _, i := range order[from:to] {
			w := ws[i]
			args = append(args, string(w.Subject), w.Type, w.Envelope, micros(w.Time))
		}
		n, err := affected(tx.ExecContext(ctx, `WITH v (subject, record_type, envelope, t) AS (VALUES `+
			typedValues(s.dialect, to-from, "text", "text", "bytea", "bigint")+`)
			INSERT INTO custos_records (subject, record_type, envelope, version, created_at, updated_at,
				restricted, restriction_ground, restricted_at, auth_version)
			SELECT v.subject, v.record_type, v.envelope, 1, v.t, v.t, s.restricted, s.restriction_ground, s.restricted_at, s.auth_version
			FROM v JOIN custos_subjects s ON s.subject = v.subject WHERE true
			ON CONFLICT (subject, record_type) DO UPDATE SET envelope = excluded.envelope,
				version = custos_records.version + 1, updated_at = excluded.updated_at`, args...))
		if err != nil {
			return s.wrap("write records", err)
		}
		if n != int64(to-from) {
			return s.wrap("write records", fmt.Errorf("%d of %d records written", n, to-from))
		}
		return nil
	})
	if err != nil {
		return err
	}
	type entry struct {
		w *vault.Write
		e vault.IndexEntry
	}
	var entries []entry
	for _, i := range order {
		w := &ws[i]
		if exists[[2]string{string(w.Subject), w.Type}] && len(w.ReplaceIndexes) > 0 {
			if err := s.replaceIndex(ctx, tx, w.Subject, w.Type, w.ReplaceIndexes, nil); err != nil {
				return &custos.ItemError{Index: i, Err: err}
			}
		}
		for _, e := range w.Index {
			entries = append(entries, entry{w, e})
		}
	}
	return inChunks(len(entries), func(from, to int) error {
		args := make([]any, 0, 5*(to-from))
		for _, x := range entries[from:to] {
			args = append(args, x.e.Index, x.e.Value, string(x.w.Subject), x.w.Type, x.e.Check)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO custos_index (index_name, value, subject, record_type, check_ct) VALUES `+
			valuesList(s.dialect, to-from, 5)+` ON CONFLICT DO NOTHING`, args...)
		return s.wrap("write index", err)
	})
}
