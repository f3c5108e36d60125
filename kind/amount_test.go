package kind

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		units    int64
		scale    int
		currency string
	}{
		{"amount then code", "125000.00 CNY", 12500000, 2, "CNY"},
		{"code then amount", "CNY 125000.00", 12500000, 2, "CNY"},
		{"thousands separators", "CNY 125,000.00", 12500000, 2, "CNY"},
		{"no space", "125000CNY", 125000, 0, "CNY"},
		{"lower-case code", "3.5 usd", 35, 1, "USD"},
		{"negative", "-3.50 USD", -350, 2, "USD"},
		{"negative after code", "USD -3.50", -350, 2, "USD"},
		{"minus sign U+2212", "\u22123.50 USD", -350, 2, "USD"},
		{"explicit plus", "+3.50 USD", 350, 2, "USD"},
		{"full-width", "１２５，０００．００　ＣＮＹ", 12500000, 2, "CNY"},
		{"leading zeros", "007.5 EUR", 75, 1, "EUR"},
		{"eighteen decimals", "0.000000000000000001 EUR", 1, 18, "EUR"},
		{"largest int64", "9223372036854775807 JPY", math.MaxInt64, 0, "JPY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAmount(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.units, got.Units())
			assert.Equal(t, tt.scale, got.Scale())
			assert.Equal(t, tt.currency, got.Currency())
		})
	}
}

func TestParseAmountRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"no code", "125000.00", "currency code is not three letters"},
		{"yuan sign", "¥125,000", "currency code is not three letters"},
		{"two-letter code", "125 CN", "currency code is not three letters"},
		{"empty", "", "currency code is not three letters"},
		{"no digits", "CNY", "not a decimal amount"},
		{"decimal comma", "CNY 1,5", "misplaced thousands separator"},
		{"group of two", "CNY 12,50,000", "misplaced thousands separator"},
		{"leading comma", "CNY ,125", "misplaced thousands separator"},
		{"comma in fraction", "CNY 1.000,00", "not a decimal amount"},
		{"point without fraction", "CNY 125.", "not a decimal amount"},
		{"point without whole", "CNY .5", "not a decimal amount"},
		{"two points", "CNY 1.2.3", "not a decimal amount"},
		{"space inside", "CNY 125 000", "not a decimal amount"},
		{"exponent", "CNY 1e5", "not a decimal amount"},
		{"code on both sides", "CNY 5 USD", "not a decimal amount"},
		{"nineteen decimals", "0.0000000000000000001 EUR", "too many decimal places"},
		{"beyond int64", "9223372036854775808 JPY", "amount out of range"},
		{"invalid UTF-8", "5 CNY\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAmount(tt.input)

			assertRule(t, err, Money{}, tt.rule)
			assert.Equal(t, Amount{}, got)
		})
	}
}

func TestNewAmount(t *testing.T) {
	a, err := NewAmount(12500000, 2, "cny")
	require.NoError(t, err)
	assert.Equal(t, "125000.00 CNY", a.String())

	for _, tt := range []struct {
		name     string
		scale    int
		currency string
		rule     string
	}{
		{"negative scale", -1, "CNY", "too many decimal places"},
		{"scale 19", 19, "CNY", "too many decimal places"},
		{"empty code", 2, "", "currency code is not three letters"},
		{"digit in code", 2, "CN1", "currency code is not three letters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewAmount(1, tt.scale, tt.currency)
			assertRule(t, err, Money{}, tt.rule)
			assert.Equal(t, Amount{}, got)
		})
	}
}

func TestAmountString(t *testing.T) {
	tests := []struct {
		name  string
		units int64
		scale int
		code  string
		want  string
	}{
		{"two decimals", 12500000, 2, "CNY", "125000.00 CNY"},
		{"no decimals", 980, 0, "JPY", "980 JPY"},
		{"less than one", 5, 2, "USD", "0.05 USD"},
		{"negative less than one", -5, 2, "USD", "-0.05 USD"},
		{"smallest int64", math.MinInt64, 2, "USD", "-92233720368547758.08 USD"},
		{"eighteen decimals", 1, 18, "EUR", "0.000000000000000001 EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAmount(tt.units, tt.scale, tt.code)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
		})
	}
	t.Run("zero amount", func(t *testing.T) {
		assert.Equal(t, "0", Amount{}.String())
	})
}
