package kind

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustAmount(t *testing.T, units int64, scale int, code string) Amount {
	t.Helper()
	a, err := NewAmount(units, scale, code)
	require.NoError(t, err)
	return a
}

func TestMoneyCanonical(t *testing.T) {
	tests := []struct {
		name  string
		kind  Money
		input any
		want  string
	}{
		{"amount then code", Money{}, "125000.00 CNY", "125000.00 CNY"},
		{"code then amount with separators", Money{}, "CNY 125,000.00", "125000.00 CNY"},
		{"fewer decimals padded", Money{}, "125000 CNY", "125000.00 CNY"},
		{"one decimal padded", Money{}, "0.5 USD", "0.50 USD"},
		{"trailing zeros dropped", Money{}, "1.500 EUR", "1.50 EUR"},
		{"yen has no minor unit", Money{}, "JPY 980", "980 JPY"},
		{"yen with zero decimals", Money{}, "980.00 JPY", "980 JPY"},
		{"pound", Money{}, "GBP 12.34", "12.34 GBP"},
		{"hong kong dollar", Money{}, "hkd 12.3", "12.30 HKD"},
		{"full-width", Money{}, "１２５，０００．００　ＣＮＹ", "125000.00 CNY"},
		{"negative zero", Money{}, "-0.00 CNY", "0.00 CNY"},
		{"negative allowed", Money{AllowNegative: true}, "-3.5 USD", "-3.50 USD"},
		{"amount value", Money{}, mustAmount(t, 125, 0, "CNY"), "125.00 CNY"},
		{"currency added", Money{Currencies: map[string]int{"BHD": 3}}, "1.5 BHD", "1.500 BHD"},
		{"currency overridden", Money{Currencies: map[string]int{"CNY": 3}}, "1.5 CNY", "1.500 CNY"},
		{"invalid override ignored", Money{Currencies: map[string]int{"CNY": 7}}, "1.5 CNY", "1.50 CNY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMoneyRules(t *testing.T) {
	tests := []struct {
		name  string
		kind  Money
		input any
		rule  string
	}{
		{"unknown currency", Money{}, "5.00 XTS", "unknown currency"},
		{"lower-case table key never matches", Money{Currencies: map[string]int{"xts": 2}}, "5.00 XTS", "unknown currency"},
		{"invalid table entry ignored", Money{Currencies: map[string]int{"XTS": 5}}, "5.00 XTS", "unknown currency"},
		{"zero Amount has no currency", Money{}, Amount{}, "unknown currency"},
		{"fraction of a fen", Money{}, "1.005 CNY", "more decimal places than the currency has"},
		{"fraction of a yen", Money{}, "980.5 JPY", "more decimal places than the currency has"},
		{"negative", Money{}, "-3.50 USD", "negative amount"},
		{"negative Amount", Money{}, mustAmount(t, -1, 2, "USD"), "negative amount"},
		{"padding overflows int64", Money{}, "9223372036854775807 CNY", "amount out of range"},
		{"decimal comma", Money{}, "1,5 EUR", "misplaced thousands separator"},
		{"yuan sign", Money{}, "¥125,000", "currency code is not three letters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestMoneyRejectsFloat(t *testing.T) {
	for _, v := range []any{125000.00, float32(1.5), 125000} {
		got, err := Money{}.Canonical(v)
		require.ErrorIs(t, err, ErrWrongType)
		assert.Contains(t, err.Error(), "kind.Amount or string")
		assert.Empty(t, got)
	}
}

func TestMoneyValue(t *testing.T) {
	got, err := Money{}.Value("125000.00 CNY")
	require.NoError(t, err)
	assert.Equal(t, mustAmount(t, 12500000, 2, "CNY"), got)

	got, err = Money{}.Value("980 JPY")
	require.NoError(t, err)
	assert.Equal(t, mustAmount(t, 980, 0, "JPY"), got)

	t.Run("negative amount stays readable", func(t *testing.T) {
		got, err := Money{}.Value("-3.50 USD")
		require.NoError(t, err)
		assert.Equal(t, mustAmount(t, -350, 2, "USD"), got)
	})
	t.Run("currency no longer listed stays readable", func(t *testing.T) {
		got, err := Money{}.Value("1.500 BHD")
		require.NoError(t, err)
		assert.Equal(t, mustAmount(t, 1500, 3, "BHD"), got)
	})

	for _, tt := range []struct{ name, stored, rule string }{
		{"code first", "CNY 125000.00", "stored text is not canonical"},
		{"separators", "125,000.00 CNY", "stored text is not canonical"},
		{"one decimal", "125000.0 CNY", "stored text is not canonical"},
		{"known currency at another scale", "5.0 USD", "stored text is not canonical"},
		{"negative zero", "-0.00 CNY", "stored text is not canonical"},
		{"no currency", "5.00", "currency code is not three letters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Money{}.Value(tt.stored)
			assertRule(t, err, Money{}, tt.rule)
			assert.Nil(t, got)
		})
	}
}

func TestMoneyMask(t *testing.T) {
	tests := []struct{ name, canonical, want string }{
		{"two decimals", "125000.00 CNY", "***.** CNY"},
		{"no decimals", "980 JPY", "*** JPY"},
		{"three decimals", "1.500 BHD", "***.*** BHD"},
		{"not canonical", "garbage", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Money{}.Mask(tt.canonical))
		})
	}
}

func FuzzMoney(f *testing.F) {
	for _, s := range []string{
		"125000.00 CNY", "CNY 125,000.00", "980 JPY", "-3.5 usd", "１２５，０００．００　ＣＮＹ",
		"1,5 EUR", "9223372036854775807 CNY", "",
	} {
		f.Add(s, s, int64(12500000), 2)
	}
	kinds := []Money{{}, {AllowNegative: true, Currencies: map[string]int{"BHD": 3, "XTS": 0}}}
	f.Fuzz(func(t *testing.T, input, stored string, units int64, scale int) {
		for _, k := range kinds {
			checkKind(t, k, input, stored, "unknown currency", "negative amount")
			if a, err := NewAmount(units, scale, "CNY"); err == nil {
				checkCanonical(t, k, a)
			}
			if c, err := k.Canonical(input); err == nil {
				a, err := ParseAmount(c)
				require.NoError(t, err)
				require.Equal(t, c, a.String())
			}
		}
	})
}
