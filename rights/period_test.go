package rights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/custos-go/custos/rights"
)

// TestPeriodEndOfMonth checks the counting of Regulation 1182/71 Art. 3:
// the day of receipt is not counted, a month ends on the same date of the
// last month or, when it has none, on its last day; the period ends at
// midnight after its last day.
func TestPeriodEndOfMonth(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name     string
		received string
		period   rights.Period
		last     string
	}{
		{"mid-month", "2026-01-15", rights.Months(1), "2026-02-15"},
		{"31 January, common year", "2026-01-31", rights.Months(1), "2026-02-28"},
		{"31 January, leap year", "2028-01-31", rights.Months(1), "2028-02-29"},
		{"30 January", "2026-01-30", rights.Months(1), "2026-02-28"},
		{"29 February + 12 months", "2028-02-29", rights.Months(12), "2029-02-28"},
		{"31 March", "2026-03-31", rights.Months(1), "2026-04-30"},
		{"31 January + 3 months", "2026-01-31", rights.Months(3), "2026-04-30"},
		{"31 December into the next year", "2026-12-31", rights.Months(2), "2027-02-28"},
		{"days", "2026-01-31", rights.Days(15), "2026-02-15"},
		{"months then days", "2026-01-31", rights.Period{Months: 1, Days: 1}, "2026-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			received := day(tt.received).Add(17 * time.Hour)
			assert.Equal(t, day(tt.last), tt.period.LastDay(received, time.UTC))
			assert.Equal(t, day(tt.last).AddDate(0, 0, 1), tt.period.End(received, time.UTC))
		})
	}
}

// TestPeriodTimeZone: days are counted in the regime's zone, so a request
// received late in the evening in Beijing, still the same day in UTC, and
// one received just after midnight there count from different days.
func TestPeriodTimeZone(t *testing.T) {
	g := rights.PIPL(rights.Days(15))
	evening := time.Date(2026, 3, 1, 15, 59, 0, 0, time.UTC) // 23:59 in Beijing
	midnight := time.Date(2026, 3, 1, 16, 1, 0, 0, time.UTC) // 00:01 on 2 March in Beijing
	assert.Equal(t, time.Date(2026, 3, 16, 16, 0, 0, 0, time.UTC), g.Due(evening), "end of 16 March, Beijing time")
	assert.Equal(t, time.Date(2026, 3, 17, 16, 0, 0, 0, time.UTC), g.Due(midnight))
}

func TestGDPRClock(t *testing.T) {
	g := rights.GDPR()
	received := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), g.Due(received), "one month: through 28 February")
	assert.Equal(t, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), g.ExtendedDue(received), "three months from receipt: through 30 April, not 28 April")
}

func TestRegimeValidate(t *testing.T) {
	good := rights.GDPR()
	tests := []struct {
		name string
		edit func(*rights.Regime)
	}{
		{"no name", func(g *rights.Regime) { g.Name = "" }},
		{"name with a space", func(g *rights.Regime) { g.Name = "eu gdpr" }},
		{"no period", func(g *rights.Regime) { g.Period = rights.Period{} }},
		{"negative extension", func(g *rights.Regime) { g.Extension = rights.Months(-1) }},
		{"period of years", func(g *rights.Regime) { g.Period = rights.Months(36) }},
		{"no law", func(g *rights.Regime) { g.Law = "" }},
	}
	assert.NoError(t, good.Validate())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := good
			tt.edit(&g)
			assert.ErrorIs(t, g.Validate(), rights.ErrConfig)
		})
	}
}
