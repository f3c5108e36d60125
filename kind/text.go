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
// The rules a [RuleError] names are "not valid UTF-8", "empty", "contains a
// control character", "longer than its maximum length" and, from Value,
// "stored text is not valid UTF-8".
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

// Value returns the canonical text as a string. It checks only that the
// text is valid UTF-8: stored values come out of authenticated encryption
// exactly as Canonical produced them.
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
