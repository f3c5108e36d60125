package incident_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/incident"
)

func TestGradingValidate(t *testing.T) {
	cases := []struct {
		name string
		g    incident.Grading
		ok   bool
	}{
		{"none configured: only the fixed top grade", incident.Grading{}, true},
		{"rising thresholds", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeSerious, People: 10}, {Grade: incident.GradeMajor, People: 100}}}, true},
		{"overlapping: major needs no more than serious", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeSerious, People: 100}, {Grade: incident.GradeMajor, People: 100}}}, false},
		{"overlapping records", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeMajor, Records: 10}, {Grade: incident.GradeSerious, Records: 50}}}, false},
		{"a lower grade at the top grade's figure", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeMajor, People: incident.TopGradePeople}}}, false},
		{"top grade above the Measures' figure", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeEspeciallySerious, People: incident.TopGradePeople + 1}}}, false},
		{"twice the same grade", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeMajor, People: 5}, {Grade: incident.GradeMajor, People: 50}}}, false},
		{"a threshold for general", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeGeneral, People: 5}}}, false},
		{"an empty threshold", incident.Grading{Thresholds: []incident.Threshold{{Grade: incident.GradeMajor}}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.g.Validate()
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, incident.ErrConfig)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	g := policy().Grading
	cases := []struct {
		people, records int64
		want            incident.Grade
	}{
		{0, 0, incident.GradeGeneral},
		{2, 500, incident.GradeGeneral},
		{3, 0, incident.GradeSerious},
		{1_000_000, 0, incident.GradeMajor},
		{incident.TopGradePeople, 0, incident.GradeEspeciallySerious},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, g.Grade(c.people, c.records), "%d people", c.people)
	}
	assert.Equal(t, incident.GradeEspeciallySerious, incident.Grading{}.Grade(incident.TopGradePeople, 0), "the top grade needs no configuration")
}

func TestCACDeadline(t *testing.T) {
	for op, want := range map[incident.OperatorType]time.Duration{
		incident.OperatorCII: time.Hour, incident.OperatorCentralState: 2 * time.Hour, incident.OperatorOther: 4 * time.Hour,
	} {
		got, err := incident.CACDeadline(op)
		require.NoError(t, err)
		assert.Equal(t, want, got, op)
	}
	_, err := incident.CACDeadline("bank")
	assert.ErrorIs(t, err, incident.ErrConfig)
}

func TestRegimesValidate(t *testing.T) {
	base := policy().Regimes
	cases := map[string]func(r *incident.Regimes){
		"no regime":              func(r *incident.Regimes) { r.Apply = nil },
		"unknown regime":         func(r *incident.Regimes) { r.Apply = append(r.Apply, "ccpa") },
		"CAC without operator":   func(r *incident.Regimes) { r.Operator = "" },
		"GDPR without authority": func(r *incident.Regimes) { r.GDPRAuthority = "" },
		"PIPL without a target":  func(r *incident.Regimes) { r.PIPLWithin = 0 },
		"no individuals target":  func(r *incident.Regimes) { r.IndividualsWithin = 0 },
		"a negative follow-up":   func(r *incident.Regimes) { r.FollowUps = []time.Duration{-time.Hour} },
	}
	require.NoError(t, base.Validate())
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			r := base
			r.Apply = append([]incident.Regime(nil), base.Apply...)
			mod(&r)
			assert.ErrorIs(t, r.Validate(), incident.ErrConfig)
		})
	}
}

func TestObligationStatus(t *testing.T) {
	due := t0.Add(72 * time.Hour)
	cases := []struct {
		name string
		o    incident.Obligation
		now  time.Time
		want incident.Status
	}{
		{"open before due", incident.Obligation{Due: due}, t0, incident.StatusOpen},
		{"overdue after due", incident.Obligation{Due: due}, due.Add(time.Second), incident.StatusOverdue},
		{"met in time", incident.Obligation{Due: due, Met: due}, due.Add(time.Hour), incident.StatusMet},
		{"met late without reasons", incident.Obligation{Due: due, Met: due.Add(time.Hour)}, due.Add(time.Hour), incident.StatusOverdue},
		{"late with reasons (GDPR 33(1))", incident.Obligation{Due: due, Met: due.Add(time.Hour), Delay: "forensics pending"}, due.Add(time.Hour), incident.StatusDelayed},
		{"exempt", incident.Obligation{Due: due, Exempt: "GDPR Art. 34(3)(a)"}, due.Add(time.Hour), incident.StatusExempt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.o.Status(c.now)) })
	}
}

func TestExemption(t *testing.T) {
	cases := []struct {
		name string
		e    incident.Exposure
		want string
	}{
		{"ciphertext only, keys safe", incident.Exposure{Ciphertext: true}, "GDPR Art. 34(3)(a)"},
		{"ciphertext and a compromised KEK", incident.Exposure{Ciphertext: true, CompromisedKEKs: []string{"kek-1"}}, ""},
		{"plaintext released", incident.Exposure{Ciphertext: true, Plaintext: true}, ""},
		{"mitigated", incident.Exposure{Plaintext: true, Mitigated: "the copies were recovered before any use"}, "GDPR Art. 34(3)(b)"},
		{"disproportionate", incident.Exposure{Plaintext: true, Disproportionate: "no contact data"}, "public communication"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.e.Exemption()
			if c.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, c.want)
			}
		})
	}
}
