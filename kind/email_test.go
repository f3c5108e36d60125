package kind

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmailCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"lower-case", "jane.doe@example.com", "jane.doe@example.com"},
		{"domain lower-cased", "jane.doe@Example.COM", "jane.doe@example.com"},
		{"local part keeps its case", "Jane.Doe@example.com", "Jane.Doe@example.com"},
		{"surrounding white space", "  jane@example.com\n", "jane@example.com"},
		{"full-width characters", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "jane@example.com"},
		{"plus tag and special characters", "jane+tag!#$%&'*/=?^_`{|}~-@mail.example.org", "jane+tag!#$%&'*/=?^_`{|}~-@mail.example.org"},
		{"non-ASCII local part", "张三@example.cn", "张三@example.cn"},
		{"punycode domain", "jane@xn--fiqs8s.example", "jane@xn--fiqs8s.example"},
		{"hyphen and digits in labels", "jane@mail-1.example2.com", "jane@mail-1.example2.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Email{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestEmailRules(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61) + ".com"
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "empty"},
		{"only white space", "  ", "empty"},
		{"longer than 254 bytes", long, "longer than 254 bytes"},
		{"no at sign", "jane.example.com", "not exactly one @"},
		{"two at signs", "jane@doe@example.com", "not exactly one @"},
		{"empty local part", "@example.com", "invalid local part"},
		{"leading dot", ".jane@example.com", "invalid local part"},
		{"trailing dot", "jane.@example.com", "invalid local part"},
		{"double dot", "jane..doe@example.com", "invalid local part"},
		{"space in local part", "jane doe@example.com", "invalid local part"},
		{"quoted local part", `"jane doe"@example.com`, "invalid local part"},
		{"zero-width space in local part", "ja\u200bne@example.com", "invalid local part"},
		{"right-to-left override in local part", "jane\u202e@example.com", "invalid local part"},
		{"combining grapheme joiner in local part", "jane\u034f@example.com", "invalid local part"},
		{"variation selector in local part", "张\U000e0100@example.com", "invalid local part"},
		{"byte-order mark in front", "\ufeffjane@example.com", "invalid local part"},
		{"local part longer than 64 bytes", strings.Repeat("a", 65) + "@example.com", "local part longer than 64 bytes"},
		{"non-ASCII domain", "jane@例子.com", "domain is not ASCII"},
		{"no dot in domain", "jane@localhost", "domain has no dot"},
		{"space in domain", "jane@exa mple.com", "invalid domain"},
		{"empty label", "jane@example..com", "invalid domain"},
		{"trailing dot in domain", "jane@example.com.", "invalid domain"},
		{"label starting with hyphen", "jane@-example.com", "invalid domain"},
		{"underscore in domain", "jane@ex_ample.com", "invalid domain"},
		{"domain literal", "jane@[192.0.2.1]", "invalid domain"},
		{"label longer than 63", "jane@" + strings.Repeat("a", 64) + ".com", "invalid domain"},
		{"invalid UTF-8", "jane\xff@example.com", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Email{}.Canonical(tt.input)

			assertRule(t, err, Email{}, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestEmailValue(t *testing.T) {
	got, err := Email{}.Value("Jane@example.com")
	require.NoError(t, err)
	assert.Equal(t, "Jane@example.com", got)

	got, err = Email{}.Value("jane@Example.com")
	assertRule(t, err, Email{}, "stored text is not canonical")
	assert.Nil(t, got)

	t.Run("an address stored with an invisible mark before they were refused", func(t *testing.T) {
		got, err := Email{}.Value("jane\u034f@example.com")
		require.NoError(t, err)
		assert.Equal(t, "jane\u034f@example.com", got)
	})
	t.Run("format characters never accepted stay refused", func(t *testing.T) {
		got, err := Email{}.Value("ja\u200bne@example.com")
		assertRule(t, err, Email{}, "invalid local part")
		assert.Nil(t, got)
	})
}

func TestEmailMask(t *testing.T) {
	tests := []struct{ name, canonical, want string }{
		{"keeps first character and domain", "jane.doe@example.com", "j***@example.com"},
		{"non-ASCII first character", "张三@example.cn", "张***@example.cn"},
		{"no at sign", "example.com", "***"},
		{"empty local part", "@example.com", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Email{}.Mask(tt.canonical))
		})
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{
		"jane.doe@Example.COM", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "张三@example.cn", "jane..doe@example.com",
		"jane@localhost", "", "jane\u034f@example.com", "ja\u200bne@example.com",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, Email{}, input, stored, "invalid local part")
		if c, err := (Email{}).Canonical(input); err == nil {
			require.LessOrEqual(t, len(c), 254)
			require.Equal(t, 1, strings.Count(c, "@"))
			_, domain, _ := strings.Cut(c, "@")
			require.Equal(t, strings.ToLower(domain), domain)
		}
	})
}
