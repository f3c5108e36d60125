package kind

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/custos-go/custos"
)

// ruleInvisible is the rule of every text kind that refuses the characters
// custos.Invisible reports, except those a real value needs where it has
// them.
const ruleInvisible = "contains an invisible formatting character"

// formats says which invisible characters (custos.Invisible) a kind accepts
// beyond those every text kind accepts in their place (see visibleOrNeeded).
type formats uint8

const (
	// joiners accepts U+200C ZERO WIDTH NON-JOINER after a virama or between
	// two letters of a cursive joining script (Persian, Urdu and Kurdish in
	// Arabic script, Syriac, Mongolian, N'Ko, Mandaic, Adlam), and U+200D
	// ZERO WIDTH JOINER after a virama: the contexts of RFC 5892 Appendix
	// A.1 and A.2, in which Indic conjuncts and Arabic-script words need
	// them.
	joiners formats = 1 << iota
	// emoji accepts U+200D between two emoji (a family, a profession) and
	// the presentation selectors U+FE0E and U+FE0F after a symbol or a
	// keycap base (0-9, #, *).
	emoji
	// legacyMarks accepts every invisible combining mark (a variation
	// selector, the combining grapheme joiner) after a letter or a mark, as
	// PersonName did before it judged them, so that names stored then stay
	// readable.
	legacyMarks
)

// hasInvisible reports whether s holds a character that custos.Invisible
// reports and that f does not accept where it stands.
//
// Every text kind accepts, besides what f adds:
//   - a variation selector VS1–VS4 (U+FE00–U+FE03: standardized variants of
//     CJK compatibility ideographs) or VS17–VS256 (U+E0100–U+E01EF:
//     registered ideographic variation sequences) directly after a Han
//     character, which names and place names of rare characters need;
//   - a Mongolian free variation selector (U+180B–U+180D, U+180F) directly
//     after a Mongolian letter, which chooses the letter's written form;
//   - U+180E MONGOLIAN VOWEL SEPARATOR after a Mongolian letter (and its
//     free variation selector, if any) and before a final a or e (U+1820,
//     U+1821), as in "ᠬᠠᠷ\u180eᠠ".
func (f formats) hasInvisible(s string) bool {
	var rs []rune
	n := 0 // the index in rs of the character at s[i:]
	for _, r := range s {
		if r >= 0xAD && custos.Invisible(r) {
			if rs == nil {
				rs = []rune(s)
			}
			if !f.needed(rs, n) {
				return true
			}
		}
		n++
	}
	return false
}

// needed reports whether the invisible character rs[i] is one a real value
// has there.
func (f formats) needed(rs []rune, i int) bool {
	at := func(j int) rune {
		if j < 0 || j >= len(rs) {
			return -1
		}
		return rs[j]
	}
	r, prev, next := rs[i], at(i-1), at(i+1)
	if f&legacyMarks != 0 && unicode.Is(unicode.Mn, r) && (unicode.IsLetter(prev) || prev == '\u3007' || unicode.In(prev, unicode.Mn, unicode.Mc)) {
		return true
	}
	switch {
	case r >= 0xFE00 && r <= 0xFE03, r >= 0xE0100 && r <= 0xE01EF:
		return isHan(prev)
	case r == 0xFE0E || r == 0xFE0F:
		return f&emoji != 0 && (isEmoji(prev) || prev == '#' || prev == '*' || '0' <= prev && prev <= '9')
	case isMongolianFVS(r):
		return isMongolianLetter(prev)
	case r == 0x180E:
		if !isMongolianLetter(prev) && !(isMongolianFVS(prev) && isMongolianLetter(at(i-2))) {
			return false
		}
		if next != 0x1820 && next != 0x1821 {
			return false
		}
		after := at(i + 2)
		if isMongolianFVS(after) {
			after = at(i + 3)
		}
		return !isMongolianLetter(after) // the a or e is final
	case r == 0x200C:
		return f&joiners != 0 && (isVirama(prev) || joiningContext(rs, i))
	case r == 0x200D:
		if f&joiners != 0 && isVirama(prev) {
			return true
		}
		return f&emoji != 0 && isEmojiEnd(rs[:i]) && isEmoji(next)
	}
	return false
}

// isHan reports whether r is a Han character: an ideograph or U+3007 〇.
func isHan(r rune) bool {
	return r >= 0x2E80 && unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || r == '\u3007')
}

// isMongolianLetter reports whether r is a letter of the Mongolian script.
func isMongolianLetter(r rune) bool {
	return r >= 0x1800 && r <= 0x18AF && unicode.IsLetter(r)
}

// isMongolianFVS reports whether r is a Mongolian free variation selector.
func isMongolianFVS(r rune) bool {
	return r >= 0x180B && r <= 0x180D || r == 0x180F
}

// isVirama reports whether r is a virama (canonical combining class 9),
// after which Indic scripts use the joiners to choose a conjunct's form.
func isVirama(r rune) bool {
	if r < 0x900 || !unicode.Is(unicode.Mn, r) {
		return false
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	return norm.NFD.Properties(b[:n]).CCC() == 9
}

// joiningContext reports whether the characters around rs[i], skipping
// combining marks, are letters of one cursive joining script.
func joiningContext(rs []rune, i int) bool {
	before, after := rune(-1), rune(-1)
	for j := i - 1; j >= 0; j-- {
		if !unicode.IsMark(rs[j]) {
			before = rs[j]
			break
		}
	}
	for j := i + 1; j < len(rs); j++ {
		if !unicode.IsMark(rs[j]) {
			after = rs[j]
			break
		}
	}
	if !unicode.IsLetter(before) || !unicode.IsLetter(after) {
		return false
	}
	// The cursive scripts, in which a zero-width non-joiner between two
	// letters keeps them apart, as Persian writes "می\u200cخواهم".
	for _, t := range [...]*unicode.RangeTable{unicode.Arabic, unicode.Syriac, unicode.Mongolian, unicode.Nko, unicode.Mandaic, unicode.Adlam} {
		if unicode.Is(t, before) && unicode.Is(t, after) {
			return true
		}
	}
	return false
}

// isEmoji reports whether r is a pictographic symbol, which emoji
// sequences join.
func isEmoji(r rune) bool {
	return r >= 0x2000 && unicode.Is(unicode.So, r)
}

// isEmojiEnd reports whether rs ends with an emoji, optionally followed by
// a skin-tone modifier or U+FE0F.
func isEmojiEnd(rs []rune) bool {
	for j := len(rs) - 1; j >= 0; j-- {
		switch r := rs[j]; {
		case isEmoji(r):
			return true
		case r == 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF:
		default:
			return false
		}
	}
	return false
}
