package memstore

import (
	"context"

	"github.com/custos-go/custos/report"
)

// ReportSnapshots returns the Store as the store of the report's policy
// snapshot. It keeps the snapshot's stored form, as a database would, so
// that what is read back is what ParseSnapshot accepts.
func (s *Store) ReportSnapshots() report.SnapshotStore { return (*snapshotStore)(s) }

type snapshotStore Store

var _ report.SnapshotStore = (*snapshotStore)(nil)

func (st *snapshotStore) PutSnapshot(_ context.Context, snap report.Snapshot) error {
	s := (*Store)(st)
	body, err := report.MarshalSnapshot(snap)
	if err != nil {
		return err
	}
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	s.snapshot = body
	return nil
}

func (st *snapshotStore) LatestSnapshot(context.Context) (report.Snapshot, error) {
	s := (*Store)(st)
	unlock, err := s.read()
	if err != nil {
		return report.Snapshot{}, err
	}
	defer unlock()
	if s.snapshot == nil {
		return report.Snapshot{}, report.ErrNoSnapshot
	}
	return report.ParseSnapshot(s.snapshot)
}
