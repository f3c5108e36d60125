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
		// The invisible characters that real text needs, where it has them.
		{"non-joiner after a Devanagari virama", "क्\u200cष", "क्\u200cष"},
		{"joiner after a Malayalam virama", "ന്\u200d", "ന്\u200d"},
		{"non-joiner inside a Persian word", "می\u200cخواهم", "می\u200cخواهم"},
		{"non-joiner after a Persian letter with a vowel mark", "مَی\u200cرود", "مَی\u200cرود"},
		{"joiner between emoji", "\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb"},
		{"joiner after a skin tone", "\U0001f469\U0001f3fd\u200d\U0001f4bb", "\U0001f469\U0001f3fd\u200d\U0001f4bb"},
		{"emoji presentation selector", "\u2764\ufe0f", "\u2764\ufe0f"},
		{"text presentation selector", "\u2764\ufe0e", "\u2764\ufe0e"},
		{"keycap", "1\ufe0f\u20e3", "1\ufe0f\u20e3"},
		{"ideographic variation sequence", "葛\U000e0100城", "葛\U000e0100城"},
		{"standardized variant of a compatibility ideograph", "神\ufe00", "神\ufe00"},
		{"Mongolian free variation selector", "ᠭ\u180bᠠ", "ᠭ\u180bᠠ"},
		{"Mongolian vowel separator before a final a", "ᠬᠠᠷ\u180eᠠ", "ᠬᠠᠷ\u180eᠠ"},
		{"Mongolian vowel separator before a final e with its variation selector", "ᠡᠮ\u180eᠡ\u180b", "ᠡᠮ\u180eᠡ\u180b"},
		{"narrow no-break space before a Mongolian suffix", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ"},
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
		{"right-to-left override", Text{}, "pay \u202eCNY 001", "contains an invisible formatting character"},
		{"left-to-right mark", Text{}, "a\u200eb", "contains an invisible formatting character"},
		{"right-to-left isolate", Text{}, "a\u2067b\u2069", "contains an invisible formatting character"},
		{"zero-width space", Text{}, "a\u200bb", "contains an invisible formatting character"},
		{"word joiner", Text{}, "a\u2060b", "contains an invisible formatting character"},
		{"byte-order mark", Text{}, "\ufeffnote", "contains an invisible formatting character"},
		{"tag characters", Text{}, "note\U000e0041\U000e007f", "contains an invisible formatting character"},
		{"soft hyphen", Text{}, "a\u00adb", "contains an invisible formatting character"},
		{"combining grapheme joiner", Text{}, "a\u034fb", "contains an invisible formatting character"},
		{"Hangul filler", Text{}, "a\u3164b", "contains an invisible formatting character"},
		{"non-joiner between Latin letters", Text{}, "a\u200cb", "contains an invisible formatting character"},
		{"joiner between Latin letters", Text{}, "a\u200db", "contains an invisible formatting character"},
		{"non-joiner between Arabic and Latin letters", Text{}, "م\u200cb", "contains an invisible formatting character"},
		{"non-joiner at the end of a Persian word", Text{}, "می\u200c", "contains an invisible formatting character"},
		{"two non-joiners", Text{}, "می\u200c\u200cخواهم", "contains an invisible formatting character"},
		{"joiner between an emoji and a letter", Text{}, "\U0001f469\u200da", "contains an invisible formatting character"},
		{"joiner between Persian letters", Text{}, "می\u200dخواهم", "contains an invisible formatting character"},
		{"emoji selector after a letter", Text{}, "a\ufe0f", "contains an invisible formatting character"},
		{"ideographic variation selector after a Latin letter", Text{}, "a\U000e0100", "contains an invisible formatting character"},
		{"two variation selectors", Text{}, "葛\U000e0100\U000e0101", "contains an invisible formatting character"},
		{"variation selector 5 after a Han character", Text{}, "葛\ufe04", "contains an invisible formatting character"},
		{"Mongolian free variation selector after a Latin letter", Text{}, "a\u180bb", "contains an invisible formatting character"},
		{"Mongolian vowel separator before a medial a", Text{}, "ᠬᠠᠷ\u180eᠠᠨ", "contains an invisible formatting character"},
		{"Mongolian vowel separator before another letter", Text{}, "ᠬᠠᠷ\u180eᠨ", "contains an invisible formatting character"},
		{"Mongolian vowel separator between Latin letters", Text{}, "a\u180ea", "contains an invisible formatting character"},
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
	t.Run("a note stored before invisible characters were refused", func(t *testing.T) {
		got, err := Text{}.Value("a\u200bb")
		require.NoError(t, err)
		assert.Equal(t, "a\u200bb", got)
	})
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
	for _, s := range []string{
		"note", " \u0301", "cafe\u0301", "a\x00b", "ＡＢＣ", "", "a\u202eb", "क्\u200cष", "\U0001f469\u200d\U0001f4bb",
		"ᠬᠠᠷ\u180eᠠ", "葛\U000e0100",
	} {
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
