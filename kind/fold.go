package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// folded checks that s is valid UTF-8 and returns it with width variants
// folded (full-width ASCII to ASCII, half-width katakana to full-width) and
// then in Unicode NFKC, so that "１３８", "138" and "138" read the same.
func folded(kind, s string) (string, error) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			if !utf8.ValidString(s) {
				return "", invalid(kind, "not valid UTF-8")
			}
			return norm.NFKC.String(width.Fold.String(s)), nil
		}
	}
	return s, nil // ASCII is its own width fold and NFKC form
}

// nnbsp is U+202F NARROW NO-BREAK SPACE, which Mongolian writes between a
// word and its suffix ("ᠪᠠᠲᠤ\u202fᠶᠢᠨ") and which NFKC would turn into a space.
const nnbsp = '\u202F'

// foldedMongolian is folded, except that it keeps each U+202F that joins a
// Mongolian word to its suffix, between two Mongolian letters (the first
// perhaps followed by a free variation selector or a mark); every other
// U+202F becomes a space, as NFKC makes it.
func foldedMongolian(kind, s string) (string, error) {
	if !strings.ContainsRune(s, nnbsp) {
		return folded(kind, s)
	}
	if !utf8.ValidString(s) {
		return "", invalid(kind, "not valid UTF-8")
	}
	var b strings.Builder
	for i, part := range strings.Split(s, string(nnbsp)) {
		part, _ = folded(kind, part)
		if i > 0 {
			done := b.String() // no copy
			last, n := utf8.DecodeLastRuneInString(done)
			for n > 0 && (isMongolianFVS(last) || unicode.IsMark(last)) {
				done = done[:len(done)-n]
				last, n = utf8.DecodeLastRuneInString(done)
			}
			first, _ := utf8.DecodeRuneInString(part)
			if isMongolianLetter(last) && isMongolianLetter(first) {
				b.WriteRune(nnbsp)
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(part)
	}
	return b.String(), nil
}

// isSeparator reports the white space and dashes people type inside
// numbers: "138 1234-5678", "1101 0519…", including U+2212 MINUS SIGN,
// which typists use as a dash.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212'
}

// removeFunc returns s without the runes for which drop reports true.
func removeFunc(s string, drop func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if drop(r) {
			return -1
		}
		return r
	}, s)
}

// isDigits reports whether s is not empty and holds only ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// collapseSpace replaces each run of white space in s by one space and
// trims both ends. It keeps U+202F, which foldedMongolian leaves only
// inside Mongolian words.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isCollapsible), " ")
}

// isCollapsible reports the white space that collapseSpace collapses.
func isCollapsible(r rune) bool { return r != nnbsp && unicode.IsSpace(r) }
