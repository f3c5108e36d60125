package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// Consent returns the DB as a consent.Store. Call it once and keep the
// result: each value prepares its own hot-path statement on first use.
func (s *DB) Consent() consent.Store { return &consentStore{db: s} }

// consentStore is the DB's consent.Store. It reads every record from the
// database on every call and caches nothing, so that a withdrawal written
// by any process is seen by the next read of every other.
type consentStore struct {
	db *DB

	mu  sync.Mutex
	get atomic.Pointer[sql.Stmt]
}

var _ consent.Store = (*consentStore)(nil)

const (
	consentColumns = `record_id, state, notice_version, language, generation, minor,
		given_at, expires_at, refused_at, version, created_at, updated_at`
	sqlGetConsent = `SELECT ` + consentColumns + ` FROM custos_consents WHERE subject = $1 AND purpose = $2`
)

// stmt returns the prepared statement of GetConsent, preparing it on first
// use; a failed preparation is tried again on the next call.
func (c *consentStore) stmt(ctx context.Context) (*sql.Stmt, error) {
	if st := c.get.Load(); st != nil {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.get.Load(); st != nil {
		return st, nil
	}
	st, err := c.db.db.PrepareContext(ctx, sqlGetConsent)
	if err != nil {
		return nil, err
	}
	c.get.Store(st)
	return st, nil
}

func (c *consentStore) PutNotice(ctx context.Context, n consent.PublishedNotice) error {
	s := c.db
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "publish notice", func(ctx context.Context, q querier) error {
		added, err := affected(q.ExecContext(ctx, `INSERT INTO custos_consent_notices (version, notice_id, content, published_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, n.Version, n.Notice, n.Content, micros(n.Published)))
		if err != nil {
			return s.wrap("publish notice", err)
		}
		if added == 0 {
			return nil
		}
		for p, g := range n.Generations {
			if _, err := q.ExecContext(ctx, `INSERT INTO custos_consent_notice_purposes (version, purpose, generation)
				VALUES ($1, $2, $3)`, n.Version, string(p), g); err != nil {
				return s.wrap("publish notice", err)
			}
		}
		return nil
	})
}

func (c *consentStore) GetNotice(ctx context.Context, version string) (consent.PublishedNotice, error) {
	s := c.db
	if err := s.check(); err != nil {
		return consent.PublishedNotice{}, err
	}
	// A version and its generations are written in one transaction and
	// never change, so two plain reads see one consistent notice.
	n := consent.PublishedNotice{Version: version, Generations: map[custos.PurposeID]string{}}
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT notice_id, content, published_at FROM custos_consent_notices WHERE version = $1`,
		version).Scan(&n.Notice, &n.Content, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return consent.PublishedNotice{}, consent.ErrNotFound
	}
	if err != nil {
		return consent.PublishedNotice{}, s.wrap("read notice", err)
	}
	n.Published = fromMicros(at)
	rows, err := s.db.QueryContext(ctx, `SELECT purpose, generation FROM custos_consent_notice_purposes WHERE version = $1`, version)
	if err != nil {
		return consent.PublishedNotice{}, s.wrap("read notice", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, g string
		if err := rows.Scan(&p, &g); err != nil {
			return consent.PublishedNotice{}, s.wrap("read notice", err)
		}
		n.Generations[custos.PurposeID(p)] = g
	}
	if err := rows.Err(); err != nil {
		return consent.PublishedNotice{}, s.wrap("read notice", err)
	}
	return n, nil
}

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

// scanConsent reads the consentColumns of one row into r.
func scanConsent(row scanner, r *consent.Record) error {
	var state string
	var given, expires, refused, created, updated int64
	if err := row.Scan(&r.ID, &state, &r.Notice, &r.Language, &r.Generation, &r.Minor,
		&given, &expires, &refused, &r.Version, &created, &updated); err != nil {
		return err
	}
	st, err := consent.ParseState(state)
	if err != nil {
		return err
	}
	r.State = st
	r.Given, r.Expires, r.Refused = fromMicros(given), fromMicros(expires), fromMicros(refused)
	r.Created, r.Updated = fromMicros(created), fromMicros(updated)
	return nil
}

func (c *consentStore) GetConsent(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) (consent.Record, error) {
	s := c.db
	if err := s.check(); err != nil {
		return consent.Record{}, err
	}
	st, err := c.stmt(ctx)
	if err != nil {
		return consent.Record{}, s.wrap("prepare consent read", err)
	}
	r := consent.Record{Subject: subject, Purpose: purpose}
	err = scanConsent(st.QueryRowContext(ctx, string(subject), string(purpose)), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return consent.Record{}, consent.ErrNotFound
	}
	if err != nil {
		return consent.Record{}, s.wrap("read consent", err)
	}
	return r, nil
}

func (c *consentStore) SubjectConsents(ctx context.Context, subject custos.SubjectID) ([]consent.Record, error) {
	s := c.db
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT purpose, `+consentColumns+` FROM custos_consents
		WHERE subject = $1 ORDER BY purpose`, string(subject))
	if err != nil {
		return nil, s.wrap("read consents", err)
	}
	defer rows.Close()
	var out []consent.Record
	for rows.Next() {
		r := consent.Record{Subject: subject}
		var purpose string
		if err := scanConsent(prefixed{rows, &purpose}, &r); err != nil {
			return nil, s.wrap("read consents", err)
		}
		r.Purpose = custos.PurposeID(purpose)
		out = append(out, r)
	}
	return out, s.wrap("read consents", rows.Err())
}

// prefixed scans one extra leading column into first.
type prefixed struct {
	row   scanner
	first *string
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append([]any{p.first}, dest...)...) }

func (c *consentStore) History(ctx context.Context, subject custos.SubjectID, purpose custos.PurposeID) ([]consent.Entry, error) {
	s := c.db
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, action, state, actor_id, actor_role, channel, signal,
		notice_version, language, evidence, guardian_id, guardian_relation, reason, request_id
		FROM custos_consent_history WHERE subject = $1 AND purpose = $2 ORDER BY seq`, string(subject), string(purpose))
	if err != nil {
		return nil, s.wrap("read consent history", err)
	}
	defer rows.Close()
	var out []consent.Entry
	for rows.Next() {
		var e consent.Entry
		var at int64
		var action, state, role, signal string
		if err := rows.Scan(&e.Seq, &at, &action, &state, &e.Actor.ID, &role, &e.Channel, &signal,
			&e.Notice, &e.Language, &e.Evidence, &e.Guardian.ID, &e.Guardian.Relation, &e.Reason, &e.RequestID); err != nil {
			return nil, s.wrap("read consent history", err)
		}
		var err1, err2 error
		e.State, err1 = consent.ParseState(state)
		e.Signal, err2 = consent.ParseSignal(signal)
		if err := errors.Join(err1, err2); err != nil {
			return nil, s.wrap("read consent history", err)
		}
		e.Time, e.Action, e.Actor.Role = fromMicros(at), custos.Action(action), custos.Role(role)
		out = append(out, e)
	}
	return out, s.wrap("read consent history", rows.Err())
}

func (c *consentStore) Apply(ctx context.Context, writes []consent.Write) error {
	s := c.db
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "write consent", func(ctx context.Context, q querier) error {
		subjects := make([]custos.SubjectID, 0, len(writes))
		for _, w := range writes {
			subjects = append(subjects, w.Record.Subject)
		}
		if err := s.lockConsents(ctx, q, subjects...); err != nil {
			return err
		}
		for _, w := range writes {
			if err := checkErased(ctx, q, s, w.Ref); err != nil {
				return err
			}
		}
		for _, w := range writes {
			if err := applyConsent(ctx, q, s, w); err != nil {
				return err
			}
			if err := s.bumpAuthVersion(ctx, q, w.Record.Subject); err != nil {
				return err
			}
		}
		return nil
	})
}

func applyConsent(ctx context.Context, q querier, s *DB, w consent.Write) error {
	r := w.Record
	var n int64
	var err error
	if w.Expect == 0 {
		n, err = affected(q.ExecContext(ctx, `INSERT INTO custos_consents (subject, purpose, `+consentColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
			string(r.Subject), string(r.Purpose), r.ID, r.State.String(), r.Notice, r.Language, r.Generation, r.Minor,
			micros(r.Given), micros(r.Expires), micros(r.Refused), r.Version, micros(r.Created), micros(r.Updated)))
	} else {
		n, err = affected(q.ExecContext(ctx, `UPDATE custos_consents SET state = $1, notice_version = $2, language = $3,
			generation = $4, minor = $5, given_at = $6, expires_at = $7, refused_at = $8, version = $9, updated_at = $10
			WHERE subject = $11 AND purpose = $12 AND version = $13`,
			r.State.String(), r.Notice, r.Language, r.Generation, r.Minor, micros(r.Given), micros(r.Expires),
			micros(r.Refused), r.Version, micros(r.Updated), string(r.Subject), string(r.Purpose), w.Expect))
	}
	if err != nil {
		return s.wrap("write consent", err)
	}
	if n == 0 {
		return consent.ErrConflict
	}
	e := w.Entry
	_, err = q.ExecContext(ctx, `INSERT INTO custos_consent_history (subject, purpose, seq, at, action, state,
		actor_id, actor_role, channel, signal, notice_version, language, evidence, guardian_id, guardian_relation,
		reason, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		string(r.Subject), string(r.Purpose), e.Seq, micros(e.Time), string(e.Action), e.State.String(),
		e.Actor.ID, string(e.Actor.Role), e.Channel, e.Signal.String(), e.Notice, e.Language, e.Evidence,
		e.Guardian.ID, e.Guardian.Relation, e.Reason, e.RequestID)
	return s.wrap("write consent history", err)
}

// lockConsents takes, on PostgreSQL, a transaction lock per customer that
// every consent write and erasure of the customer takes first, in subject
// order: an act and an erasure of one customer are serialized, so that an
// act either sees the erasure or is seen by it. SQLite serializes all writes
// already.
func (s *DB) lockConsents(ctx context.Context, q querier, subjects ...custos.SubjectID) error {
	if s.dialect != postgres {
		return nil
	}
	subjects = slices.Clone(subjects)
	slices.Sort(subjects)
	for _, subject := range slices.Compact(subjects) {
		if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/custos.consent/' || $1))`,
			string(subject)); err != nil {
			return s.wrap("lock consent", err)
		}
	}
	return nil
}

// checkErased returns consent.ErrForgotten when an erasure of ref is stored.
func checkErased(ctx context.Context, q querier, s *DB, ref []byte) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM custos_consent_erasures WHERE ref = $1`, ref).Scan(&n); err != nil {
		return s.wrap("check consent erasure", err)
	}
	if n > 0 {
		return consent.ErrForgotten
	}
	return nil
}

func (c *consentStore) Erase(ctx context.Context, e consent.Erasure) error {
	s := c.db
	if err := s.check(); err != nil {
		return err
	}
	return s.write(ctx, "erase consent", func(ctx context.Context, q querier) error {
		if err := s.lockConsents(ctx, q, e.Subject); err != nil {
			return err
		}
		if err := sameRecords(ctx, q, s, e); err != nil {
			return err
		}
		for _, del := range []string{
			`DELETE FROM custos_consent_history WHERE subject = $1`,
			`DELETE FROM custos_consents WHERE subject = $1`,
		} {
			if _, err := q.ExecContext(ctx, del, string(e.Subject)); err != nil {
				return s.wrap("erase consent", err)
			}
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO custos_consent_erasures (ref, erased_at, keep_until, removed)
			VALUES ($1, $2, $3, $4) ON CONFLICT (ref) DO UPDATE SET removed = custos_consent_erasures.removed + excluded.removed`,
			e.Ref, micros(e.At), micros(e.Until), e.Removed); err != nil {
			return s.wrap("store consent erasure", err)
		}
		for _, p := range e.Proof {
			if _, err := q.ExecContext(ctx, `INSERT INTO custos_consent_proof (ref, purpose, seq, at, action, state,
				actor_role, channel, signal, notice_version, language, guardian, reason)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
				e.Ref, string(p.Purpose), p.Seq, micros(p.Time), string(p.Action), p.State.String(), string(p.Role),
				p.Channel, p.Signal.String(), p.Notice, p.Language, p.Guardian, p.Reason); err != nil {
				return s.wrap("store consent proof", err)
			}
		}
		return s.bumpAuthVersion(ctx, q, e.Subject)
	})
}

// sameRecords returns consent.ErrConflict unless the customer's records are
// exactly e.Records.
func sameRecords(ctx context.Context, q querier, s *DB, e consent.Erasure) error {
	rows, err := q.QueryContext(ctx, `SELECT purpose, version FROM custos_consents WHERE subject = $1`, string(e.Subject))
	if err != nil {
		return s.wrap("read consents", err)
	}
	defer rows.Close()
	want := make(map[custos.PurposeID]int64, len(e.Records))
	for _, rv := range e.Records {
		want[rv.Purpose] = rv.Version
	}
	n := 0
	for rows.Next() {
		var purpose string
		var version int64
		if err := rows.Scan(&purpose, &version); err != nil {
			return s.wrap("read consents", err)
		}
		if v, ok := want[custos.PurposeID(purpose)]; !ok || v != version {
			return consent.ErrConflict
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return s.wrap("read consents", err)
	}
	if n != len(want) {
		return consent.ErrConflict
	}
	return nil
}

func (c *consentStore) GetErasure(ctx context.Context, ref []byte) (consent.Erasure, error) {
	s := c.db
	if err := s.check(); err != nil {
		return consent.Erasure{}, err
	}
	// One statement, so that a purge running at the same time is seen
	// whole or not at all.
	rows, err := s.db.QueryContext(ctx, `SELECT e.erased_at, e.keep_until, e.removed, p.purpose, p.seq, p.at, p.action,
		p.state, p.actor_role, p.channel, p.signal, p.notice_version, p.language, p.guardian, p.reason
		FROM custos_consent_erasures e LEFT JOIN custos_consent_proof p ON p.ref = e.ref
		WHERE e.ref = $1 ORDER BY p.purpose, p.seq`, ref)
	if err != nil {
		return consent.Erasure{}, s.wrap("read consent erasure", err)
	}
	defer rows.Close()
	e := consent.Erasure{Ref: slices.Clone(ref)}
	found := false
	for rows.Next() {
		found = true
		var at, until int64
		var purpose, action, state, role, channel, signal, notice, language, reason sql.NullString
		var seq, pat sql.NullInt64
		var guardian sql.NullBool
		if err := rows.Scan(&at, &until, &e.Removed, &purpose, &seq, &pat, &action, &state, &role, &channel, &signal,
			&notice, &language, &guardian, &reason); err != nil {
			return consent.Erasure{}, s.wrap("read consent erasure", err)
		}
		e.At, e.Until = fromMicros(at), fromMicros(until)
		if !purpose.Valid {
			continue // no proof
		}
		st, err1 := consent.ParseState(state.String)
		sig, err2 := consent.ParseSignal(signal.String)
		if err := errors.Join(err1, err2); err != nil {
			return consent.Erasure{}, s.wrap("read consent proof", err)
		}
		e.Proof = append(e.Proof, consent.ProofEntry{
			Purpose: custos.PurposeID(purpose.String), Seq: seq.Int64, Time: fromMicros(pat.Int64), Action: custos.Action(action.String),
			State: st, Role: custos.Role(role.String), Channel: channel.String, Signal: sig, Notice: notice.String,
			Language: language.String, Guardian: guardian.Bool, Reason: reason.String,
		})
	}
	if err := rows.Err(); err != nil {
		return consent.Erasure{}, s.wrap("read consent erasure", err)
	}
	if !found {
		return consent.Erasure{}, consent.ErrNotFound
	}
	return e, nil
}

func (c *consentStore) PurgeProof(ctx context.Context, t time.Time, limit int) (int, error) {
	s := c.db
	if err := s.check(); err != nil {
		return 0, err
	}
	purged := 0
	err := s.write(ctx, "purge consent proof", func(ctx context.Context, q querier) error {
		purged = 0
		rows, err := q.QueryContext(ctx, `SELECT ref FROM custos_consent_erasures WHERE keep_until > 0 AND keep_until <= $1
			ORDER BY keep_until LIMIT $2`, micros(t), limit)
		if err != nil {
			return s.wrap("purge consent proof", err)
		}
		var refs [][]byte
		for rows.Next() {
			var ref []byte
			if err := rows.Scan(&ref); err != nil {
				rows.Close()
				return s.wrap("purge consent proof", err)
			}
			refs = append(refs, ref)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return s.wrap("purge consent proof", err)
		}
		for _, ref := range refs {
			if _, err := q.ExecContext(ctx, `DELETE FROM custos_consent_proof WHERE ref = $1`, ref); err != nil {
				return s.wrap("purge consent proof", err)
			}
			if _, err := q.ExecContext(ctx, `UPDATE custos_consent_erasures SET keep_until = 0 WHERE ref = $1`, ref); err != nil {
				return s.wrap("purge consent proof", err)
			}
		}
		purged = len(refs)
		return nil
	})
	return purged, err
}
