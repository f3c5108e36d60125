package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/rights"
)

// snapshotAdapter is an adapter that keeps the report's policy snapshot.
type snapshotAdapter interface {
	ReportSnapshots() report.SnapshotStore
}

// snapshotFixture is a small valid snapshot: one section of one table,
// a finding, a consent purpose and a regime.
func snapshotFixture(taken time.Time, purpose string) report.Snapshot {
	return report.Snapshot{
		Version: report.SnapshotVersion, Taken: taken, Controller: "Synthetic Leasing",
		Records: []report.Section{{ID: "processing", Tables: []report.Table{{ID: "purposes",
			Columns: []report.Column{{ID: "purpose", Kind: report.Code}, {ID: "count", Kind: report.Count}},
			Rows:    [][]report.Cell{{report.Str(purpose), report.Num(3)}}}}}},
		Findings:        []report.Finding{{Severity: report.Gap, Section: "processing", Code: "field-unused", Args: []string{"customer.fax"}, Article: "PIPL 6"}},
		ConsentPurposes: []custos.PurposeID{custos.PurposeID(purpose)},
		Regimes:         []report.SnapshotRegime{{Name: "gdpr", Period: rights.Months(1), Extension: rights.Months(2), Law: "GDPR Art. 12(3)"}},
	}
}

// RunReportSnapshots checks report.SnapshotStore on adapters made by
// open: none stored reads as ErrNoSnapshot, a stored snapshot reads back
// equal, a second replaces the first, and an invalid one is refused with
// the stored one unchanged.
func RunReportSnapshots(t *testing.T, open Opener) {
	ctx := context.Background()
	a := openT(t, open)
	sa, ok := a.(snapshotAdapter)
	if !ok {
		t.Fatalf("adapter %T has no ReportSnapshots() report.SnapshotStore method", a)
	}
	st := sa.ReportSnapshots()
	_, err := st.LatestSnapshot(ctx)
	require.ErrorIs(t, err, report.ErrNoSnapshot)

	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	first := snapshotFixture(t0, "marketing")
	require.NoError(t, st.PutSnapshot(ctx, first))
	got, err := st.LatestSnapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, first, got)

	second := snapshotFixture(t0.Add(time.Hour), "analytics")
	require.NoError(t, st.PutSnapshot(ctx, second))
	got, err = st.LatestSnapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, second, got, "the second snapshot replaces the first")

	bad := snapshotFixture(t0.Add(2*time.Hour), "x")
	bad.Version = 99
	require.ErrorIs(t, st.PutSnapshot(ctx, bad), report.ErrSnapshot)
	got, err = st.LatestSnapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, second, got, "a refused snapshot changes nothing")
}

// FaultySnapshots wraps a report.SnapshotStore so that f decides which of
// its calls fail.
func FaultySnapshots(s report.SnapshotStore, f *Faults) report.SnapshotStore {
	return &faultySnapshots{s: s, f: f}
}

type faultySnapshots struct {
	s report.SnapshotStore
	f *Faults
}

func (w *faultySnapshots) PutSnapshot(ctx context.Context, s report.Snapshot) error {
	return w.f.Do("report.PutSnapshot", func() error { return w.s.PutSnapshot(ctx, s) })
}

func (w *faultySnapshots) LatestSnapshot(ctx context.Context) (report.Snapshot, error) {
	return call(w.f, "report.LatestSnapshot", func() (report.Snapshot, error) { return w.s.LatestSnapshot(ctx) })
}
