package report

import "time"

// months are consecutive calendar months in UTC, the buckets of the trend
// and due charts.
type months struct {
	first time.Time // the first day of the first month, 00:00 UTC
	n     int
}

// monthsFrom returns n months starting with the month of t.
func monthsFrom(t time.Time, n int) months {
	t = t.UTC()
	return months{first: time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), n: n}
}

// monthsTo returns the n months ending with the month of t.
func monthsTo(t time.Time, n int) months {
	m := monthsFrom(t, n)
	m.first = m.first.AddDate(0, 1-n, 0)
	return m
}

// start returns the first instant of month i; start(n) is the end.
func (m months) start(i int) time.Time { return m.first.AddDate(0, i, 0) }

// end is the first instant after the last month.
func (m months) end() time.Time { return m.start(m.n) }

// index returns the month t falls in, or -1 before the first and n after
// the last.
func (m months) index(t time.Time) int {
	t = t.UTC()
	if t.Before(m.first) {
		return -1
	}
	i := (t.Year()-m.first.Year())*12 + int(t.Month()) - int(m.first.Month())
	if i > m.n {
		return m.n
	}
	return i
}

// label returns "2026-12" for month i.
func (m months) label(i int) string { return m.start(i).Format("2006-01") }
