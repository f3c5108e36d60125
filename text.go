package custos

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidText reports free text (a legal ground, a reason, a note) that
// is empty, too long, not valid UTF-8, or holds characters that change how
// text is shown without showing themselves.
var ErrInvalidText = errors.New("custos: invalid text")

// Invisible reports whether r is a character that is not shown but changes
// how the text around it is shown or compared: the Unicode format
// characters (category Cf: bidirectional controls such as U+202E, zero-width
// spaces and joiners, the byte-order mark U+FEFF, tag characters
// U+E0000–U+E007F, the soft hyphen, the Mongolian vowel separator), the
// variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF and the Mongolian
// free variation selectors U+180B–U+180F), the other default-ignorable code
// points (the combining grapheme joiner U+034F, the Hangul fillers that
// render as blanks, the Khmer inherent vowels U+17B4 and U+17B5, and the
// unassigned default-ignorable ranges), and noncharacters. Identifiers and
// free text refuse them, so that two strings that look the same are the
// same and a look-alike identifier cannot pass for another.
//
// Some values need a few of them: a variation selector choosing the glyph
// of a rare Han character in a name, a Mongolian free variation selector, a
// zero-width non-joiner in Persian. The field kinds of package kind accept
// those in the places a real value has them, and say which in their
// documentation; everything else refuses them all.
func Invisible(r rune) bool {
	switch {
	case r < 0xAD:
		return false // ASCII and Latin-1 up to the soft hyphen: none
	case unicode.Is(unicode.Cf, r):
		return true
	case unicode.Is(unicode.Variation_Selector, r), unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
		return true // variation selectors, U+034F, Hangul fillers, U+17B4–U+17B5, reserved ranges
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return true // noncharacters
	}
	return false
}

// TextRule bounds one kind of free text.
type TextRule struct {
	// MaxBytes is the longest text accepted, in bytes of UTF-8; it must be
	// positive.
	MaxBytes int
	// Multiline accepts line feeds (and tabs); other control characters
	// are always refused.
	Multiline bool
	// Optional accepts the empty string.
	Optional bool
}

// Check reports whether s follows the rule: valid UTF-8, at most MaxBytes,
// not blank unless Optional, no control character (but line feeds and tabs
// when Multiline) and no [Invisible] character. The error wraps
// [ErrInvalidText] and never contains s.
func (t TextRule) Check(s string) error {
	switch {
	case t.MaxBytes <= 0:
		return fmt.Errorf("%w: the rule has no length bound", ErrInvalidText)
	case len(s) > t.MaxBytes:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidText, t.MaxBytes)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidText)
	}
	blank := true
	for _, r := range s {
		switch {
		case (r == '\n' || r == '\t') && t.Multiline:
		case unicode.IsControl(r):
			return fmt.Errorf("%w: contains a control character", ErrInvalidText)
		case Invisible(r):
			return fmt.Errorf("%w: contains an invisible formatting character", ErrInvalidText)
		}
		if blank && !unicode.IsSpace(r) {
			blank = false
		}
	}
	if blank && !t.Optional {
		return fmt.Errorf("%w: empty", ErrInvalidText)
	}
	return nil
}

// GroundRule is the rule of the short legal grounds and reasons that
// operations record (an erasure's ground, a restriction's ground, a
// refusal's reason): one line of at most 512 bytes.
var GroundRule = TextRule{MaxBytes: 512}
