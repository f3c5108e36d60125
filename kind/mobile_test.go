package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMobileCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"eleven digits", "13812345678", "13812345678"},
		{"plus country code", "+8613812345678", "13812345678"},
		{"plus country code with space", "+86 138 1234 5678", "13812345678"},
		{"double-zero country code", "008613812345678", "13812345678"},
		{"bare country code before eleven digits", "8613812345678", "13812345678"},
		{"country code in parentheses", "(+86) 138-1234-5678", "13812345678"},
		{"full-width digits and plus", "＋８６　１３８１２３４５６７８", "13812345678"},
		{"full-width parentheses", "（＋８６）１３８１２３４５６７８", "13812345678"},
		{"second digit 9", "19912345678", "19912345678"},
		{"second digit 3", "13012345678", "13012345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mobile{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMobileRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "non-digit"},
		{"letter", "1381234567a", "non-digit"},
		{"plus inside", "138+12345678", "non-digit"},
		{"dot separator", "138.1234.5678", "non-digit"},
		{"other country code", "+44 7911 123456", "country code is not 86"},
		{"other double-zero country code", "00447911123456", "country code is not 86"},
		{"ten digits", "1381234567", "wrong length"},
		{"twelve digits", "138123456789", "wrong length"},
		{"plus 86 before ten digits", "+861381234567", "wrong length"},
		{"bare 86 before ten digits", "861381234567", "wrong length"},
		{"landline", "01012345678", "not a mobile number prefix"},
		{"second digit 2", "12812345678", "not a mobile number prefix"},
		{"invalid UTF-8", "1381234567\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mobile{}.Canonical(tt.input)

			assertRule(t, err, Mobile{}, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestMobileValue(t *testing.T) {
	got, err := Mobile{}.Value("13812345678")
	require.NoError(t, err)
	assert.Equal(t, "13812345678", got)

	for _, tt := range []struct{ name, stored, rule string }{
		{"with country code", "+8613812345678", "stored text is not canonical"},
		{"with spaces", "138 1234 5678", "stored text is not canonical"},
		{"landline", "01012345678", "not a mobile number prefix"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mobile{}.Value(tt.stored)
			assertRule(t, err, Mobile{}, tt.rule)
			assert.Nil(t, got)
		})
	}
}

func TestMobileMask(t *testing.T) {
	assert.Equal(t, "138****5678", Mobile{}.Mask("13812345678"))
	assert.Equal(t, "*******", Mobile{}.Mask("1381234"), "text too short to mask in part")
}

func FuzzMobile(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138 1234 5678", "008613812345678", "8613812345678",
		"（＋８６）１３８１２３４５６７８", "+44 7911 123456", "",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, Mobile{}, input, stored)
		if c, err := (Mobile{}).Canonical(input); err == nil {
			require.Len(t, c, 11)
			require.Equal(t, c[:3]+"****"+c[7:], Mobile{}.Mask(c))
		}
	})
}
