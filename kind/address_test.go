package kind

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddressCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"han address", "北京市朝阳区某某路1号", "北京市朝阳区某某路1号"},
		{"full-width digits and letters", "北京市朝阳区某某路１号Ａ座", "北京市朝阳区某某路1号A座"},
		{"white space runs collapsed", "  1 Example   Road\n\tSpringfield  ", "1 Example Road Springfield"},
		{"ideographic space", "北京市\u3000朝阳区", "北京市 朝阳区"},
		{"no-break space", "1\u00a0Example Road", "1 Example Road"},
		{"decomposed accent composed", "1 Rue de l'E\u0301glise", "1 Rue de l'Église"},
		{"narrow no-break space kept before a Mongolian suffix", "ᠬᠥᠬᠡᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠢᠨ\u180eᠡ ᠵᠠᠮ", "ᠬᠥᠬᠡᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠢᠨ\u180eᠡ ᠵᠠᠮ"},
		{"narrow no-break space elsewhere is a space", "1\u202fExample Road", "1 Example Road"},
		{"narrow no-break space after a Mongolian word and a space", "ᠬᠣᠲᠠ \u202fᠶᠢᠨ", "ᠬᠣᠲᠠ ᠶᠢᠨ"},
		{"narrow no-break space at the end", "ᠬᠣᠲᠠ\u202f", "ᠬᠣᠲᠠ"},
		{"Mongolian free variation selector", "ᠭ\u180bᠠᠷ", "ᠭ\u180bᠠᠷ"},
		{"ideographic variation sequence in a place name", "葛\U000e0100城路1号", "葛\U000e0100城路1号"},
		{"non-joiner inside a Persian word", "خیابان می\u200cگون", "خیابان می\u200cگون"},
		{"non-joiner after a Devanagari virama", "क्\u200cष मार्ग", "क्\u200cष मार्ग"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Address{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAddressRules(t *testing.T) {
	tests := []struct {
		name  string
		kind  Address
		input string
		rule  string
	}{
		{"empty", Address{}, "", "empty"},
		{"only white space", Address{}, " \u3000\n", "empty"},
		{"control character", Address{}, "1 Example\x00Road", "contains a control character"},
		{"longer than the default 200", Address{}, strings.Repeat("路", 201), "longer than its maximum length"},
		{"longer than MaxRunes", Address{MaxRunes: 10}, "1 Example Road", "longer than its maximum length"},
		{"invalid UTF-8", Address{}, "1 Example Road\xff", "not valid UTF-8"},
		{"right-to-left override", Address{}, "1 Example \u202eRoad", "contains an invisible formatting character"},
		{"right-to-left mark", Address{}, "1 Example\u200f Road", "contains an invisible formatting character"},
		{"zero-width space", Address{}, "北京市\u200b朝阳区", "contains an invisible formatting character"},
		{"zero-width joiner between Han characters", Address{}, "北京市\u200d朝阳区", "contains an invisible formatting character"},
		{"zero-width non-joiner between Latin letters", Address{}, "Ex\u200cample Road", "contains an invisible formatting character"},
		{"word joiner", Address{}, "1\u2060Example Road", "contains an invisible formatting character"},
		{"byte-order mark", Address{}, "\ufeff1 Example Road", "contains an invisible formatting character"},
		{"tag characters", Address{}, "1 Example Road\U000e0067\U000e0062", "contains an invisible formatting character"},
		{"soft hyphen", Address{}, "Spring\u00adfield", "contains an invisible formatting character"},
		{"combining grapheme joiner", Address{}, "Spring\u034ffield", "contains an invisible formatting character"},
		{"emoji joiner", Address{}, "\U0001f3e0\u200d\U0001f3e2 Example Road", "contains an invisible formatting character"},
		{"emoji presentation selector", Address{}, "\u2764\ufe0f Example Road", "contains an invisible formatting character"},
		{"variation selector after a Latin letter", Address{}, "Example\U000e0100 Road", "contains an invisible formatting character"},
		{"Mongolian vowel separator before a medial e", Address{}, "ᠰᠢᠨ\u180eᠡᠨ", "contains an invisible formatting character"},
		{"Hangul filler", Address{}, "1\u3164Example Road", "contains an invisible formatting character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
	t.Run("exactly the default 200", func(t *testing.T) {
		_, err := Address{}.Canonical(strings.Repeat("路", 200))
		assert.NoError(t, err)
	})
}

func TestAddressValue(t *testing.T) {
	got, err := Address{}.Value("北京市朝阳区某某路1号")
	require.NoError(t, err)
	assert.Equal(t, "北京市朝阳区某某路1号", got)

	got, err = Address{}.Value("北京市朝阳区某某路１号")
	assertRule(t, err, Address{}, "stored text is not canonical")
	assert.Nil(t, got)

	t.Run("an address stored before invisible characters were refused stays readable", func(t *testing.T) {
		got, err := Address{}.Value("北京市\u200b朝阳区")
		require.NoError(t, err)
		assert.Equal(t, "北京市\u200b朝阳区", got)
	})
	t.Run("narrow no-break space kept in a Mongolian word", func(t *testing.T) {
		got, err := Address{}.Value("ᠬᠣᠲᠠ\u202fᠶᠢᠨ")
		require.NoError(t, err)
		assert.Equal(t, "ᠬᠣᠲᠠ\u202fᠶᠢᠨ", got)
		got, err = Address{}.Value("1\u202fExample Road")
		assertRule(t, err, Address{}, "stored text is not canonical")
		assert.Nil(t, got)
	})
	t.Run("longer than MaxRunes stays readable", func(t *testing.T) {
		got, err := Address{MaxRunes: 3}.Value("北京市朝阳区")
		require.NoError(t, err)
		assert.Equal(t, "北京市朝阳区", got)
	})
}

func TestAddressMask(t *testing.T) {
	tests := []struct {
		name      string
		kind      Address
		canonical string
		want      string
	}{
		{"default keeps first six", Address{}, "北京市朝阳区某某路1号", "北京市朝阳区****"},
		{"configured first 3 and last 2", Address{MaskReveal: &Reveal{First: 3, Last: 2}}, "北京市朝阳区某某路1号", "北京市****1号"},
		{"configured nothing shown", Address{MaskReveal: &Reveal{}}, "北京市朝阳区某某路1号", "****"},
		{"short address hidden", Address{}, "某某路1号", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.kind.Mask(tt.canonical))
		})
	}
}

func FuzzAddress(f *testing.F) {
	for _, s := range []string{
		"北京市朝阳区某某路１号Ａ座", "  1 Example   Road\n\tSpringfield  ", "1 Rue de l'E\u0301glise", "\x00", "",
		"ᠬᠣᠲᠠ\u202fᠶᠢᠨ", "ᠬᠣᠲᠠ \u202f\u202fᠶᠢᠨ\u202f", "北京市\u200b朝阳区", "葛\U000e0100城", "ᠰᠢᠨ\u180eᠡ",
	} {
		f.Add(s, s)
	}
	k := Address{MaxRunes: 40}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, k, input, stored, "longer than its maximum length", "contains an invisible formatting character")
		if c, err := k.Canonical(input); err == nil {
			require.Equal(t, collapseSpace(c), c)
		}
	})
}
