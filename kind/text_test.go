package kind

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"plain", "prefers morning calls", "prefers morning calls"},
		{"surrounding white space trimmed", "\n\t note \r\n", "note"},
		{"inner tab and newline kept", "line one\n\tline two", "line one\n\tline two"},
		{"decomposed accent composed", "cafe\u0301", "café"},
		{"full-width letters kept", "ＡＢＣ", "ＡＢＣ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Text{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTextRules(t *testing.T) {
	tests := []struct {
		name  string
		kind  Text
		input string
		rule  string
	}{
		{"empty", Text{}, "", "empty"},
		{"only white space", Text{}, " \n\t", "empty"},
		{"NUL", Text{}, "a\x00b", "contains a control character"},
		{"escape", Text{}, "a\x1bb", "contains a control character"},
		{"inner carriage return", Text{}, "a\rb", "contains a control character"},
		{"longer than MaxRunes", Text{MaxRunes: 3}, "abcd", "longer than its maximum length"},
		{"invalid UTF-8", Text{}, "a\xffb", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
	t.Run("MaxRunes counts characters, not bytes", func(t *testing.T) {
		got, err := Text{MaxRunes: 3}.Canonical("备注栏")
		require.NoError(t, err)
		assert.Equal(t, "备注栏", got)
	})
}

func TestTextValue(t *testing.T) {
	// Value trusts stored text, which authenticated encryption returns as
	// Canonical produced it, and checks only its encoding.
	for _, tt := range []struct{ name, stored string }{
		{"canonical", "café"},
		{"surrounding space", " note"},
		{"longer than MaxRunes", "abcd"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Text{MaxRunes: 3}.Value(tt.stored)
			require.NoError(t, err)
			assert.Equal(t, tt.stored, got)
		})
	}
	t.Run("invalid UTF-8", func(t *testing.T) {
		got, err := Text{}.Value("a\xffb")
		assertRule(t, err, Text{}, "stored text is not valid UTF-8")
		assert.Nil(t, got)
	})
}

func TestTextMask(t *testing.T) {
	for _, s := range []string{"a", "prefers morning calls", strings.Repeat("x", 1000)} {
		assert.Equal(t, "***", Text{}.Mask(s), "free text is hidden whatever its length")
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"note", " \u0301", "cafe\u0301", "a\x00b", "ＡＢＣ", ""} {
		f.Add(s, s)
	}
	k := Text{MaxRunes: 100}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkCanonical(t, k, input)
		got, err := k.Value(stored)
		if utf8.ValidString(stored) {
			require.NoError(t, err)
			require.Equal(t, stored, got)
		} else {
			require.ErrorIs(t, err, ErrInvalid)
		}
	})
}
