package kind

import (
	"time"
	"unicode/utf8"
)

// ResidentID is a PRC resident identity number (居民身份号码) as defined by
// GB 11643-1999: six digits of region code whose first digit is 1-9, an
// eight-digit birth date YYYYMMDD, a three-digit sequence code and a check
// character computed with ISO 7064 MOD 11-2, "X" standing for ten.
//
// Canonical accepts a string. It ignores white space and dashes, reads
// full-width digits and letters as ASCII and a lower-case "x" as "X". The
// birth date must be a calendar date from 1900-01-01 up to today in China
// Standard Time (UTC+8). The region code is not checked against a region
// table, since codes are retired and reused.
//
// The canonical form is the 18 characters with an upper-case "X". The rules
// a [RuleError] names are "not valid UTF-8", "wrong length", "non-digit",
// "bad check character", "region code starts with 0", "impossible birth
// date", "birth date in the future" and "birth date before 1900".
//
// The number is identity data of class C2 under JR/T 0171-2020 (rule T10)
// and ID-linked sensitive personal information under PIPL Art. 28 (rule L8).
type ResidentID struct {
	// Now returns the current time, against which birth dates in the
	// future are rejected; nil means time.Now.
	Now func() time.Time
}

// Name returns "cn-resident-id".
func (ResidentID) Name() string { return "cn-resident-id" }

// Canonical validates v, a string, and returns its 18-character form.
func (k ResidentID) Canonical(v any) (string, error) {
	s, err := asString(k.Name(), v)
	if err != nil {
		return "", err
	}
	s, err = k.parse(s)
	if err != nil {
		return "", err
	}
	// The future is checked here and not in Value, so that a clock moved
	// backwards never makes a stored number unreadable.
	if s[6:14] > k.today() {
		return "", invalid(k.Name(), "birth date in the future")
	}
	return s, nil
}

// Value checks that canonical is a canonical resident ID and returns it as
// a string. It does not compare the birth date with today.
func (k ResidentID) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, k.parse)
}

// Mask keeps the region code and the last four characters, the display
// default of rule T10 (JR/T 0171-2020): "110105********002X".
func (ResidentID) Mask(canonical string) string {
	return maskMiddle(canonical, 6, 4)
}

// parse applies every rule except the one that depends on the clock.
func (k ResidentID) parse(s string) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = removeFunc(s, isSeparator)
	if utf8.RuneCountInString(s) != 18 {
		return "", invalid(k.Name(), "wrong length")
	}
	if last := s[17]; last == 'x' {
		s = s[:17] + "X"
	}
	if !isDigits(s[:17]) || !(isDigits(s[17:]) || s[17] == 'X') {
		return "", invalid(k.Name(), "non-digit")
	}
	if s[17] != residentIDCheck(s[:17]) {
		return "", invalid(k.Name(), "bad check character")
	}
	if s[0] == '0' {
		return "", invalid(k.Name(), "region code starts with 0")
	}
	if !isCalendarDate(s[6:10], s[10:12], s[12:14]) {
		return "", invalid(k.Name(), "impossible birth date")
	}
	if s[6:10] < "1900" {
		return "", invalid(k.Name(), "birth date before 1900")
	}
	return s, nil
}

// today returns the date of now in China Standard Time as YYYYMMDD, the
// time zone in which birth dates are recorded.
func (k ResidentID) today() string {
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	return now().In(time.FixedZone("CST", 8*60*60)).Format("20060102")
}

// residentIDCheck returns the ISO 7064 MOD 11-2 check character of the 17
// digits d, as GB 11643-1999 Art. 5 specifies.
func residentIDCheck(d string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// isCalendarDate reports whether the four-digit year and two-digit month
// and day, all ASCII digits, name a real date.
func isCalendarDate(year, month, day string) bool {
	y, m, d := atoi(year), atoi(month), atoi(day)
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}

// atoi converts a short string of ASCII digits to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

var _ interface {
	Kind
	Masker
} = ResidentID{}
