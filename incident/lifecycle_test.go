package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/notify"
)

func TestMonitorAlertOpensAnIncident(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(6)
	f.reads(insider, all...)
	mon, err := audit.NewMonitor(audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 4, Window: time.Hour}})
	require.NoError(t, err)
	var alerts []audit.Alert
	_, err = mon.Run(ctx, f.db.Audit(), 0, func(a audit.Alert) { alerts = append(alerts, a) })
	require.NoError(t, err)
	require.NotEmpty(t, alerts)
	a := alerts[0]
	assert.Equal(t, insider.Actor.ID, a.Actor)
	inc, err := f.reg.OpenFromAlert(ctx, responder, a, false)
	require.NoError(t, err)
	assert.Equal(t, incident.StateDetected, inc.State)
	assert.True(t, inc.Detected.Equal(a.Time.UTC()), "detected when the alert's entry was logged")
	again, err := f.reg.OpenFromAlert(ctx, responder, a, false)
	require.NoError(t, err)
	assert.Equal(t, inc.ID, again.ID, "one alert opens one incident")
	_, err = f.reg.OpenFromAlert(ctx, responder, audit.Alert{}, false)
	assert.ErrorIs(t, err, incident.ErrInvalid)
}

func TestDrillRehearsesWithoutNotifyingAnyone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(4)
	f.reads(insider, all...)
	_, err := f.reg.Open(ctx, responder, incident.Incident{ID: "DRILL-1", Drill: true, Detected: t0, Aware: t0.Add(10 * time.Minute), Kind: incident.KindLeak, Cause: "drill"})
	require.NoError(t, err)
	_, err = f.reg.ScopeFromAudit(ctx, responder, "DRILL-1", incident.Window{Actor: insider.Actor.ID, From: t0, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = f.reg.Revoke(ctx, responder, "DRILL-1", insider.Actor.ID)
	require.NoError(t, err)
	_, err = f.vault.Get(ctx, insider, all[0], "customer", "name")
	assert.NoError(t, err, "a drill rehearses containment: nobody is revoked")
	f.set(t0.Add(3 * time.Hour))
	_, err = f.reg.Report(ctx, responder, "DRILL-1", "cac-initial")
	require.NoError(t, err)
	f.set(t0.Add(5 * time.Hour))
	_, err = f.reg.Report(ctx, responder, "DRILL-1", "pipl-initial")
	require.NoError(t, err)
	_, err = f.reg.NotifyCustomers(ctx, responder, "DRILL-1")
	require.NoError(t, err)
	inc, err := f.reg.Close(ctx, responder, "DRILL-1", "the PIPL report took too long")
	require.NoError(t, err, "a drill closes with obligations open")
	assert.Equal(t, incident.StateClosed, inc.State)

	real, err := f.outbox.Status(ctx)
	require.NoError(t, err)
	assert.Zero(t, real.ByState[notify.StatePending], "nothing to the regulators or customers")
	sink, err := f.drill.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4+2, sink.ByState[notify.StatePending], "everything to the drill's outbox")

	rep, err := f.reg.DrillReport(ctx, "DRILL-1")
	require.NoError(t, err)
	outcome := map[string]incident.DrillOutcome{}
	for _, o := range rep.Outcomes {
		outcome[o.Obligation.ID] = o
	}
	assert.True(t, outcome["cac-initial"].Met, "3 h after detection: within the 4-hour CAC deadline")
	assert.False(t, outcome["pipl-initial"].Met)
	assert.Equal(t, 50*time.Minute, outcome["pipl-initial"].Late, "PIPL target 4 h from awareness, sent after 5 h")
	assert.True(t, outcome["individuals"].Met)
	require.NotEmpty(t, rep.Steps)
	assert.Equal(t, "opened", rep.Steps[0].Action)
	assert.Equal(t, 5*time.Hour, rep.Steps[len(rep.Steps)-1].After)

	_, err = f.reg.DrillReport(ctx, "NONE")
	assert.ErrorIs(t, err, incident.ErrNotFound)
}

func TestLifecycleMovesForwardOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.open("INC-1")
	_, err := f.reg.Advance(ctx, responder, "INC-1", incident.StateEradicated, "malware removed")
	require.NoError(t, err)
	before := f.snapshot("INC-1")
	for _, to := range []incident.State{incident.StateContained, incident.StateClosed, incident.StateDetected} {
		_, err = f.reg.Advance(ctx, responder, "INC-1", to, "")
		assert.ErrorIs(t, err, incident.ErrInvalid, to)
	}
	assert.Equal(t, before, f.snapshot("INC-1"), "nothing changed")
}

func TestFollowUpsArePhasedReports(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := policy()
	p.Regimes.FollowUps = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}
	reg, err := incident.New(incident.Config{Store: f.store, Recorder: f.log, Policy: p, Clock: f.clock})
	require.NoError(t, err)
	inc, err := reg.Open(ctx, responder, incident.Incident{ID: "INC-1", Detected: t0, Aware: t0, Kind: incident.KindLoss, People: 3})
	require.NoError(t, err)
	due := map[string]time.Time{}
	for _, o := range inc.Obligations {
		due[o.ID] = o.Due
	}
	assert.Equal(t, t0.Add(72*time.Hour+24*time.Hour), due["gdpr-follow-up-1"])
	assert.Equal(t, t0.Add(4*time.Hour+7*24*time.Hour), due["cac-follow-up-2"])
}

func TestContainmentRotatesKeys(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(3)
	f.open("INC-1")
	old, err := f.db.Keys().GetDEK(ctx, all[0])
	require.NoError(t, err)

	inc, err := f.reg.RotateIndexKey(ctx, responder, "INC-1")
	require.NoError(t, err)
	assert.Equal(t, incident.StateContained, inc.State)
	again, err := f.reg.RotateIndexKey(ctx, responder, "INC-1")
	require.NoError(t, err)
	assert.Equal(t, inc.Version, again.Version, "a rerun does not rotate again")

	// The host configures a new KEK, the compromised one as previous.
	next, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: next, PreviousKEKs: []keys.KEK{f.kek}, Store: f.db.Keys(), Ledger: f.db.Ledger(), Clock: f.clock})
	require.NoError(t, err)
	reg, err := incident.New(incident.Config{Store: f.store, Recorder: f.log, Policy: policy(), Clock: f.clock, Containment: incident.Containment{KEK: kr}})
	require.NoError(t, err)
	_, err = reg.RotateKEK(ctx, responder, "INC-1")
	require.NoError(t, err)
	now, err := f.db.Keys().GetDEK(ctx, all[0])
	require.NoError(t, err)
	assert.NotEqual(t, old.KEKID, now.KEKID, "the DEK is wrapped under the new KEK")
	var actions []string
	for e, err := range f.reg.Timeline(ctx, "INC-1") {
		require.NoError(t, err)
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []string{"opened", "contained.index-key", "contained.kek"}, actions)
}
