package kind

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is free text: any valid UTF-8 without control characters other than
// tab and newline. Its canonical form is Unicode NFC with surrounding white
// space removed; it must not be empty.
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
	if t.MaxRunes > 0 && utf8.RuneCountInString(s) > t.MaxRunes {
		return "", invalid(t.Name(), "longer than its maximum length")
	}
	return s, nil
}

// Value returns the canonical text as a string after checking it is
// canonical.
func (t Text) Value(canonical string) (any, error) {
	s, err := t.canonical(canonical)
	if err != nil {
		return nil, err
	}
	if s != canonical {
		return nil, invalid(t.Name(), "stored text is not canonical")
	}
	return s, nil
}
