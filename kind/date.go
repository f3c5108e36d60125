package kind

import (
	"strings"
	"time"
	"unicode"
)

// Date is a calendar date without time of day, such as a birth date or the
// end of a contract, in the proleptic Gregorian calendar of ISO 8601 with
// years 0001 to 9999.
//
// Canonical accepts a time.Time, whose date in its own location is taken,
// or a string "2006-01-02", "2006/01/02" or "2006年1月2日" (month and day may
// have one or two digits; white space is ignored and full-width digits are
// read as ASCII). The
// canonical form is YYYY-MM-DD and Value returns a time.Time at 00:00 UTC.
//
// The rules a [RuleError] names are "not valid UTF-8", "not a date in a
// known format", "not a calendar date", "before its minimum" and "after its
// maximum".
type Date struct {
	// Min and Max bound the date, taken in their own locations, when not
	// zero. A Min after Max rejects every date.
	Min, Max time.Time
}

// Name returns "date".
func (Date) Name() string { return "date" }

// Canonical validates v, a time.Time or a string, and returns YYYY-MM-DD.
func (k Date) Canonical(v any) (string, error) {
	var d time.Time
	switch x := v.(type) {
	case time.Time:
		d = dateOf(x)
		if d.Year() < 1 || d.Year() > 9999 {
			return "", invalid(k.Name(), "not a calendar date")
		}
	case string:
		var err error
		if d, err = k.parse(x); err != nil {
			return "", err
		}
	default:
		return "", wrongType(k.Name(), v, "time.Time or string")
	}
	if err := k.check(d); err != nil {
		return "", err
	}
	return d.Format(time.DateOnly), nil
}

// Value parses YYYY-MM-DD into a time.Time at 00:00 UTC. It does not
// apply Min and Max, so that narrowing them never makes stored dates
// unreadable.
func (k Date) Value(canonical string) (any, error) {
	d, err := k.parse(canonical)
	if err != nil {
		return nil, err
	}
	if d.Format(time.DateOnly) != canonical {
		return nil, invalid(k.Name(), "stored text is not canonical")
	}
	return d, nil
}

// Mask keeps the year: "1990-**-**".
func (Date) Mask(canonical string) string {
	if len(canonical) != len(time.DateOnly) || !isDigits(canonical[:4]) {
		return "****-**-**"
	}
	return canonical[:4] + "-**-**"
}

func (k Date) check(d time.Time) error {
	if !k.Min.IsZero() && d.Before(dateOf(k.Min)) {
		return invalid(k.Name(), "before its minimum")
	}
	if !k.Max.IsZero() && d.After(dateOf(k.Max)) {
		return invalid(k.Name(), "after its maximum")
	}
	return nil
}

// parse reads the date formats Canonical accepts.
func (k Date) parse(s string) (time.Time, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return time.Time{}, err
	}
	s = removeFunc(s, unicode.IsSpace)
	var parts []string
	switch {
	case strings.HasSuffix(s, "日"):
		parts = strings.FieldsFunc(strings.TrimSuffix(s, "日"), func(r rune) bool { return r == '年' || r == '月' })
		if strings.Count(s, "年") != 1 || strings.Count(s, "月") != 1 || strings.Index(s, "年") > strings.Index(s, "月") {
			parts = nil
		}
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
	case strings.Count(s, "/") == 2:
		parts = strings.Split(s, "/")
	}
	if len(parts) != 3 || len(parts[0]) != 4 || !isDigits(parts[0]) ||
		len(parts[1]) > 2 || !isDigits(parts[1]) || len(parts[2]) > 2 || !isDigits(parts[2]) {
		return time.Time{}, invalid(k.Name(), "not a date in a known format")
	}
	y, m, d := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, invalid(k.Name(), "not a calendar date")
	}
	return t, nil
}

// dateOf returns the date of t in t's location, at 00:00 UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var _ interface {
	Kind
	Masker
} = Date{}
