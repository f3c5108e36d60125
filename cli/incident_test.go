package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/incident"
)

var nightReader = custos.Access{Actor: custos.Actor{ID: "staff-666", Role: "system"}, Purpose: "onboarding"}

// withIncident has an insider read customers 2 to 4 and opens INC-1 about
// it, scoped, through the SDK.
func (d *deployment) withIncident(t *testing.T) time.Time {
	t.Helper()
	ctx := context.Background()
	h := d.open(t, d.kek)
	start := d.clock.Now()
	for i := 2; i <= 4; i++ {
		_, err := h.vault.Get(ctx, nightReader, customer(i), "customer", "name")
		require.NoError(t, err)
	}
	reg, err := incident.New(incident.Config{Store: h.db.Incident(), Recorder: h.log, Clock: d.clock.Now,
		Policy: incidentPolicy(), Evidence: incident.Evidence{Audit: h.log, DEKs: h.db.Keys()}})
	require.NoError(t, err)
	_, err = reg.Open(ctx, dpo, incident.Incident{ID: "INC-1", Detected: start, Aware: start, Kind: incident.KindLeak, Cause: "bulk read at night"})
	require.NoError(t, err)
	_, err = reg.Open(ctx, dpo, incident.Incident{ID: "INC-2", Detected: start, Aware: start, Kind: incident.KindLeak, Cause: "bulk read at night"})
	require.NoError(t, err)
	_, err = reg.ScopeFromAudit(ctx, dpo, "INC-1", incident.Window{Actor: nightReader.Actor.ID, From: start.Add(-time.Hour), To: start.Add(time.Hour)})
	require.NoError(t, err)
	h.close()
	return start
}

// incidentPolicy is the host's incident policy in these tests.
func incidentPolicy() incident.Policy {
	return incident.Policy{Regimes: incident.Regimes{Operator: incident.OperatorOther, Apply: []incident.Regime{incident.RegimeCAC, incident.RegimeGDPR},
		CACRegulator: "cac-shanghai", GDPRAuthority: "eu-lead-sa", IndividualsWithin: 72 * time.Hour},
		Grading: incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeSerious, People: 3}}}}
}

// showIncident runs `incident show ID --json`.
func showIncident(t *testing.T, cfg cli.Config, d *deployment, id string) (people int64, timeline []incident.Entry) {
	t.Helper()
	code, out, _ := run(t, cfg, "incident", "show", id, "--db", d.db, "--json")
	require.Equal(t, 0, code, out)
	var shown struct {
		Incident struct {
			People int64 `json:"people"`
		} `json:"incident"`
		Timeline []incident.Entry `json:"timeline"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	return shown.Incident.People, shown.Timeline
}

func TestIncidentScopeRecordsIntoTheIncident(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 6)
	start := d.withIncident(t)
	cfg := d.config()
	pol := incidentPolicy()
	cfg.Policies.Incident = &pol
	window := []string{"--actor", nightReader.Actor.ID, "--from", start.Add(-time.Hour).Format(time.RFC3339), "--to", start.Add(time.Hour).Format(time.RFC3339)}
	people, timeline := showIncident(t, cfg, d, "INC-2")
	require.Zero(t, people)
	require.Len(t, timeline, 1, "opened only")

	code, out, errOut := run(t, cfg, d.flags(append([]string{"incident", "scope", "--incident", "INC-2", "--json"}, window...)...)...)
	require.Equal(t, 0, code, errOut)
	var sc struct {
		Incident string `json:"incident"`
		Count    int64  `json:"count"`
		Affected int64  `json:"affected"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sc))
	assert.Equal(t, "INC-2", sc.Incident)
	assert.Equal(t, int64(3), sc.Count)
	assert.Equal(t, int64(3), sc.Affected)
	people, timeline = showIncident(t, cfg, d, "INC-2")
	assert.Equal(t, int64(3), people, "the scope is recorded into the incident")
	require.Len(t, timeline, 2)
	assert.Equal(t, "scoped.audit", timeline[1].Action)
	assert.Equal(t, "actor window found 3 customers in 3 entries", timeline[1].Detail)
	code, out, _ = run(t, cfg, "incident", "list", "--db", d.db)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "INC-2  analysing  serious", "graded from the scope")

	code, out, errOut = run(t, cfg, d.flags(append([]string{"incident", "scope", "--incident", "INC-2"}, window...)...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "3 affected in all")
	people, timeline = showIncident(t, cfg, d, "INC-2")
	assert.Equal(t, int64(3), people)
	assert.Len(t, timeline, 2, "the same scope again is recorded once")
}

func TestIncidentScopeIntoAnIncidentRefusesBadInput(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 4)
	start := d.withIncident(t)
	window := []string{"--actor", nightReader.Actor.ID, "--from", start.Add(-time.Hour).Format(time.RFC3339), "--to", start.Add(time.Hour).Format(time.RFC3339)}
	withPolicy := d.config()
	pol := incidentPolicy()
	withPolicy.Policies.Incident = &pol
	_, before := showIncident(t, withPolicy, d, "INC-2")
	for name, c := range map[string]struct {
		cfg  cli.Config
		args []string
	}{
		"no incident policy": {d.config(), append([]string{"incident", "scope", "--incident", "INC-2"}, window...)},
		"unknown incident":   {withPolicy, append([]string{"incident", "scope", "--incident", "INC-9"}, window...)},
		"unbounded":          {withPolicy, []string{"incident", "scope", "--incident", "INC-2", "--credential", "key-1", "--from", "2026-03-01"}},
	} {
		code, _, errOut := run(t, c.cfg, d.flags(c.args...)...)
		assert.Equal(t, 2, code, name)
		assert.NotEmpty(t, errOut, name)
	}
	people, after := showIncident(t, withPolicy, d, "INC-2")
	assert.Zero(t, people, "nothing changed")
	assert.Equal(t, before, after, "nothing changed")
}

func TestIncidentCommands(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 6)
	start := d.withIncident(t)
	cfg := d.config()

	code, out, _ := run(t, cfg, "incident", "list", "--db", d.db)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "INC-1  analysing  serious")
	assert.Contains(t, out, "3 people")

	code, out, _ = run(t, cfg, "incident", "show", "INC-1", "--db", d.db, "--json")
	require.Equal(t, 0, code)
	var shown struct {
		Incident struct {
			People      int64 `json:"people"`
			Obligations []struct {
				ID  string    `json:"id"`
				Due time.Time `json:"due"`
			} `json:"obligations"`
		} `json:"incident"`
		Timeline []incident.Entry `json:"timeline"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	assert.Equal(t, int64(3), shown.Incident.People)
	require.NotEmpty(t, shown.Incident.Obligations)
	assert.Equal(t, "cac-initial", shown.Incident.Obligations[0].ID)
	assert.True(t, shown.Incident.Obligations[0].Due.Equal(start.Add(4*time.Hour)), "4 hours for an operator that is not CII")
	assert.Len(t, shown.Timeline, 2)

	code, out, _ = run(t, cfg, d.flags("incident", "scope", "--actor", nightReader.Actor.ID,
		"--from", start.Add(-time.Hour).Format(time.RFC3339), "--to", start.Add(time.Hour).Format(time.RFC3339), "--json")...)
	require.Equal(t, 0, code, out)
	var sc struct {
		Customers []string `json:"customers"`
		Count     int      `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sc))
	assert.Equal(t, []string{string(customer(2)), string(customer(3)), string(customer(4))}, sc.Customers)

	code, out, _ = run(t, cfg, "incident", "report", "INC-1", "--lang", "zh", "--contact", "https://leasing.example/privacy", "--db", d.db)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "涉及人数（约）：3")
	code, out, _ = run(t, cfg, "incident", "report", "INC-1", "--lang", "en", "--contact", "https://leasing.example/privacy", "--db", d.db)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Approximate number of people concerned: 3")
}

func TestIncidentCommandsRefuseBadInput(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 4)
	d.withIncident(t)
	cfg := d.config()
	before := snapshot(t, d.dir)
	for name, args := range map[string][]string{
		"T2 before T1":    d.flags("incident", "scope", "--actor", "a", "--from", "2026-03-02", "--to", "2026-03-01"),
		"unbounded":       d.flags("incident", "scope", "--actor", "a", "--from", "2026-03-01"),
		"no actor":        d.flags("incident", "scope", "--from", "2026-03-01", "--to", "2026-03-02"),
		"unknown id":      {"incident", "show", "INC-9", "--db", d.db},
		"bad language":    {"incident", "report", "INC-1", "--lang", "fr", "--contact", "x", "--db", d.db},
		"no contact":      {"incident", "report", "INC-1", "--db", d.db},
		"two ids":         {"incident", "show", "INC-1", "INC-2", "--db", d.db},
		"unknown command": {"incident", "open"},
	} {
		code, _, _ := run(t, cfg, args...)
		assert.Equal(t, 2, code, name)
	}
	after := snapshot(t, d.dir)
	for f := range after {
		if _, ok := before[f]; !ok && (strings.HasSuffix(f, "-shm") || strings.HasSuffix(f, "-wal")) {
			delete(after, f) // SQLite's read-only open leaves its (empty) WAL files
		}
	}
	assert.Equal(t, before, after, "nothing changed")
}
