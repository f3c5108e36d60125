package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address is a postal or residential address written as free text, such
// as "北京市朝阳区某某路1号"; an address tied to a person is personal
// information under PIPL Art. 4 and GDPR Art. 4(1).
//
// Canonical accepts a string, folds width variants, applies NFKC, replaces
// each run of white space (line breaks included) by one space and trims
// both ends. It keeps U+202F NARROW NO-BREAK SPACE where it joins a
// Mongolian word to its suffix, between two Mongolian letters ("ᠬᠥᠬᠡᠬᠣᠲᠠ\u202fᠶᠢᠨ",
// as in the bilingual addresses of Inner Mongolia); anywhere else it is a
// space.
//
// An address refuses the characters that are not shown but change how
// text is shown or compared ([custos.Invisible]: bidirectional controls,
// zero-width spaces, the byte-order mark, tag characters), so that two
// addresses that look the same are the same. It accepts those that a real
// address needs where its script has them: a variation selector VS1–VS4 or
// VS17–VS256 directly after a Han character (rare characters of place
// names); a Mongolian free variation selector directly after a Mongolian
// letter, and U+180E MONGOLIAN VOWEL SEPARATOR before a final a or e; U+200C
// ZERO WIDTH NON-JOINER after a virama or between two letters of a cursive
// joining script (Persian, Urdu), and U+200D ZERO WIDTH JOINER after a
// virama (RFC 5892 Appendix A.1 and A.2). Emoji sequences are not
// addresses.
//
// The rules a [RuleError] names are "not valid UTF-8", "empty", "contains a
// control character", "contains an invisible formatting character" and
// "longer than its maximum length".
type Address struct {
	// MaxRunes limits the canonical length in characters; 0 means 200.
	MaxRunes int
	// MaskReveal is how many leading and trailing characters Mask shows;
	// nil means the first 6 and none at the end.
	MaskReveal *Reveal
}

// Name returns "address".
func (Address) Name() string { return "address" }

// Canonical validates v, a string, and returns its canonical form.
func (k Address) Canonical(v any) (string, error) {
	s, err := asString(k.Name(), v)
	if err != nil {
		return "", err
	}
	if s, err = k.parse(s, false); err != nil {
		return "", err
	}
	maxRunes := k.MaxRunes
	if maxRunes <= 0 {
		maxRunes = 200
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return "", invalid(k.Name(), "longer than its maximum length")
	}
	return s, nil
}

// Value checks that canonical is a canonical address and returns it as a
// string. It does not apply MaxRunes, so that lowering the limit never
// makes stored addresses unreadable, nor the invisible-character rule, so
// that an address stored before that rule stays readable.
func (k Address) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, func(s string) (string, error) { return k.parse(s, true) })
}

// Mask shows the characters MaskReveal names with "****" between them,
// whatever the length: "北京市朝阳区****" by default. An address no longer
// than the characters shown is masked as "****" alone.
func (k Address) Mask(canonical string) string {
	first, last := k.MaskReveal.counts(Reveal{First: 6})
	r := []rune(canonical)
	if len(r) <= first+last {
		return "****"
	}
	return string(r[:first]) + "****" + string(r[len(r)-last:])
}

// parse applies every rule but MaxRunes; stored skips the rule on
// invisible characters.
func (k Address) parse(s string, stored bool) (string, error) {
	s, err := foldedMongolian(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = collapseSpace(s)
	if s == "" {
		return "", invalid(k.Name(), "empty")
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "", invalid(k.Name(), "contains a control character")
	}
	if !stored && joiners.hasInvisible(s) {
		return "", invalid(k.Name(), ruleInvisible)
	}
	return s, nil
}

var _ interface {
	Kind
	Masker
} = Address{}
