package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// snapshot is everything the register holds about an incident, to show
// that a refused change changed nothing.
type snapshot struct {
	inc      incident.Incident
	timeline []incident.Entry
	affected []custos.SubjectID
}

func (f *fixture) snapshot(id string) snapshot {
	f.t.Helper()
	ctx := context.Background()
	inc, err := f.reg.Get(ctx, id)
	require.NoError(f.t, err)
	s := snapshot{inc: inc}
	for e, err := range f.reg.Timeline(ctx, id) {
		require.NoError(f.t, err)
		s.timeline = append(s.timeline, e)
	}
	for a, err := range f.reg.Affected(ctx, id) {
		require.NoError(f.t, err)
		s.affected = append(s.affected, a)
	}
	return s
}

func TestOpenRefusesBadIncidents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cases := map[string]incident.Incident{
		"aware before detected": {ID: "INC-1", Detected: t0, Aware: t0.Add(-time.Minute), Kind: incident.KindLeak},
		"no detection time":     {ID: "INC-1", Aware: t0, Kind: incident.KindLeak},
		"unknown kind":          {ID: "INC-1", Detected: t0, Aware: t0, Kind: "oops"},
		"bad id":                {ID: "INC 1", Detected: t0, Aware: t0, Kind: incident.KindLeak},
		"negative count":        {ID: "INC-1", Detected: t0, Aware: t0, Kind: incident.KindLeak, People: -1},
	}
	for name, inc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := f.reg.Open(ctx, responder, inc)
			assert.ErrorIs(t, err, incident.ErrInvalid)
		})
	}
	for _, err := range f.reg.List(ctx) {
		t.Fatalf("nothing is stored: %v", err)
	}
}

func TestOpenIsIdempotentAndComputesObligations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	inc := f.open("INC-1")
	again := f.open("INC-1")
	assert.Equal(t, inc.Version, again.Version, "a rerun opens it once")
	_, err := f.reg.Open(ctx, responder, incident.Incident{ID: "INC-1", Detected: t0.Add(time.Hour), Aware: t0.Add(time.Hour), Kind: incident.KindLoss})
	assert.ErrorIs(t, err, incident.ErrExists)

	// Three people reach "serious": the CAC 4-hour deadline applies.
	inc, err = f.reg.Assess(ctx, responder, "INC-1", incident.Assessment{People: 3, Records: 3})
	require.NoError(t, err)
	assert.Equal(t, incident.GradeSerious, inc.Grade)
	assert.Equal(t, incident.StateAnalysing, inc.State)
	due := map[string]time.Time{}
	for _, o := range inc.Obligations {
		due[o.ID] = o.Due
	}
	assert.Equal(t, t0.Add(4*time.Hour), due["cac-initial"], "CAC: 4 hours from detection for an operator that is not CII")
	assert.Equal(t, t0.Add(10*time.Minute+72*time.Hour), due["gdpr-initial"], "GDPR 33: 72 hours from awareness")
	assert.Equal(t, t0.Add(10*time.Minute+4*time.Hour), due["pipl-initial"])
	assert.Contains(t, due, "individuals")
}

func TestTimelineIsOrderedAndAudited(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.open("INC-1")
	f.set(t0.Add(time.Hour))
	_, err := f.reg.Record(ctx, responder, "INC-1", incident.Note{Action: "called-regulator", Detail: "phoned the duty officer"})
	require.NoError(t, err)
	before := f.snapshot("INC-1")
	_, err = f.reg.Record(ctx, responder, "INC-1", incident.Note{At: t0.Add(30 * time.Minute), Action: "late-note", Detail: "x"})
	assert.ErrorIs(t, err, incident.ErrInvalid, "an entry dated before the last is refused")
	assert.Equal(t, before, f.snapshot("INC-1"), "nothing changed")
	require.Len(t, before.timeline, 2)
	assert.Equal(t, "opened", before.timeline[0].Action)
	assert.Equal(t, responder.Actor, before.timeline[1].Actor, "who did it")

	var steps int
	for m, err := range f.log.Query(ctx, responder, auditQuery()) {
		require.NoError(t, err)
		if m.Entry.Action == incident.ActionStep {
			steps++
		}
	}
	assert.Equal(t, 2, steps, "each timeline entry is in the audit log")
}

func TestCloseRefusesOpenObligations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.open("INC-1")
	_, err := f.reg.Assess(ctx, responder, "INC-1", incident.Assessment{People: 3})
	require.NoError(t, err)
	before := f.snapshot("INC-1")
	_, err = f.reg.Close(ctx, responder, "INC-1", "rotate duties of night staff")
	require.ErrorIs(t, err, incident.ErrOpenObligations)
	assert.Contains(t, err.Error(), "cac-initial")
	assert.Contains(t, err.Error(), "gdpr-initial")
	assert.Contains(t, err.Error(), "individuals")
	assert.Equal(t, before, f.snapshot("INC-1"), "nothing changed")
	_, err = f.reg.Close(ctx, responder, "INC-1", " ")
	assert.ErrorIs(t, err, incident.ErrInvalid, "closing needs lessons learned")
}

func TestDelayNeedsReasons(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.open("INC-1")
	_, err := f.reg.Delay(ctx, responder, "INC-1", "gdpr-initial", "")
	assert.ErrorIs(t, err, incident.ErrInvalid)
	_, err = f.reg.Delay(ctx, responder, "INC-1", "no-such", "x")
	assert.ErrorIs(t, err, incident.ErrInvalid)
	f.set(t0.Add(80 * time.Hour))
	inc, err := f.reg.Delay(ctx, responder, "INC-1", "gdpr-initial", "the forensic image was only available on day 4")
	require.NoError(t, err)
	for _, o := range inc.Obligations {
		if o.ID == "gdpr-initial" {
			assert.Equal(t, incident.StatusDelayed, o.Status(f.clock()))
		}
	}
}
