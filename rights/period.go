package rights

import (
	"fmt"
	"time"
)

// Period is the length of a clock, in calendar months and days, as
// statutes state them ("within one month of receipt").
//
// It is counted as Regulation (EEC, Euratom) No 1182/71 counts the periods
// of EU law, which GDPR Art. 12(3) uses: the day of receipt is not counted
// (Art. 3(1)); a period of months ends at the end of the day of the last
// month with the same date as the day of receipt, or, when that month has
// no such date, at the end of its last day (Art. 3(2)(c)) — the
// end-of-month rule: received on 31 January, one month ends on 28 February
// (29 in a leap year), three months on 30 April; then days are added, and
// the period ends at the end of that day (Art. 3(2)(b)). Unlike
// time.AddDate, a date never spills into the next month. Periods are
// counted in the regime's time zone.
type Period struct {
	Months, Days int
}

// Months returns a period of n calendar months.
func Months(n int) Period { return Period{Months: n} }

// Days returns a period of n days.
func Days(n int) Period { return Period{Days: n} }

// IsZero reports whether p is the zero period.
func (p Period) IsZero() bool { return p == Period{} }

// String returns "1m", "15d", "2m10d"; "0d" for zero.
func (p Period) String() string {
	s := ""
	if p.Months != 0 {
		s += fmt.Sprintf("%dm", p.Months)
	}
	if p.Days != 0 || s == "" {
		s += fmt.Sprintf("%dd", p.Days)
	}
	return s
}

// plus returns p and q together.
func (p Period) plus(q Period) Period {
	return Period{Months: p.Months + q.Months, Days: p.Days + q.Days}
}

// maxPeriodMonths bounds a period: no answer waits years.
const maxPeriodMonths = 24

func (p Period) check(what string) error {
	switch {
	case p.Months < 0 || p.Days < 0:
		return fmt.Errorf("%w: %s %s is negative", ErrConfig, what, p)
	case p.Months > maxPeriodMonths || p.Days > 31*maxPeriodMonths || p.Months*31+p.Days > 31*maxPeriodMonths:
		return fmt.Errorf("%w: %s %s is longer than %d months", ErrConfig, what, p, maxPeriodMonths)
	}
	return nil
}

// LastDay returns the last day of the period that runs from an event at t,
// counted in loc: the date, at midnight in loc.
func (p Period) LastDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	first := time.Date(y, m+time.Month(p.Months), 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 1, -1).Day() // days in the target month
	day := time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, loc)
	return day.AddDate(0, 0, p.Days)
}

// End returns the instant the period that runs from an event at t ends:
// midnight after its last day, in loc, in UTC. From End on, the period has
// run out.
func (p Period) End(t time.Time, loc *time.Location) time.Time {
	return p.LastDay(t, loc).AddDate(0, 0, 1).UTC()
}
