package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// Accuracy reviews of retention.Store (migration 0017).

const reviewColumns = `subject, record_type, reviewed, due`

// sqlDueReviews reads a page of the review index.
const sqlDueReviews = `SELECT ` + reviewColumns + ` FROM custos_retention_reviews
		WHERE due <= $1 AND (due, subject, record_type) > ($2, $3, $4)
		ORDER BY due, subject, record_type LIMIT $5`

func (r *retentionStore) PutReview(ctx context.Context, rv retention.Review) (bool, error) {
	s, err := r.open()
	if err != nil {
		return false, err
	}
	var stored bool
	err = s.write(ctx, "put review", func(ctx context.Context, q querier) error {
		n, err := affected(q.ExecContext(ctx, `INSERT INTO custos_retention_reviews (`+reviewColumns+`)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (subject, record_type) DO UPDATE SET reviewed = excluded.reviewed, due = excluded.due
			WHERE custos_retention_reviews.reviewed <= excluded.reviewed`,
			string(rv.Subject), rv.RecordType, micros(rv.Reviewed), micros(rv.Due)))
		stored = n > 0
		return s.wrap("put review", err)
	})
	return stored, err
}

func (r *retentionStore) Reviews(ctx context.Context, subject custos.SubjectID) ([]retention.Review, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+reviewColumns+` FROM custos_retention_reviews WHERE subject = $1 ORDER BY record_type`, string(subject))
	return scanReviews(s, rows, err)
}

func (r *retentionStore) DueReviews(ctx context.Context, at time.Time, after retention.ReviewKey, limit int) ([]retention.Review, error) {
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlDueReviews, micros(at), micros(after.Due), string(after.Subject), after.RecordType, limit)
	return scanReviews(s, rows, err)
}

func scanReviews(s *DB, rows *sql.Rows, err error) ([]retention.Review, error) {
	const op = "read reviews"
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []retention.Review
	for rows.Next() {
		var rv retention.Review
		var subject string
		var reviewed, due int64
		if err := rows.Scan(&subject, &rv.RecordType, &reviewed, &due); err != nil {
			return nil, s.wrap(op, err)
		}
		rv.Subject = custos.SubjectID(subject)
		rv.Reviewed, rv.Due = fromMicros(reviewed), fromMicros(due)
		out = append(out, rv)
	}
	return out, s.wrap(op, rows.Err())
}
