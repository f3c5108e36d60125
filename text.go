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
// U+E0000–U+E007F, the soft hyphen), the Hangul fillers that render as
// blanks, and noncharacters. Identifiers and free text refuse them, so that
// two strings that look the same are the same and a look-alike identifier
// cannot pass for another.
func Invisible(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r):
		return true
	case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0:
		return true // Hangul fillers
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
