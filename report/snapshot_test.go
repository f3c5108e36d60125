package report_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/memstore"
)

// A report built from a stored policy snapshot, with the same stores and
// no policy values (as the stock `custos report` builds it), is the
// report built from the policies: same sections, same figures, same
// findings.
func TestReportFromSnapshotIsTheReportFromPolicies(t *testing.T) {
	e := fullEnv(t)
	cfg := e.config()
	r, want := build(t, cfg)

	snaps := memstore.New().ReportSnapshots()
	saved, err := r.SaveSnapshot(context.Background(), snaps)
	require.NoError(t, err)
	stored, err := snaps.LatestSnapshot(context.Background())
	require.NoError(t, err)
	assert.Equal(t, saved, stored)
	assert.Equal(t, []string{"processing", "security"}, sectionIDs(stored.Records))
	assert.Equal(t, []string{"assessment"}, sectionIDs(stored.Assessments))
	assert.Equal(t, []string{"gdpr"}, regimeNames(stored.Regimes))

	fromSnap := cfg
	fromSnap.Policies, fromSnap.Assessments, fromSnap.Snapshot = report.Policies{}, nil, &stored
	fromSnap.Rights = &report.RightsState{Store: cfg.Rights.Store} // the regimes come from the snapshot
	_, got := build(t, fromSnap)
	var a, b bytes.Buffer
	require.NoError(t, report.WriteJSON(&a, want))
	require.NoError(t, report.WriteJSON(&b, got))
	assert.JSONEq(t, a.String(), b.String())
}

func sectionIDs(secs []report.Section) []string {
	var out []string
	for _, s := range secs {
		out = append(out, s.ID)
	}
	return out
}

func regimeNames(gs []report.SnapshotRegime) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

// A snapshot and Policies together, or a snapshot that is not valid, is
// refused by New with ErrConfig.
func TestNewRefusesBadSnapshotConfig(t *testing.T) {
	r, _ := build(t, report.Config{Policies: policies()})
	snap, err := r.Snapshot(context.Background(), at)
	require.NoError(t, err)
	bad := snap
	bad.Version = 2
	for _, tc := range []struct {
		name string
		cfg  report.Config
		want string
	}{
		{"policies and snapshot", report.Config{Policies: policies(), Snapshot: &snap}, "not both"},
		{"invalid snapshot", report.Config{Snapshot: &bad}, "version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.New(tc.cfg)
			require.ErrorIs(t, err, report.ErrConfig)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// ParseSnapshot reads what MarshalSnapshot writes and refuses, with
// ErrSnapshot and a clear reason, stored bytes that are not a snapshot.
func TestParseSnapshot(t *testing.T) {
	r, _ := build(t, report.Config{Policies: policies(), Rights: &report.RightsState{Store: memstore.New().Rights(), Regimes: []rights.Regime{rights.GDPR()}}})
	snap, err := r.Snapshot(context.Background(), at)
	require.NoError(t, err)
	good, err := report.MarshalSnapshot(snap)
	require.NoError(t, err)
	back, err := report.ParseSnapshot(good)
	require.NoError(t, err)
	assert.Equal(t, snap, back)

	for _, tc := range []struct {
		name, body, want string
	}{
		{"not JSON", `{"version":1,`, "malformed"},
		{"unknown field", `{"version":1,"records":[{"id":"processing","tables":[]}],"findings":[],"consent_purposes":[],"owner":"x"}`, "unknown field"},
		{"data after the value", `{"version":1,"records":[{"id":"processing","tables":[]}],"findings":[],"consent_purposes":[]} {}`, "data after"},
		{"unknown version", `{"version":7,"records":[{"id":"processing","tables":[]}],"findings":[],"consent_purposes":[]}`, "version 7"},
		{"no records", `{"version":1,"records":[],"findings":[],"consent_purposes":[]}`, "no records"},
		{"section without an ID", `{"version":1,"records":[{"id":"","tables":[]}],"findings":[],"consent_purposes":[]}`, "section without an ID"},
		{"table without an ID", `{"version":1,"records":[{"id":"processing","tables":[{"id":"","columns":[],"rows":[]}]}],"findings":[],"consent_purposes":[]}`, "table without an ID"},
		{"row of the wrong width", `{"version":1,"records":[{"id":"processing","tables":[{"id":"t","columns":[{"id":"a","kind":"code"}],"rows":[["x","y"]]}]}],"findings":[],"consent_purposes":[]}`, "a row of 2 cells, 1 columns"},
		{"chart of no table", `{"version":1,"records":[{"id":"processing","tables":[],"charts":[{"id":"c","table":"missing","series":[]}]}],"findings":[],"consent_purposes":[]}`, "draws no table"},
		{"finding of unknown severity", `{"version":1,"records":[{"id":"processing","tables":[]}],"findings":[{"severity":"meh","section":"processing","code":"x"}],"consent_purposes":[]}`, "known severity"},
		{"empty consent purpose", `{"version":1,"records":[{"id":"processing","tables":[]}],"findings":[],"consent_purposes":[""]}`, "empty consent purpose"},
		{"regime without a name", `{"version":1,"records":[{"id":"processing","tables":[]}],"findings":[],"consent_purposes":[],"regimes":[{"name":""}]}`, "regime without a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.ParseSnapshot([]byte(tc.body))
			require.ErrorIs(t, err, report.ErrSnapshot)
			assert.Contains(t, err.Error(), tc.want)
			_, err = report.MarshalSnapshot(report.Snapshot{Version: 9})
			require.ErrorIs(t, err, report.ErrSnapshot, "MarshalSnapshot refuses what ParseSnapshot would")
		})
	}
}

// FuzzParseSnapshot feeds report.ParseSnapshot, the decoder of the
// snapshot stored in the database, with mutations of a real one: it never
// panics, and what it accepts writes back to a snapshot it reads the same.
func FuzzParseSnapshot(f *testing.F) {
	r, err := report.New(report.Config{Policies: policies()})
	if err != nil {
		f.Fatal(err)
	}
	snap, err := r.Snapshot(context.Background(), at)
	if err != nil {
		f.Fatal(err)
	}
	good, err := report.MarshalSnapshot(snap)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"records":[{"id":"p","tables":[]}],"findings":[],"consent_purposes":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := report.ParseSnapshot(data)
		if err != nil {
			return
		}
		again, err := report.MarshalSnapshot(s)
		if err != nil {
			t.Fatalf("accepted a snapshot MarshalSnapshot refuses: %v", err)
		}
		back, err := report.ParseSnapshot(again)
		if err != nil {
			t.Fatalf("cannot read back what MarshalSnapshot wrote: %v", err)
		}
		assert.Equal(t, s, back)
	})
}
