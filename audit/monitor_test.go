package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// read is a synthetic read entry.
func read(i int, at time.Time, actor string, customer byte, outcome custos.Outcome) audit.Entry {
	return audit.Entry{Index: uint64(i), Time: at, Action: custos.ActionGet, Actor: custos.Actor{ID: actor, Role: "clerk"},
		Purpose: "servicing", Period: "2026-03", Ref: bytes.Repeat([]byte{customer}, audit.RefSize), Outcome: outcome}
}

func rules(alerts []audit.Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, fmt.Sprintf("%s@%d", a.Rule, a.Index))
	}
	return out
}

func TestMonitorRules(t *testing.T) {
	shanghai := time.FixedZone("Asia/Shanghai", 8*3600)
	office := time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai) // Monday 10:00 local
	cases := []struct {
		name    string
		cfg     audit.MonitorConfig
		entries []audit.Entry
		want    []string
	}{
		{
			"bulk reads: the fourth distinct customer within the window",
			audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 3, Window: time.Hour}},
			[]audit.Entry{
				read(0, office, "clerk-1", 1, custos.OutcomeAllowed),
				read(1, office.Add(time.Minute), "clerk-1", 1, custos.OutcomeAllowed), // same customer again
				read(2, office.Add(2*time.Minute), "clerk-1", 2, custos.OutcomeAllowed),
				read(3, office.Add(3*time.Minute), "clerk-2", 3, custos.OutcomeAllowed), // another actor
				read(4, office.Add(4*time.Minute), "clerk-1", 3, custos.OutcomeAllowed),
				read(5, office.Add(5*time.Minute), "clerk-1", 4, custos.OutcomeAllowed),
				read(6, office.Add(6*time.Minute), "clerk-1", 5, custos.OutcomeAllowed), // still above: no repeat
			},
			[]string{"bulk-reads@5"},
		},
		{
			"bulk reads: a slow reader stays under the window",
			audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 2, Window: time.Hour}},
			[]audit.Entry{
				read(0, office, "clerk-1", 1, custos.OutcomeAllowed),
				read(1, office.Add(50*time.Minute), "clerk-1", 2, custos.OutcomeAllowed),
				read(2, office.Add(100*time.Minute), "clerk-1", 3, custos.OutcomeAllowed),
				read(3, office.Add(150*time.Minute), "clerk-1", 4, custos.OutcomeAllowed),
			},
			nil,
		},
		{
			"off hours in the configured time zone",
			audit.MonitorConfig{OffHours: &audit.WorkingHours{Location: shanghai, Start: 9 * time.Hour, End: 18 * time.Hour}},
			[]audit.Entry{
				read(0, office, "clerk-1", 1, custos.OutcomeAllowed),
				read(1, office.Add(8*time.Hour+30*time.Minute), "clerk-1", 1, custos.OutcomeAllowed), // 18:30
				read(2, office.Add(-90*time.Minute), "clerk-1", 1, custos.OutcomeAllowed),            // 08:30
				read(3, office.AddDate(0, 0, 5), "clerk-1", 1, custos.OutcomeAllowed),                // Saturday
				read(4, office.Add(8*time.Hour+30*time.Minute), "clerk-1", 1, custos.OutcomeDenied),  // refused: nothing released
			},
			[]string{"off-hours@1", "off-hours@2", "off-hours@3"},
		},
		{
			"a spike of refused reads",
			audit.MonitorConfig{RefusedReads: &audit.RefusedReads{Max: 2, Window: time.Minute}},
			[]audit.Entry{
				read(0, office, "clerk-1", 1, custos.OutcomeDenied),
				read(1, office.Add(10*time.Second), "clerk-2", 2, custos.OutcomeDenied),
				read(2, office.Add(20*time.Second), "clerk-1", 3, custos.OutcomeAllowed),
				read(3, office.Add(30*time.Second), "clerk-3", 4, custos.OutcomeDenied),
				read(4, office.Add(40*time.Second), "clerk-3", 4, custos.OutcomeDenied),
				read(5, office.Add(5*time.Minute), "clerk-3", 4, custos.OutcomeDenied),
			},
			[]string{"refused-reads@3"},
		},
		{
			"reads of the audit log",
			audit.MonitorConfig{AuditReads: true},
			[]audit.Entry{
				read(0, office, "clerk-1", 1, custos.OutcomeAllowed),
				{Index: 1, Time: office, Action: custos.ActionAuditRead, Actor: custos.Actor{ID: "dba-1", Role: "dba"}, Purpose: "curiosity",
					RecordType: audit.AuditRecordType, Fields: []string{"subject"}, Outcome: custos.OutcomeAllowed},
			},
			[]string{"audit-read@1"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := audit.NewMonitor(c.cfg)
			require.NoError(t, err)
			var got []audit.Alert
			for _, e := range c.entries {
				got = append(got, m.Observe(e)...)
			}
			assert.Equal(t, c.want, rules(got))
			for _, a := range got {
				assert.NotContains(t, a.Message, string(c.entries[0].Ref), "alerts name no customer")
			}
		})
	}
}

func TestMonitorConfigIsValidated(t *testing.T) {
	cases := map[string]audit.MonitorConfig{
		"bulk without max":      {BulkReads: &audit.BulkReads{Window: time.Hour}},
		"bulk without window":   {BulkReads: &audit.BulkReads{Max: 3}},
		"refused without max":   {RefusedReads: &audit.RefusedReads{Window: time.Hour}},
		"hours without zone":    {OffHours: &audit.WorkingHours{Start: 9 * time.Hour, End: 18 * time.Hour}},
		"hours reversed":        {OffHours: &audit.WorkingHours{Location: time.UTC, Start: 18 * time.Hour, End: 9 * time.Hour}},
		"hours beyond the day":  {OffHours: &audit.WorkingHours{Location: time.UTC, Start: 9 * time.Hour, End: 25 * time.Hour}},
		"not a day of the week": {OffHours: &audit.WorkingHours{Location: time.UTC, Start: 1, End: 2, Days: []time.Weekday{9}}},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := audit.NewMonitor(cfg)
			assert.ErrorIs(t, err, audit.ErrConfig)
		})
	}
}

func TestMonitorRunFollowsTheLog(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 10)
	m, err := audit.NewMonitor(audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 2, Window: time.Hour}, AuditReads: true})
	require.NoError(t, err)
	var alerts []audit.Alert
	next, err := m.Run(ctx, s, 0, func(a audit.Alert) { alerts = append(alerts, a) })
	require.NoError(t, err)
	assert.Equal(t, uint64(10), next)
	// Each clerk reads a new customer every third entry: the third
	// distinct customer of clerk-0 is entry 6, of clerk-1 entry 7, ...
	assert.Equal(t, []string{"bulk-reads@6", "bulk-reads@7", "bulk-reads@8"}, rules(alerts))

	collect(t, l, audit.Query{Actor: "clerk-0"})
	alerts = nil
	next, err = m.Run(ctx, s, next, func(a audit.Alert) { alerts = append(alerts, a) })
	require.NoError(t, err)
	assert.Equal(t, uint64(11), next)
	assert.Equal(t, []string{"audit-read@10"}, rules(alerts))
	assert.Equal(t, "auditor-1", alerts[0].Actor)
}
