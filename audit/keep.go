package audit

import (
	"fmt"
	"strconv"
	"time"
)

// DefaultKeepMonths is how long, by default, a period's entries stay
// linkable to customers after the period ends: the audit log is the record
// of processing, kept at least 3 years (PIPL Art. 56).
const DefaultKeepMonths = 36

// MinKeepMonths is the least Config.KeepMonths may be: network logs are
// kept at least 6 months (CSL Art. 21(3)).
const MinKeepMonths = 6

// keepMonths validates Config.KeepMonths and returns it, 0 meaning
// DefaultKeepMonths.
func keepMonths(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultKeepMonths, nil
	case n < MinKeepMonths:
		return 0, fmt.Errorf("%w: KeepMonths %d is below %d months (CSL Art. 21(3))", ErrConfig, n, MinKeepMonths)
	case n > 1200:
		return 0, fmt.Errorf("%w: KeepMonths %d is over 100 years", ErrConfig, n)
	}
	return n, nil
}

// periodEnd returns the instant the period with id ends (UTC): the start
// of the next month, quarter or year. ok is false for an id that is not a
// month ("2026-01"), a quarter ("2026-Q1") or a year ("2026"); callers
// check validPeriod too, which refuses signs.
func periodEnd(id string) (end time.Time, ok bool) {
	year := func(s string) (int, bool) {
		y, err := strconv.Atoi(s)
		return y, err == nil && len(s) == 4 && y >= 1
	}
	switch {
	case len(id) == 4:
		if y, ok := year(id); ok {
			return time.Date(y+1, time.January, 1, 0, 0, 0, 0, time.UTC), true
		}
	case len(id) == 7 && id[4] == '-' && id[5] == 'Q':
		y, ok := year(id[:4])
		q, err := strconv.Atoi(id[6:])
		if ok && err == nil && q >= 1 && q <= 4 {
			return time.Date(y, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC), true
		}
	case len(id) == 7 && id[4] == '-':
		y, ok := year(id[:4])
		m, err := strconv.Atoi(id[5:])
		if ok && err == nil && m >= 1 && m <= 12 {
			return time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}
