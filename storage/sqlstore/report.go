package sqlstore

import (
	"context"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
)

// ConsentRecords returns the DB's consent records and histories as the
// report reads them: pages in primary-key order, each one indexed range
// read (row-value comparison on the primary key), so that a report over a
// million customers holds one page at a time.
func (s *DB) ConsentRecords() report.ConsentRecords { return consentScan{s} }

type consentScan struct{ db *DB }

var _ report.ConsentRecords = consentScan{}

func (c consentScan) ScanConsents(ctx context.Context, after report.ConsentKey, limit int) ([]consent.Record, error) {
	s := c.db
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT subject, purpose, `+consentColumns+` FROM custos_consents
		WHERE (subject, purpose) > ($1, $2) ORDER BY subject, purpose LIMIT $3`, string(after.Subject), string(after.Purpose), limit)
	if err != nil {
		return nil, s.wrap("scan consents", err)
	}
	defer rows.Close()
	out := make([]consent.Record, 0, limit)
	for rows.Next() {
		var subject, purpose string
		var r consent.Record
		if err := scanConsent(prefixed{prefixed{rows, &subject}, &purpose}, &r); err != nil {
			return nil, s.wrap("scan consents", err)
		}
		r.Subject, r.Purpose = custos.SubjectID(subject), custos.PurposeID(purpose)
		out = append(out, r)
	}
	return out, s.wrap("scan consents", rows.Err())
}

// ScanHistory fills Seq, Time, Action and State of each entry: what the
// report counts, and nothing it does not need.
func (c consentScan) ScanHistory(ctx context.Context, after report.HistoryKey, limit int) ([]report.HistoryEntry, error) {
	s := c.db
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT subject, purpose, seq, at, action, state FROM custos_consent_history
		WHERE (subject, purpose, seq) > ($1, $2, $3) ORDER BY subject, purpose, seq LIMIT $4`,
		string(after.Subject), string(after.Purpose), after.Seq, limit)
	if err != nil {
		return nil, s.wrap("scan consent history", err)
	}
	defer rows.Close()
	out := make([]report.HistoryEntry, 0, limit)
	for rows.Next() {
		var h report.HistoryEntry
		var subject, purpose, action, state string
		var at int64
		if err := rows.Scan(&subject, &purpose, &h.Entry.Seq, &at, &action, &state); err != nil {
			return nil, s.wrap("scan consent history", err)
		}
		st, err := consent.ParseState(state)
		if err != nil {
			return nil, s.wrap("scan consent history", err)
		}
		h.Subject, h.Purpose = custos.SubjectID(subject), custos.PurposeID(purpose)
		h.Entry.Time, h.Entry.Action, h.Entry.State = fromMicros(at), custos.Action(action), st
		out = append(out, h)
	}
	return out, s.wrap("scan consent history", rows.Err())
}
