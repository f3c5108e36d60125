package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// TestForgetPeriodKeepsTheMinimum: a period's references stay linkable for
// Config.KeepMonths after it ends — by default 36 (PIPL Art. 56), never
// less than 6 (CSL Art. 21(3)) — and forgetting a younger period is refused
// with ErrTooRecent, changing nothing.
func TestForgetPeriodKeepsTheMinimum(t *testing.T) {
	ctx := context.Background()
	at := func(ts time.Time) func(*audit.Config) {
		return func(c *audit.Config) { c.Clock = func() time.Time { return ts } }
	}
	tests := []struct {
		name   string
		period string
		keep   int
		now    time.Time
		want   error // nil: forgotten
	}{
		{"last month, default", "2026-02", 0, t0, audit.ErrTooRecent},
		{"a day before 3 years, default", "2026-02", 0, time.Date(2029, 2, 28, 23, 0, 0, 0, time.UTC), audit.ErrTooRecent},
		{"3 years after it ends, default", "2026-02", 0, time.Date(2029, 3, 1, 0, 0, 0, 0, time.UTC), nil},
		{"a quarter under 3 years", "2026-Q1", 0, time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC), audit.ErrTooRecent},
		{"a quarter 3 years after it ends", "2026-Q1", 0, time.Date(2029, 4, 1, 0, 0, 0, 0, time.UTC), nil},
		{"a year under 3 years", "2026", 0, time.Date(2029, 12, 31, 0, 0, 0, 0, time.UTC), audit.ErrTooRecent},
		{"6 months configured, 5 months on", "2026-02", 6, time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC), audit.ErrTooRecent},
		{"6 months configured, 6 months on", "2026-02", 6, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := newKeyring(t)
			s := memstore.New().Audit()
			start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) // in every period of the table
			period := audit.PeriodMonth
			switch len(tt.period) {
			case 4:
				period = audit.PeriodYear
			case 7:
				if tt.period[5] == 'Q' {
					period = audit.PeriodQuarter
				}
			}
			l := newLog(t, s, kr, at(tt.now), func(c *audit.Config) { c.KeepMonths, c.Period = tt.keep, period })
			e := event(0)
			e.Time = start.Add(time.Hour)
			_, err := l.Append(ctx, e)
			require.NoError(t, err)
			_, before, err := l.Reference(ctx, e.Subject, e.Time)
			require.NoError(t, err)

			err = l.ForgetPeriod(ctx, tt.period)
			if tt.want == nil {
				require.NoError(t, err)
				_, _, err = l.Reference(ctx, e.Subject, e.Time)
				assert.ErrorIs(t, err, audit.ErrReference)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), "must stay linkable until")
			_, after, err := l.Reference(ctx, e.Subject, e.Time)
			require.NoError(t, err, "the key is still there")
			assert.Equal(t, before, after, "nothing changed")
		})
	}
}

func TestKeepMonthsBelowTheFloorIsRefused(t *testing.T) {
	for _, n := range []int{-1, 1, 5, 1201} {
		_, err := audit.New(context.Background(), audit.Config{Store: memstore.New().Audit(), Keys: newKeyring(t), Origin: origin, KeepMonths: n})
		assert.ErrorIs(t, err, audit.ErrConfig, "KeepMonths %d", n)
	}
}
