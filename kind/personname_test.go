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
		{"standardized variant on a han character", "张\ufe00三", "张\ufe00三"},
		{"ideographic number zero is a han character", "张〇明", "张〇明"},
		// The separators typed between the parts of a transliterated name.
		{"full-width full stop U+FF0E", "阿卜杜．热合曼", "阿卜杜·热合曼"},
		{"full stop", "阿卜杜.热合曼", "阿卜杜·热合曼"},
		{"ideographic full stop", "阿卜杜。热合曼", "阿卜杜·热合曼"},
		{"half-width ideographic full stop U+FF61", "阿卜杜｡热合曼", "阿卜杜·热合曼"},
		{"word separator middle dot U+2E31", "阿卜杜\u2e31热合曼", "阿卜杜·热合曼"},
		{"latin letter sinological dot U+A78F", "阿卜杜\ua78f热合曼", "阿卜杜·热合曼"},
		{"three parts", "阿卜杜·热合曼·买买提", "阿卜杜·热合曼·买买提"},
		// Latin.
		{"latin en dash read as hyphen", "Anne\u2013Marie Dupont", "Anne-Marie Dupont"},
		{"latin non-breaking hyphen", "Anne\u2011Marie Dupont", "Anne-Marie Dupont"},
		{"latin left quotation mark read as apostrophe", "Zoë O\u2018Brien", "Zoë O'Brien"},
		{"latin leading apostrophe", "Gerard 't Hooft", "Gerard 't Hooft"},
		{"latin stacked diacritics", "Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"},
		{"latin mark NFKC cannot compose", "Ŋ̈ilu", "Ŋ̈ilu"},
		{"catalan ela geminada", "Gal·la Puig", "Gal·la Puig"},
		{"catalan ela geminada as one letter", "Gaŀla Puig", "Gal·la Puig"},
		{"catalan ela geminada in capitals", "GAL·LA PUIG", "GAL·LA PUIG"},
		// Tibetan.
		{"tibetan", "བསྟན་འཛིན", "བསྟན་འཛིན"},
		{"tibetan trailing tsheg dropped", "བསྟན་འཛིན་", "བསྟན་འཛིན"},
		{"tibetan non-breaking tsheg", "བསྟན\u0f0cའཛིན", "བསྟན་འཛིན"},
		{"tibetan two words", "ཚེ་རིང་  བཀྲ་ཤིས་", "ཚེ་རིང བཀྲ་ཤིས"},
		{"tibetan visarga", "ཨཿ", "ཨཿ"},
		// Uyghur in Arabic script.
		{"uyghur", "ئابدۇرېھىم ئىمىن", "ئابدۇرېھىم ئىمىن"},
		{"uyghur tatweel dropped", "ئابدۇرېـھىم ئىمىن", "ئابدۇرېھىم ئىمىن"},
		{"uyghur presentation form of lam-alef", "ئابدۇل\ufefc", "ئابدۇللا"},
		{"arabic vowel mark", "مُحَمَّد", "مُحَمَّد"},
		// Traditional Mongolian.
		{"mongolian", "ᠪᠠᠲᠤ", "ᠪᠠᠲᠤ"},
		{"mongolian two words", "ᠪᠠᠲᠤ  ᠰᠠᠷᠠᠨ", "ᠪᠠᠲᠤ ᠰᠠᠷᠠᠨ"},
		{"mongolian narrow no-break space before a suffix", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ ᠰᠠᠷᠠᠨ", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ ᠰᠠᠷᠠᠨ"},
		{"mongolian narrow no-break space at the end is a space", "ᠪᠠᠲᠤ\u202f", "ᠪᠠᠲᠤ"},
		{"mongolian narrow no-break space beside a space", "ᠪᠠᠲᠤ \u202fᠶᠢᠨ", "ᠪᠠᠲᠤ ᠶᠢᠨ"},
		{"mongolian free variation selector", "ᠭ\u180bᠠᠯᠠ", "ᠭ\u180bᠠᠯᠠ"},
		{"mongolian fourth free variation selector", "ᠭ\u180fᠠᠯᠠ", "ᠭ\u180fᠠᠯᠠ"},
		{"mongolian vowel separator before a final a", "ᠰᠠᠷ\u180eᠠ", "ᠰᠠᠷ\u180eᠠ"},
		{"mongolian vowel separator after a variation selector", "ᠰᠠᠷ\u180b\u180eᠠ", "ᠰᠠᠷ\u180b\u180eᠠ"},
		// Yi and Korean.
		{"yi", "ꊿꂷꃅꄜ", "ꊿꂷꃅꄜ"},
		{"yi iteration mark", "ꊿꀕ", "ꊿꀕ"},
		{"hangul", "박서연", "박서연"},
		{"hangul two words", "남궁  민수", "남궁 민수"},
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
		// Digits and symbols of every script.
		{"arabic-indic digit", PersonName{}, "ئابدۇ٣", "contains a digit"},
		{"tibetan digit", PersonName{}, "བསྟན༣", "contains a digit"},
		{"mongolian digit", PersonName{}, "ᠪᠠᠲᠤ᠑", "contains a digit"},
		{"circled digit", PersonName{}, "张①", "contains a digit"},
		{"han numeral letter is a character, a digit is not", PersonName{}, "张〇1", "contains a digit"},
		{"tibetan shad", PersonName{}, "བསྟན།", "character not allowed in a name"},
		{"arabic comma", PersonName{}, "ئابدۇ، ئىمىن", "character not allowed in a name"},
		{"mongolian full stop", PersonName{}, "ᠪᠠᠲᠤ᠃", "character not allowed in a name"},
		{"yi radical", PersonName{}, "ꊿ꒐", "character not allowed in a name"},
		{"emoji", PersonName{}, "Jane \U0001f600", "character not allowed in a name"},
		{"kana", PersonName{}, "やまだ", "character not allowed in a name"},
		{"greek", PersonName{}, "Ζωή", "character not allowed in a name"},
		{"dollar sign", PersonName{}, "Jane$", "character not allowed in a name"},
		// Mixed scripts, which no real name mixes.
		{"han and tibetan", PersonName{}, "扎西བཀྲ", "mixed scripts"},
		{"han and uyghur", PersonName{}, "阿卜杜·ئىمىن", "mixed scripts"},
		{"han and mongolian", PersonName{}, "巴图ᠪᠠᠲᠤ", "mixed scripts"},
		{"han and yi", PersonName{}, "阿ꊿ", "mixed scripts"},
		{"han and hangul", PersonName{}, "金민수", "mixed scripts"},
		{"latin and arabic", PersonName{}, "Abdu ئىمىن", "mixed scripts"},
		{"latin and mongolian", PersonName{}, "Batu ᠰᠠᠷᠠᠨ", "mixed scripts"},
		{"tibetan and mongolian", PersonName{}, "བསྟན ᠪᠠᠲᠤ", "mixed scripts"},
		{"latin and cyrillic look-alike", PersonName{}, "Jаne", "character not allowed in a name"},
		// Separators out of place.
		{"full stop at the start of a han name", PersonName{}, ".买买提", "misplaced middle dot"},
		{"full stop and middle dot together", PersonName{}, "阿依古丽.·买买提", "misplaced middle dot"},
		{"ideographic full stop at the end", PersonName{}, "阿依古丽。", "misplaced middle dot"},
		{"apostrophe in han name", PersonName{}, "张'三", "character not allowed in a name"},
		{"ideographic full stop in latin name", PersonName{}, "Jane。Doe", "character not allowed in a name"},
		{"middle dot between other latin letters", PersonName{}, "Gal·ma", "character not allowed in a name"},
		{"bullet in latin name", PersonName{}, "Jane•Doe", "character not allowed in a name"},
		{"leading tsheg", PersonName{}, "་བསྟན", "misplaced tsheg"},
		{"tsheg after a space", PersonName{}, "བསྟན ་འཛིན", "misplaced tsheg"},
		{"doubled tsheg", PersonName{}, "བསྟན་་འཛིན", "misplaced tsheg"},
		{"tsheg in latin name", PersonName{}, "Jane་", "character not allowed in a name"},
		{"tatweel in latin name", PersonName{}, "Jane\u0640", "character not allowed in a name"},
		{"only tatweel", PersonName{}, "\u0640\u0640", "contains no letter"},
		{"hyphen in tibetan name", PersonName{}, "བསྟན-འཛིན", "character not allowed in a name"},
		{"hyphen in uyghur name", PersonName{}, "ئابدۇ-ئىمىن", "character not allowed in a name"},
		{"middle dot in mongolian name", PersonName{}, "ᠪᠠᠲᠤ·ᠰᠠᠷᠠᠨ", "character not allowed in a name"},
		// Marks that do not belong.
		{"latin accent on a han character", PersonName{}, "张\u0301三", "combining mark not used in the name's script"},
		{"tibetan vowel sign on a latin letter", PersonName{}, "Jane\u0f72", "combining mark not used in the name's script"},
		{"latin accent on a tibetan letter", PersonName{}, "བ\u0301", "combining mark not used in the name's script"},
		{"combining mark on a yi syllable", PersonName{}, "ꊿ\u0301", "combining mark not used in the name's script"},
		{"enclosing circle", PersonName{}, "张\u20dd", "character not allowed in a name"},
		// Invisible characters.
		{"zero-width space in han name", PersonName{}, "张\u200b三", "contains an invisible formatting character"},
		{"zero-width space in latin name", PersonName{}, "Jane\u200bDoe", "contains an invisible formatting character"},
		{"right-to-left override", PersonName{}, "Jane \u202eeoD", "contains an invisible formatting character"},
		{"right-to-left mark in uyghur name", PersonName{}, "ئابدۇ\u200f ئىمىن", "contains an invisible formatting character"},
		{"zero-width non-joiner in uyghur name", PersonName{}, "ئابدۇ\u200cرېھىم", "contains an invisible formatting character"},
		{"zero-width joiner in han name", PersonName{}, "张\u200d三", "contains an invisible formatting character"},
		{"byte-order mark", PersonName{}, "\ufeff张三", "contains an invisible formatting character"},
		{"tag characters", PersonName{}, "Jane\U000e0041", "contains an invisible formatting character"},
		{"soft hyphen", PersonName{}, "Anne\u00adMarie", "contains an invisible formatting character"},
		{"combining grapheme joiner", PersonName{}, "Jane\u034fDoe", "contains an invisible formatting character"},
		{"word joiner", PersonName{}, "张\u2060三", "contains an invisible formatting character"},
		{"Hangul filler", PersonName{}, "박\u3164서연", "contains an invisible formatting character"},
		{"variation selector on a latin letter", PersonName{}, "Jane\ufe0f", "contains an invisible formatting character"},
		{"ideographic variation selector on a latin letter", PersonName{}, "Jane\U000e0100", "contains an invisible formatting character"},
		{"two variation selectors on a han character", PersonName{}, "张\U000e0100\U000e0101三", "contains an invisible formatting character"},
		{"emoji variation selector on a han character", PersonName{}, "张\ufe0f三", "contains an invisible formatting character"},
		{"mongolian free variation selector on a han character", PersonName{}, "张\u180b三", "contains an invisible formatting character"},
		{"mongolian vowel separator before a medial a", PersonName{}, "ᠰᠠᠷ\u180eᠠᠨ", "contains an invisible formatting character"},
		{"mongolian vowel separator at the start of a word", PersonName{}, "\u180eᠠ", "contains an invisible formatting character"},
		{"mongolian vowel separator before another letter", PersonName{}, "ᠰᠠᠷ\u180eᠨ", "contains an invisible formatting character"},
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
		{"full stop in han name", "阿卜杜.热合曼"},
		{"tibetan trailing tsheg", "བསྟན་འཛིན་"},
		{"uyghur tatweel", "ئابدۇرېـھىم"},
		{"mongolian narrow no-break space at the end", "ᠪᠠᠲᠤ\u202f"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PersonName{}.Value(tt.stored)
			assertRule(t, err, PersonName{}, "stored text is not canonical")
			assert.Nil(t, got)
		})
	}
}

// TestPersonNameStoredBeforeMarkRules shows that names stored while any
// combining mark after a letter was accepted stay readable, though
// Canonical now refuses them.
func TestPersonNameStoredBeforeMarkRules(t *testing.T) {
	for _, tt := range []struct{ name, stored, rule string }{
		{"latin accent on a han character", "张\u0301三", "combining mark not used in the name's script"},
		{"combining grapheme joiner", "Jane\u034fDoe", "contains an invisible formatting character"},
		{"emoji variation selector on a han character", "张\ufe0f三", "contains an invisible formatting character"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PersonName{}.Value(tt.stored)
			require.NoError(t, err)
			assert.Equal(t, tt.stored, got)

			_, err = PersonName{}.Canonical(tt.stored)
			assertRule(t, err, PersonName{}, tt.rule)
		})
	}
	t.Run("format characters never accepted stay refused", func(t *testing.T) {
		got, err := PersonName{}.Value("张\u200b三")
		assertRule(t, err, PersonName{}, "contains an invisible formatting character")
		assert.Nil(t, got)
	})
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
	for _, c := range []string{"阿依古丽·买买提", "张\U000E0100三", "བསྟན་འཛིན", "ئابدۇرېھىم ئىمىن", "ᠰᠠᠷ\u180eᠠ", "ꊿꂷꃅꄜ", "박서연"} {
		t.Run("unchanged "+c, func(t *testing.T) {
			assert.Equal(t, c, PersonName{}.Fold(c), "no case to fold")
		})
	}
	t.Run("mongolian suffix space", func(t *testing.T) {
		a, err := PersonName{}.Canonical("ᠪᠠᠲᠤ\u202fᠶᠢᠨ")
		require.NoError(t, err)
		b, err := PersonName{}.Canonical("ᠪᠠᠲᠤ ᠶᠢᠨ")
		require.NoError(t, err)
		assert.NotEqual(t, a, b, "canonical form keeps the suffix's narrow space")
		assert.Equal(t, PersonName{}.Fold(a), PersonName{}.Fold(b), "a search finds either typing")
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
		{"ideographic zero", "〇明", "〇**"},
		{"tibetan", "ཚེ་རིང བཀྲ་ཤིས", "ཚ* བ*"},
		{"uyghur", "ئابدۇرېھىم ئىمىن", "ئ* ئ*"},
		{"mongolian with a suffix", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ ᠰᠠᠷᠠᠨ", "ᠪ* ᠰ*"},
		{"yi", "ꊿꂷꃅꄜ", "ꊿ**"},
		{"hangul", "박서연", "박**"},
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
		"张Jane", "Jane Doe 2", "·买买提", "", "阿卜杜．热合曼", "阿卜杜。热合曼", "张〇明", "Gaŀla", "བསྟན་འཛིན་",
		"ئابدۇرېـھىم ئىمىن", "ᠪᠠᠲᠤ\u202fᠶᠢᠨ", "ᠰᠠᠷ\u180eᠠ", "ᠭ\u180bᠠᠯᠠ", "ꊿꂷꃅꄜ", "박서연", "张\U000E0100三", "张\u200b三",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, PersonName{MaxRunes: 12}, input, stored, "longer than its maximum length",
			"combining mark not used in the name's script", "contains an invisible formatting character")
		if c, err := (PersonName{}).Canonical(input); err == nil {
			_ = PersonName{}.Fold(c)
		}
		_ = PersonName{}.Fold(stored)
	})
}
