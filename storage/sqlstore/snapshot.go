package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/custos-go/custos/report"
)

// ReportSnapshots returns the DB as the store of the report's policy
// snapshot: one row, replaced by each PutSnapshot.
func (s *DB) ReportSnapshots() report.SnapshotStore { return (*snapshotStore)(s) }

type snapshotStore DB

var _ report.SnapshotStore = (*snapshotStore)(nil)

// PutSnapshot stores the snapshot in one statement: the one stored before
// is replaced whole or not at all.
func (st *snapshotStore) PutSnapshot(ctx context.Context, snap report.Snapshot) error {
	s := (*DB)(st)
	body, err := report.MarshalSnapshot(snap)
	if err != nil {
		return err
	}
	return s.write(ctx, "put report snapshot", func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO custos_report_snapshot (id, taken, body) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET taken = excluded.taken, body = excluded.body`, micros(snap.Taken), string(body))
		return s.wrap("put report snapshot", err)
	})
}

// LatestSnapshot reads and parses the stored snapshot.
func (st *snapshotStore) LatestSnapshot(ctx context.Context) (report.Snapshot, error) {
	s := (*DB)(st)
	if err := s.check(); err != nil {
		return report.Snapshot{}, err
	}
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM custos_report_snapshot WHERE id = 1`).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return report.Snapshot{}, report.ErrNoSnapshot
	}
	if err != nil {
		return report.Snapshot{}, s.wrap("read report snapshot", err)
	}
	return report.ParseSnapshot([]byte(body))
}
