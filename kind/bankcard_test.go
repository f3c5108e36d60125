package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Card numbers below are synthetic, with Luhn check digits computed by hand.
func TestBankCardCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"nineteen digits", "6217000000000000004", "6217000000000000004"},
		{"sixteen digits in groups of four", "4000 0000 0000 0002", "4000000000000002"},
		{"dashes", "4000-0000-0000-0002", "4000000000000002"},
		{"twelve digits", "123456789015", "123456789015"},
		{"full-width digits", "６２１７００００００００００００００４", "6217000000000000004"},
		{"surrounding spaces", "  4000000000000002\n", "4000000000000002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BankCard{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBankCardRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "non-digit"},
		{"letter", "400000000000000A", "non-digit"},
		{"dot separator", "4000.0000.0000.0002", "non-digit"},
		{"eleven digits", "12345678903", "wrong length"},
		{"twenty digits", "40000000000000000006", "wrong length"},
		{"check digit off by one", "4000000000000003", "bad check digit"},
		{"two digits swapped", "0400000000000002", "bad check digit"},
		{"invalid UTF-8", "400000000000000\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BankCard{}.Canonical(tt.input)

			assertRule(t, err, BankCard{}, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestBankCardValue(t *testing.T) {
	got, err := BankCard{}.Value("4000000000000002")
	require.NoError(t, err)
	assert.Equal(t, "4000000000000002", got)

	got, err = BankCard{}.Value("4000 0000 0000 0002")
	assertRule(t, err, BankCard{}, "stored text is not canonical")
	assert.Nil(t, got)
}

func TestBankCardMask(t *testing.T) {
	tests := []struct{ name, canonical, want string }{
		{"nineteen digits", "6217000000000000004", "621700*********0004"},
		{"sixteen digits", "4000000000000002", "400000******0002"},
		{"twelve digits", "123456789015", "123456**9015"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, BankCard{}.Mask(tt.canonical))
		})
	}
}

func FuzzBankCard(f *testing.F) {
	for _, s := range []string{
		"6217000000000000004", "4000 0000 0000 0002", "123456789015",
		"６２１７００００００００００００００４", "4000000000000003", "",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, BankCard{}, input, stored)
		if c, err := (BankCard{}).Canonical(input); err == nil {
			require.True(t, len(c) >= 12 && len(c) <= 19)
			require.True(t, luhn(c))
		}
	})
}
