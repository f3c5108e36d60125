package kind

import "strings"

// Mobile is a mainland China mobile number: eleven digits, the first 1 and
// the second 3 to 9, as numbered by the MIIT telecommunications numbering
// plan.
//
// Canonical accepts a string. It ignores white space, dashes and
// parentheses, reads full-width digits and "＋" as ASCII, and removes the
// country code when written "+86", "0086" or "86" in front of eleven digits.
// The canonical form is the eleven digits without prefix. The rules a
// [RuleError] names are "not valid UTF-8", "non-digit", "country code is
// not 86", "wrong length" and "not a mobile number prefix".
//
// A phone number is account data of class C2 under JR/T 0171-2020 (rule
// T10).
type Mobile struct{}

// Name returns "cn-mobile".
func (Mobile) Name() string { return "cn-mobile" }

// Canonical validates v, a string, and returns its eleven digits.
func (k Mobile) Canonical(v any) (string, error) {
	return parsed(k.Name(), v, k.parse)
}

// Value checks that canonical is a canonical mobile number and returns it
// as a string.
func (k Mobile) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, k.parse)
}

// Mask keeps the first three and last four digits, the display default of
// rule T10 (JR/T 0171-2020): "138****1234".
func (Mobile) Mask(canonical string) string {
	return maskMiddle(canonical, 3, 4)
}

func (k Mobile) parse(s string) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = removeFunc(s, func(r rune) bool {
		return isSeparator(r) || r == '(' || r == ')'
	})
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	if !isDigits(s) {
		return "", invalid(k.Name(), "non-digit")
	}
	// "+" and "00" always introduce a country code; a bare "86" does only
	// in front of eleven digits.
	switch {
	case plus || strings.HasPrefix(s, "00"):
		if !plus {
			s = s[2:]
		}
		if !strings.HasPrefix(s, "86") {
			return "", invalid(k.Name(), "country code is not 86")
		}
		s = s[2:]
	case len(s) == 13 && strings.HasPrefix(s, "86"):
		s = s[2:]
	}
	if len(s) != 11 {
		return "", invalid(k.Name(), "wrong length")
	}
	if s[0] != '1' || s[1] < '3' {
		return "", invalid(k.Name(), "not a mobile number prefix")
	}
	return s, nil
}

var _ interface {
	Kind
	Masker
} = Mobile{}
