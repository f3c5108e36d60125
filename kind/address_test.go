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
	} {
		f.Add(s, s)
	}
	k := Address{MaxRunes: 40}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, k, input, stored, "longer than its maximum length")
		if c, err := k.Canonical(input); err == nil {
			require.Equal(t, collapseSpace(c), c)
		}
	})
}
