package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/custos-go/custos"
)

// PersonName is the name of a natural person, written in one script: Han
// characters ("张三", "阿依古丽·买买提"), Latin letters ("Zoë O'Brien-Smith"),
// or the scripts of China's minorities that resident identity cards carry
// beside Chinese — Tibetan, Uyghur (and Kazakh, Kyrgyz) in Arabic script,
// traditional Mongolian, Yi and Korean Hangul. A name identifies a person
// and is personal information under PIPL Art. 4 and GDPR Art. 4(1).
//
// Canonical accepts a string, folds width variants and applies NFKC (which
// also reads Arabic presentation forms as letters and composes decomposed
// accents), then, by script:
//
//   - Han: spaces are removed, since a space inside a Han name is only
//     padding ("张　三" aligned with three-character names), and the dot that
//     separates the parts of a transliterated name is written U+00B7
//     whichever of U+00B7, U+30FB, U+FF65, U+2022, U+2027, U+22C5, U+2219,
//     U+0387, U+2E31, U+A78F, '.', U+FF0E, '。' or U+FF61 was typed
//     ("阿卜杜．热合曼" is "阿卜杜·热合曼"); a dot may not begin or end the name
//     or follow another. U+3007 〇 is a Han character of the 通用规范汉字表
//     (2013), not a digit, and is accepted. A variation selector VS1–VS4 or
//     VS17–VS256 may follow a Han character (an ideographic variation
//     sequence for a rare glyph of a name). Mask: "张**".
//   - Latin: runs of white space become one space; letters keep their case
//     and diacritics; hyphens (U+2010–U+2013, U+2212 and U+FE63 are read as
//     '-'), apostrophes (U+2018, U+2019 and U+02BC are read as "'") and full
//     stops are accepted, and U+00B7 only between two l's, as Catalan writes
//     "Gal·la" (NFKC turns ŀ into l·). Mask: "Z* O*".
//   - Tibetan: runs of white space become one space; syllables are separated
//     by the tsheg U+0F0B (U+0F0C is read as U+0F0B); a tsheg that ends a
//     word is dropped ("ཚེ་རིང་" is "ཚེ་རིང"); a tsheg may not begin a word or
//     follow another. Mask: first letter of each word, "ཚ*".
//   - Arabic script: runs of white space become one space; the tatweel
//     U+0640, which only stretches a letter, is dropped; the vowel marks
//     are accepted after a letter. Mask: first letter of each word.
//   - Mongolian: runs of white space become one space; U+202F NARROW
//     NO-BREAK SPACE is kept between two Mongolian letters, where it joins a
//     word to its suffix ("ᠪᠠᠲᠤ\u202fᠶᠢᠨ"), and is a space elsewhere; a free
//     variation selector (U+180B–U+180D, U+180F) may follow a letter, and
//     U+180E MONGOLIAN VOWEL SEPARATOR may stand between a letter and a final
//     a or e ("ᠰᠠᠷ\u180eᠠ"). Mask: first letter of each word.
//   - Yi and Hangul: runs of white space become one space. Mask: first
//     character, "**".
//
// Refused: digits of any script, symbols and punctuation other than the
// separators above, letters of other scripts (Cyrillic, Greek, kana),
// letters of two of the scripts above in one name ("mixed scripts": no real
// name mixes them), combining marks that do not follow a letter or are not
// used by the name's script, and every other character [custos.Invisible]
// reports — bidirectional controls, zero-width spaces and joiners, the
// byte-order mark, tag characters, the combining grapheme joiner — which no
// name in these scripts needs and which would let two names that look the
// same differ.
//
// The rules a [RuleError] names are "not valid UTF-8", "empty", "contains a
// digit", "character not allowed in a name", "mixed scripts", "contains no
// letter", "misplaced middle dot", "misplaced tsheg", "combining mark not
// used in the name's script", "contains an invisible formatting character"
// and "longer than its maximum length".
//
// The canonical form keeps the case the person wrote; [PersonName.Fold]
// gives the key under which names equal but for case are the same, for a
// blind index.
type PersonName struct {
	// MaxRunes limits the canonical length in characters; 0 means no limit
	// beyond the vault's size limit.
	MaxRunes int
}

// Name returns "person-name".
func (PersonName) Name() string { return "person-name" }

// Canonical validates v, a string, and returns its canonical form.
func (k PersonName) Canonical(v any) (string, error) {
	s, err := asString(k.Name(), v)
	if err != nil {
		return "", err
	}
	if s, err = k.parse(s, false); err != nil {
		return "", err
	}
	if k.MaxRunes > 0 && utf8.RuneCountInString(s) > k.MaxRunes {
		return "", invalid(k.Name(), "longer than its maximum length")
	}
	return s, nil
}

// Value checks that canonical is a canonical name and returns it as a
// string. It does not apply MaxRunes, so that lowering the limit never
// makes stored names unreadable, nor the rules on combining marks and
// invisible characters that Canonical applies since names with any
// combining mark after a letter were accepted, so that those stay readable.
func (k PersonName) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, func(s string) (string, error) { return k.parse(s, true) })
}

// Fold returns the Unicode case folding of a canonical name, in NFKC: the
// same text for "Zoë O'Brien" and "ZOË O'BRIEN". Names in scripts without
// case are returned unchanged but for U+202F, which NFKC reads as a space.
func (PersonName) Fold(canonical string) string {
	return norm.NFKC.String(cases.Fold().String(canonical))
}

// Mask keeps the first character of a Han, Yi or Hangul name ("张**") or
// the first letter of each word of a name in another script ("Z* O*"); the
// stars do not reveal the length.
//
// The first Han character is the surname only for single-character
// surnames: a name does not mark where its surname ends, so a compound
// surname such as 欧阳 or 司马 shows only its first half ("欧**").
func (PersonName) Mask(canonical string) string {
	first, _ := utf8.DecodeRuneInString(canonical)
	if canonical == "" {
		return ""
	}
	if isHan(first) || unicode.In(first, unicode.Yi, unicode.Hangul) {
		return string(first) + "**"
	}
	words := strings.FieldsFunc(canonical, isCollapsible)
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		words[i] = string(r) + "*"
	}
	return strings.Join(words, " ")
}

// nameScript is the script a name is written in.
type nameScript uint8

const (
	noScript nameScript = iota
	hanScript
	latinScript
	tibetanScript
	arabicScript
	mongolianScript
	yiScript
	hangulScript
)

// The characters some scripts' names hold besides letters and marks.
const (
	tsheg   = '\u0F0B'
	tatweel = '\u0640'
)

// scriptOf returns the script of the letter r, or noScript for a letter
// no name is written in.
func scriptOf(r rune) nameScript {
	switch {
	case r < utf8.RuneSelf:
		if 'a' <= r|0x20 && r|0x20 <= 'z' {
			return latinScript
		}
	case isHan(r):
		return hanScript
	case unicode.Is(unicode.Latin, r):
		return latinScript
	case unicode.Is(unicode.Tibetan, r):
		return tibetanScript
	case unicode.Is(unicode.Arabic, r):
		return arabicScript
	case isMongolianLetter(r):
		return mongolianScript
	case unicode.Is(unicode.Yi, r):
		return yiScript
	case unicode.Is(unicode.Hangul, r):
		return hangulScript
	}
	return noScript
}

// usesMark reports whether the combining mark r is one the script's
// names use: its own marks, and for Latin and Arabic script the inherited
// diacritics and vowel marks.
func (sc nameScript) usesMark(r rune) bool {
	switch sc {
	case latinScript:
		return unicode.Is(unicode.Inherited, r)
	case tibetanScript:
		return unicode.Is(unicode.Tibetan, r)
	case arabicScript:
		return unicode.Is(unicode.Arabic, r) || unicode.Is(unicode.Inherited, r)
	case mongolianScript:
		return unicode.Is(unicode.Mongolian, r)
	}
	return false
}

// parse applies every rule but MaxRunes. stored skips the rules that
// Canonical added after names were first stored: marks of the name's
// script, and invisible characters among combining marks.
func (k PersonName) parse(s string, stored bool) (string, error) {
	s, err := foldedMongolian(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = strings.Map(personNameRune, s)
	sc := noScript
	prev := ' '
	var marks bool
	for _, r := range s {
		switch {
		case r == tatweel:
		case unicode.IsLetter(r) || r == '\u3007':
			got := scriptOf(r)
			if got == noScript {
				return "", invalid(k.Name(), "character not allowed in a name")
			}
			if sc != noScript && got != sc {
				return "", invalid(k.Name(), "mixed scripts")
			}
			sc = got
		case unicode.IsNumber(r):
			return "", invalid(k.Name(), "contains a digit")
		case unicode.In(r, unicode.Mn, unicode.Mc):
			// A combining mark NFKC could not compose, a vowel sign, a
			// subjoined letter or a variation selector.
			if !(unicode.IsLetter(prev) || prev == '\u3007' || unicode.In(prev, unicode.Mn, unicode.Mc)) {
				return "", invalid(k.Name(), "character not allowed in a name")
			}
			marks = true
		case unicode.IsSpace(r), strings.ContainsRune("-'.·。", r), r == tsheg:
		case custos.Invisible(r):
			// Judged in its place below.
		default:
			return "", invalid(k.Name(), "character not allowed in a name")
		}
		prev = r
	}
	if sc == noScript {
		if strings.TrimSpace(s) == "" {
			return "", invalid(k.Name(), "empty")
		}
		return "", invalid(k.Name(), "contains no letter")
	}
	if marks && !stored {
		for _, r := range s {
			if unicode.In(r, unicode.Mn, unicode.Mc) && !custos.Invisible(r) && !sc.usesMark(r) {
				return "", invalid(k.Name(), "combining mark not used in the name's script")
			}
		}
	}
	switch sc {
	case hanScript:
		s, err = k.han(s)
	case latinScript:
		s, err = k.latin(s)
	case tibetanScript:
		s, err = k.tibetan(s)
	default:
		s, err = k.other(s, sc)
	}
	if err != nil {
		return "", err
	}
	f := formats(0)
	if stored {
		f = legacyMarks
	}
	if f.hasInvisible(s) {
		return "", invalid(k.Name(), ruleInvisible)
	}
	return s, nil
}

// han removes the spaces of a Han name and writes its separating dots as
// U+00B7.
func (k PersonName) han(s string) (string, error) {
	s = removeFunc(s, unicode.IsSpace)
	if strings.ContainsAny(s, "-'") || strings.ContainsRune(s, tsheg) || strings.ContainsRune(s, tatweel) {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	s = strings.Map(func(r rune) rune {
		if r == '.' || r == '。' {
			return '·'
		}
		return r
	}, s)
	if strings.HasPrefix(s, "·") || strings.HasSuffix(s, "·") || strings.Contains(s, "··") {
		return "", invalid(k.Name(), "misplaced middle dot")
	}
	return s, nil
}

// latin collapses the spaces of a Latin name.
func (k PersonName) latin(s string) (string, error) {
	if strings.ContainsRune(s, '。') || strings.ContainsRune(s, tsheg) || strings.ContainsRune(s, tatweel) {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	for i, r := range s {
		if r != '·' {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len("·"):])
		if before|0x20 != 'l' || after|0x20 != 'l' {
			return "", invalid(k.Name(), "character not allowed in a name")
		}
	}
	return collapseSpace(s), nil
}

// tibetan collapses the spaces of a Tibetan name and drops the tsheg that
// ends a word.
func (k PersonName) tibetan(s string) (string, error) {
	if strings.ContainsAny(s, "-'.·。") || strings.ContainsRune(s, tatweel) {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	words := strings.FieldsFunc(s, isCollapsible)
	for i, w := range words {
		if strings.HasPrefix(w, string(tsheg)) || strings.Contains(w, string(tsheg)+string(tsheg)) {
			return "", invalid(k.Name(), "misplaced tsheg")
		}
		words[i] = strings.TrimSuffix(w, string(tsheg))
	}
	return strings.Join(words, " "), nil
}

// other collapses the spaces of a name in Arabic script, Mongolian, Yi or
// Hangul, and drops the tatweels of an Arabic-script name.
func (k PersonName) other(s string, sc nameScript) (string, error) {
	if strings.ContainsAny(s, "-'.·。") || strings.ContainsRune(s, tsheg) {
		return "", invalid(k.Name(), "character not allowed in a name")
	}
	if strings.ContainsRune(s, tatweel) {
		if sc != arabicScript {
			return "", invalid(k.Name(), "character not allowed in a name")
		}
		s = removeFunc(s, func(r rune) bool { return r == tatweel })
	}
	return collapseSpace(s), nil
}

// personNameRune writes each separator of names in one way: the dots of
// Han names as U+00B7, apostrophes as "'", hyphens as '-', and the Tibetan
// non-breaking tsheg as the tsheg.
func personNameRune(r rune) rune {
	switch r {
	case '\u00B7', '\u30FB', '\uFF65', '\u2022', '\u2027', '\u22C5', '\u2219', '\u0387', '\u2E31', '\uA78F':
		return '·'
	case '\u2018', '\u2019', '\u02BC':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2212', '\uFE63':
		return '-'
	case '\u0F0C':
		return tsheg
	}
	return r
}

var _ interface {
	Kind
	Masker
	Folder
} = PersonName{}
