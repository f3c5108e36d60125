package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Codes below are synthetic, with check characters computed by hand from
// GB 32100-2015.
func TestUSCCCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"upper-case", "91110108MA01ABCD1E", "91110108MA01ABCD1E"},
		{"lower-case", "91110108ma01abcd1e", "91110108MA01ABCD1E"},
		{"full-width lower-case", "９１１１０１０８ｍａ０１ａｂｃｄ１ｅ", "91110108MA01ABCD1E"},
		{"spaces and dashes", " 91110108-MA01ABCD-1E ", "91110108MA01ABCD1E"},
		{"check value 31 written 0", "911101080000000080", "911101080000000080"},
		{"check character Y", "91110108000000027Y", "91110108000000027Y"},
		{"digits only but check", "11100000000000001M", "11100000000000001M"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestUSCCRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "wrong length"},
		{"seventeen characters", "91110108MA01ABCD1", "wrong length"},
		{"nineteen characters", "91110108MA01ABCD1E0", "wrong length"},
		{"letter I", "91110108MI01ABCD1E", "character outside the code set"},
		{"letter O", "91110108MO01ABCD1E", "character outside the code set"},
		{"letter Z", "91110108MZ01ABCD1E", "character outside the code set"},
		{"letter S", "91110108MS01ABCD1E", "character outside the code set"},
		{"letter V", "91110108MV01ABCD1E", "character outside the code set"},
		{"non-ASCII letter", "91110108MÄ01ABCD1E", "character outside the code set"},
		{"check character off by one", "91110108MA01ABCD1F", "bad check character"},
		{"two characters swapped", "91110108AM01ABCD1E", "bad check character"},
		{"invalid UTF-8", "91110108MA01ABCD1\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := USCC{}.Canonical(tt.input)

			assertRule(t, err, USCC{}, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestUSCCValue(t *testing.T) {
	got, err := USCC{}.Value("91110108MA01ABCD1E")
	require.NoError(t, err)
	assert.Equal(t, "91110108MA01ABCD1E", got)

	got, err = USCC{}.Value("91110108ma01abcd1e")
	assertRule(t, err, USCC{}, "stored text is not canonical")
	assert.Nil(t, got)
}

func TestUSCCMask(t *testing.T) {
	tests := []struct {
		name string
		kind USCC
		want string
	}{
		{"default first 8 and last 2", USCC{}, "91110108********1E"},
		{"configured first 2 and last 4", USCC{MaskReveal: &Reveal{First: 2, Last: 4}}, "91************CD1E"},
		{"configured nothing shown", USCC{MaskReveal: &Reveal{}}, "******************"},
		{"negative counts mean none", USCC{MaskReveal: &Reveal{First: -1, Last: -1}}, "******************"},
		{"counts covering the code hide it all", USCC{MaskReveal: &Reveal{First: 10, Last: 8}}, "******************"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.kind.Mask("91110108MA01ABCD1E"))
		})
	}
}

func FuzzUSCC(f *testing.F) {
	for _, s := range []string{
		"91110108MA01ABCD1E", "91110108ma01abcd1e", "９１１１０１０８ｍａ０１ａｂｃｄ１ｅ",
		"911101080000000080", "91110108MI01ABCD1E", "",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, USCC{}, input, stored)
		if c, err := (USCC{}).Canonical(input); err == nil {
			require.Len(t, c, 18)
			for i := range len(c) {
				require.Contains(t, usccChars, c[i:i+1])
			}
		}
	})
}
