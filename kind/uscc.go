package kind

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// usccChars is the character set of GB 32100-2015 in the order of the
// values it gives them: digits and capital letters without I, O, Z, S, V.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// USCC is a unified social credit code (统一社会信用代码) of an organisation,
// as defined by GB 32100-2015: 18 characters from the digits and the
// capital letters other than I, O, Z, S and V, the last a check character
// computed modulo 31 (Art. 5.1). The positions mean (Art. 4):
//
//   - 1: the registration authority (登记管理部门代码, Appendix A): 1 机构编制,
//     2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (now
//     market regulation), A 中央军委改革和编制办公室, N 农业, Y 其他;
//   - 2: the organisation type (机构类别代码), valid per authority: 1: 1, 2, 3,
//     9; 2: 1, 9; 3: 1–5, 9; 4: 1, 9; 5: 1, 2, 3, 9; 6: 1, 2, 9; 7: 1, 2, 9;
//     8: 1, 9; 9: 1 企业, 2 个体工商户, 3 农民专业合作社; A: 1, 9; N: 1, 2, 3,
//     9; Y: 1;
//   - 3–8: the administrative division of the registering office (GB/T 2260):
//     six digits whose first two are a province-level code of the mainland
//     (11–15, 21–23, 31–37, 41–46, 50–54, 61–65), or 100000 for an office of
//     the central government; the rest of the division is not checked
//     against a table, since divisions are created, merged and renumbered;
//   - 9–17: the organisation's identifier (GB 11714), 18: the check
//     character.
//
// Canonical accepts a string. It ignores white space and dashes, reads
// full-width characters as ASCII and lower-case letters as upper-case. The
// canonical form is the 18 upper-case characters. The rules a [RuleError]
// names are "not valid UTF-8", "wrong length", "character outside the code
// set", "bad check character", "unknown registration authority",
// "organisation type not valid for its authority" and "region code is not
// an administrative division". Value checks only the characters and the
// check character, so that a code stored before the position rules, or
// accepted under ExtraTypes that a later configuration drops, stays
// readable.
type USCC struct {
	// MaskReveal is how many leading and trailing characters Mask shows;
	// nil means the first 8 (authority, type and region) and the last 2.
	MaskReveal *Reveal
	// ExtraTypes accepts more authority and type pairs than GB 32100-2015
	// lists, for codes issued under a later amendment: each entry is the
	// two characters of positions 1 and 2, such as "G1". They must be in
	// the code set; the slice must not change once the kind is in use.
	ExtraTypes []string
}

// Name returns "cn-uscc".
func (USCC) Name() string { return "cn-uscc" }

// Canonical validates v, a string, and returns its 18-character form.
func (k USCC) Canonical(v any) (string, error) {
	s, err := parsed(k.Name(), v, k.parse)
	if err != nil {
		return "", err
	}
	if err := k.checkPositions(s); err != nil {
		return "", err
	}
	return s, nil
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

// usccTypes returns the organisation types that the registration
// authority a assigns, as listed in GB 32100-2015 Appendix A.
func usccTypes(a byte) (string, bool) {
	switch a {
	case '1', '5', 'N': // 机关, 事业单位, 群众团体 / 社会团体, 民办非企业单位, 基金会 / 集体经济组织; 9 其他
		return "1239", true
	case '2', '4', '8', 'A':
		return "19", true
	case '3': // 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
		return "123459", true
	case '6', '7':
		return "129", true
	case '9': // 企业, 个体工商户, 农民专业合作社
		return "123", true
	case 'Y':
		return "1", true
	}
	return "", false
}

// checkPositions applies the rules on positions 1 to 8 to a code whose
// characters and check character are valid.
func (k USCC) checkPositions(s string) error {
	types, known := usccTypes(s[0])
	pair := s[:2]
	if slices.Contains(k.ExtraTypes, pair) {
		known, types = true, s[1:2]
	}
	if !known {
		return invalid(k.Name(), "unknown registration authority")
	}
	if !strings.Contains(types, s[1:2]) {
		return invalid(k.Name(), "organisation type not valid for its authority")
	}
	if !isDivision(s[2:8]) {
		return invalid(k.Name(), "region code is not an administrative division")
	}
	return nil
}

// isDivision reports whether s is six digits naming a mainland
// province-level division or one of its parts (GB/T 2260), or 100000, the
// central government.
func isDivision(s string) bool {
	if !isDigits(s) {
		return false
	}
	if s == "100000" {
		return true
	}
	switch p := atoi(s[:2]); {
	case 11 <= p && p <= 15, 21 <= p && p <= 23, 31 <= p && p <= 37, 41 <= p && p <= 46,
		50 <= p && p <= 54, 61 <= p && p <= 65:
		return true
	}
	return false
}

var _ interface {
	Kind
	Masker
} = USCC{}
