package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is free text: any valid UTF-8 without control characters other than
// tab and newline. Its canonical form is Unicode NFC with surrounding white
// space removed; it must not be empty. Unlike the other kinds it keeps
// compatibility characters (full-width letters, ligatures) as written.
//
// Text refuses the characters that are not shown but change how text is
// shown or compared ([custos.Invisible]: bidirectional controls, zero-width
// spaces, the byte-order mark, tag characters, the soft hyphen, the
// combining grapheme joiner), so that two notes that look the same are the
// same. It accepts those that real text in some script needs, where that
// script has them:
//   - U+200C ZERO WIDTH NON-JOINER after a virama (Devanagari "क्\u200cष") or between
//     two letters of a cursive joining script (Persian "می\u200cخواهم"; Arabic,
//     Syriac, Mongolian, N'Ko, Mandaic, Adlam), and U+200D ZERO WIDTH JOINER
//     after a virama: the contexts of RFC 5892 Appendix A.1 and A.2;
//   - U+200D between two emoji ("👩\u200d💻"), and U+FE0E or U+FE0F after a symbol
//     or a keycap base ("❤\ufe0f", "1\ufe0f\u20e3");
//   - a variation selector VS1–VS4 or VS17–VS256 directly after a Han
//     character ("葛\U000E0100", an ideographic variation sequence);
//   - a Mongolian free variation selector (U+180B–U+180D, U+180F) directly
//     after a Mongolian letter, and U+180E MONGOLIAN VOWEL SEPARATOR between
//     a Mongolian letter and a final a or e ("ᠬᠠᠷ\u180eᠠ").
//
// The rules a [RuleError] names are "not valid UTF-8", "empty", "contains a
// control character", "contains an invisible formatting character",
// "longer than its maximum length" and, from Value, "stored text is not
// valid UTF-8".
type Text struct {
	// MaxRunes limits the length in characters; 0 means no limit beyond
	// the vault's size limit.
	MaxRunes int
}

// Name returns "text".
func (Text) Name() string { return "text" }

// Canonical validates v, a string, and returns its NFC form, trimmed.
func (t Text) Canonical(v any) (string, error) {
	s, err := asString(t.Name(), v)
	if err != nil {
		return "", err
	}
	return t.canonical(s)
}

func (t Text) canonical(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid(t.Name(), "not valid UTF-8")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if s == "" {
		return "", invalid(t.Name(), "empty")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return "", invalid(t.Name(), "contains a control character")
		}
	}
	if (joiners | emoji).hasInvisible(s) {
		return "", invalid(t.Name(), ruleInvisible)
	}
	if t.MaxRunes > 0 && utf8.RuneCountInString(s) > t.MaxRunes {
		return "", invalid(t.Name(), "longer than its maximum length")
	}
	return s, nil
}

// Value returns the canonical text as a string. It checks only that the
// text is valid UTF-8: stored values come out of authenticated encryption
// exactly as Canonical produced them, and a note stored before Text refused
// invisible characters stays readable.
func (t Text) Value(canonical string) (any, error) {
	if !utf8.ValidString(canonical) {
		return nil, invalid(t.Name(), "stored text is not valid UTF-8")
	}
	return canonical, nil
}

// Mask hides free text entirely, its length included: "***". Free text can
// hold any personal information, so no part of it is safe to show.
func (Text) Mask(string) string { return "***" }

var _ interface {
	Kind
	Masker
} = Text{}
