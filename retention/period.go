package retention

import (
	"fmt"
	"time"
)

// MaxPeriodYears bounds every period of a policy: no retention rule in
// force runs longer than a lifetime, and a figure beyond it is a typing
// error (PIPL Art. 19 asks for the shortest period needed).
const MaxPeriodYears = 100

// Period is a length of time counted on the calendar, in whole years,
// months and days, as statutes state them ("10 years after the
// relationship ends"). It is added to a start with time.AddDate in UTC:
// years and months move the date, keeping the day of the month and
// normalising past the month's end (31 January + 1 month is 3 March), then
// days are added. The zero Period is "none".
type Period struct {
	Years, Months, Days int
}

// Years returns a period of n years.
func Years(n int) Period { return Period{Years: n} }

// Months returns a period of n months.
func Months(n int) Period { return Period{Months: n} }

// Days returns a period of n days.
func Days(n int) Period { return Period{Days: n} }

// IsZero reports whether p is the zero period.
func (p Period) IsZero() bool { return p == Period{} }

// After returns the instant p after t, in UTC.
func (p Period) After(t time.Time) time.Time {
	return t.UTC().AddDate(p.Years, p.Months, p.Days)
}

// String returns the period as "10y", "6m", "1y6m15d"; "0d" for zero.
func (p Period) String() string {
	s := ""
	if p.Years != 0 {
		s += fmt.Sprintf("%dy", p.Years)
	}
	if p.Months != 0 {
		s += fmt.Sprintf("%dm", p.Months)
	}
	if p.Days != 0 || s == "" {
		s += fmt.Sprintf("%dd", p.Days)
	}
	return s
}

// check reports whether p is positive and bounded: no part negative, not
// zero, and no longer than MaxPeriodYears from any start.
func (p Period) check() error {
	switch {
	case p.Years < 0 || p.Months < 0 || p.Days < 0:
		return fmt.Errorf("%w: period %s is negative", ErrPolicy, p)
	case p.IsZero():
		return fmt.Errorf("%w: period is zero", ErrPolicy)
	case p.Years > MaxPeriodYears || p.Months > 12*MaxPeriodYears || p.Days > 366*MaxPeriodYears:
		return fmt.Errorf("%w: period %s is longer than %d years", ErrPolicy, p, MaxPeriodYears)
	}
	if ref := referenceStarts()[0]; p.After(ref).After(Years(MaxPeriodYears).After(ref)) {
		return fmt.Errorf("%w: period %s is longer than %d years", ErrPolicy, p, MaxPeriodYears)
	}
	return nil
}

// shorter reports whether a ends before b from some start. Calendar
// periods compare differently from different starts (1 month against 30
// days), so both are tried from the first and last day of every month of a
// common and a leap year, and a is shorter if it ends first from any of
// them: a maximum must not fall below a minimum whatever day the clock
// starts.
func shorter(a, b Period) bool {
	for _, t := range referenceStarts() {
		if a.After(t).Before(b.After(t)) {
			return true
		}
	}
	return false
}

// referenceStarts returns the starts shorter compares periods from.
func referenceStarts() []time.Time {
	var ts []time.Time
	for _, y := range []int{2023, 2024} {
		for m := time.January; m <= time.December; m++ {
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			ts = append(ts, first, first.AddDate(0, 1, -1))
		}
	}
	return ts
}
