package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPersonNameCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"han name", "张三", "张三"},
		{"han name padded with ideographic space", "张\u3000三", "张三"},
		{"han name with surrounding spaces", " 王小明 ", "王小明"},
		{"middle dot U+00B7", "阿依古丽\u00b7买买提", "阿依古丽·买买提"},
		{"katakana middle dot U+30FB", "阿依古丽\u30fb买买提", "阿依古丽·买买提"},
		{"half-width katakana middle dot U+FF65", "阿依古丽\uff65买买提", "阿依古丽·买买提"},
		{"bullet U+2022", "阿依古丽\u2022买买提", "阿依古丽·买买提"},
		{"hyphenation point U+2027", "阿依古丽\u2027买买提", "阿依古丽·买买提"},
		{"dot operator U+22C5", "阿依古丽\u22c5买买提", "阿依古丽·买买提"},
		{"bullet operator U+2219", "阿依古丽\u2219买买提", "阿依古丽·买买提"},
		{"greek ano teleia U+0387", "阿依古丽\u0387买买提", "阿依古丽·买买提"},
		{"spaces around the dot", "阿依古丽 · 买买提", "阿依古丽·买买提"},
		{"latin name keeps case", "Jane Doe", "Jane Doe"},
		{"latin spaces collapsed", "  Jane \t  Doe ", "Jane Doe"},
		{"latin accents composed", "Zoe\u0308 Dupont", "Zoë Dupont"},
		{"latin hyphen and apostrophe", "Zoë O'Brien-Smith", "Zoë O'Brien-Smith"},
		{"typographic apostrophe", "Zoë O\u2019Brien", "Zoë O'Brien"},
		{"hyphen U+2010", "Anne\u2010Marie Dupont", "Anne-Marie Dupont"},
		{"initial with full stop", "John Q. Public", "John Q. Public"},
		{"full-width latin letters", "Ｊａｎｅ　Ｄｏｅ", "Jane Doe"},
		{"roman numeral sign read as letters", "Jane Doe Ⅷ", "Jane Doe VIII"},
		{"variation selector on a han character", "张\U000E0100三", "张\U000E0100三"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PersonName{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPersonNameRules(t *testing.T) {
	tests := []struct {
		name  string
		kind  PersonName
		input string
		rule  string
	}{
		{"empty", PersonName{}, "", "empty"},
		{"only spaces", PersonName{}, " \u3000 ", "empty"},
		{"ascii digit", PersonName{}, "Jane Doe 2", "contains a digit"},
		{"full-width digit in han name", PersonName{}, "张三２", "contains a digit"},
		{"han and latin", PersonName{}, "张Jane", "mixed scripts"},
		{"han and latin across a space", PersonName{}, "Jane 张", "mixed scripts"},
		{"cyrillic", PersonName{}, "Иван", "character not allowed in a name"},
		{"at sign", PersonName{}, "jane@doe", "character not allowed in a name"},
		{"control character", PersonName{}, "Jane\x00Doe", "character not allowed in a name"},
		{"leading combining mark", PersonName{}, "\u0301Jane", "character not allowed in a name"},
		{"hyphen in han name", PersonName{}, "张-三", "character not allowed in a name"},
		{"middle dot in latin name", PersonName{}, "Jane·Doe", "character not allowed in a name"},
		{"only punctuation", PersonName{}, "-'.", "contains no letter"},
		{"leading middle dot", PersonName{}, "·买买提", "misplaced middle dot"},
		{"trailing middle dot", PersonName{}, "阿依古丽·", "misplaced middle dot"},
		{"doubled middle dot", PersonName{}, "阿依古丽··买买提", "misplaced middle dot"},
		{"longer than MaxRunes", PersonName{MaxRunes: 3}, "Jane", "longer than its maximum length"},
		{"invalid UTF-8", PersonName{}, "Jane\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestPersonNameValue(t *testing.T) {
	got, err := PersonName{}.Value("阿依古丽·买买提")
	require.NoError(t, err)
	assert.Equal(t, "阿依古丽·买买提", got)

	t.Run("longer than MaxRunes stays readable", func(t *testing.T) {
		got, err := PersonName{MaxRunes: 2}.Value("王小明")
		require.NoError(t, err)
		assert.Equal(t, "王小明", got)
	})

	for _, tt := range []struct{ name, stored string }{
		{"katakana middle dot", "阿依古丽・买买提"},
		{"double space", "Jane  Doe"},
		{"han name with space", "张 三"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PersonName{}.Value(tt.stored)
			assertRule(t, err, PersonName{}, "stored text is not canonical")
			assert.Nil(t, got)
		})
	}
}

func TestPersonNameFold(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"upper and lower case", "Jane Doe", "JANE DOE"},
		{"accented capitals", "Zoë Dupont", "ZOË DUPONT"},
		{"sharp s", "Strauß", "STRAUSS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := PersonName{}.Canonical(tt.a)
			require.NoError(t, err)
			b, err := PersonName{}.Canonical(tt.b)
			require.NoError(t, err)

			assert.NotEqual(t, a, b, "canonical form keeps the case")
			assert.Equal(t, PersonName{}.Fold(a), PersonName{}.Fold(b))
		})
	}
	t.Run("han name unchanged", func(t *testing.T) {
		assert.Equal(t, "阿依古丽·买买提", PersonName{}.Fold("阿依古丽·买买提"))
	})
}

func TestPersonNameMask(t *testing.T) {
	tests := []struct{ name, canonical, want string }{
		{"two-character han name", "张三", "张**"},
		{"three-character han name", "王小明", "王**"},
		{"han name with middle dot", "阿依古丽·买买提", "阿**"},
		{"compound surname shows its first half", "欧阳小明", "欧**"},
		{"latin name", "Jane Doe", "J* D*"},
		{"hyphenated latin word", "Anne-Marie Dupont", "A* D*"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, PersonName{}.Mask(tt.canonical))
		})
	}
}

func FuzzPersonName(f *testing.F) {
	for _, s := range []string{
		"张三", "张\u3000三", "阿依古丽\u30fb买买提", "Zoë O\u2019Brien-Smith", "  Jane \t Doe ",
		"张Jane", "Jane Doe 2", "·买买提", "",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, PersonName{MaxRunes: 12}, input, stored, "longer than its maximum length")
		if c, err := (PersonName{}).Canonical(input); err == nil {
			_ = PersonName{}.Fold(c)
		}
		_ = PersonName{}.Fold(stored)
	})
}
