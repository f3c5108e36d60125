package kind

import (
	"strings"
	"unicode/utf8"
)

// usccChars is the character set of GB 32100-2015 in the order of the
// values it gives them: digits and capital letters without I, O, Z, S, V.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// USCC is a unified social credit code (统一社会信用代码) of an organisation,
// as defined by GB 32100-2015: 18 characters from the digits and the
// capital letters other than I, O, Z, S and V, the last a check character
// computed modulo 31.
//
// Canonical accepts a string. It ignores white space and dashes, reads
// full-width characters as ASCII and lower-case letters as upper-case. The
// canonical form is the 18 upper-case characters. The rules a [RuleError]
// names are "not valid UTF-8", "wrong length", "character outside the code
// set" and "bad check character". The meaning of the positions (registering
// authority, organisation type, region) is not checked.
type USCC struct {
	// MaskReveal is how many leading and trailing characters Mask shows;
	// nil means the first 8 (authority, type and region) and the last 2.
	MaskReveal *Reveal
}

// Name returns "cn-uscc".
func (USCC) Name() string { return "cn-uscc" }

// Canonical validates v, a string, and returns its 18-character form.
func (k USCC) Canonical(v any) (string, error) {
	return parsed(k.Name(), v, k.parse)
}

// Value checks that canonical is a canonical code and returns it as a
// string.
func (k USCC) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, k.parse)
}

// Mask shows the characters MaskReveal names and replaces the others by
// '*': "91110108********1E" by default.
func (k USCC) Mask(canonical string) string {
	first, last := k.MaskReveal.counts(Reveal{First: 8, Last: 2})
	return maskMiddle(canonical, first, last)
}

func (k USCC) parse(s string) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = removeFunc(s, isSeparator)
	if utf8.RuneCountInString(s) != 18 {
		return "", invalid(k.Name(), "wrong length")
	}
	s = strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	// GB 32100-2015 Art. 5.1: weights 3^i mod 31, check = 31 - sum mod 31.
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := range 18 {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return "", invalid(k.Name(), "character outside the code set")
		}
		if i < 17 {
			sum += v * weights[i]
		}
	}
	if s[17] != usccChars[(31-sum%31)%31] {
		return "", invalid(k.Name(), "bad check character")
	}
	return s, nil
}

var _ interface {
	Kind
	Masker
} = USCC{}
