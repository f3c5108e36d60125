package kind

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertRule checks that err is a *RuleError of kind k naming rule, and
// that it wraps ErrInvalid.
func assertRule(t *testing.T, err error, k Kind, rule string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, k.Name(), re.Kind)
	assert.Equal(t, rule, re.Rule)
}

func TestRuleError(t *testing.T) {
	err := invalid("cn-mobile", "wrong length")

	assert.EqualError(t, err, "kind: invalid value: cn-mobile: wrong length")
	assert.ErrorIs(t, err, ErrInvalid)
	assert.NotErrorIs(t, err, ErrWrongType)
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, RuleError{Kind: "cn-mobile", Rule: "wrong length"}, *re)
}

func TestWrongType(t *testing.T) {
	for _, k := range []Kind{
		ResidentID{}, Mobile{}, BankCard{}, USCC{}, PersonName{}, Email{},
		Address{}, Text{}, Date{}, Money{},
	} {
		t.Run(k.Name(), func(t *testing.T) {
			_, err := k.Canonical(13812345678)

			require.ErrorIs(t, err, ErrWrongType)
			assert.NotErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), "got int")
			assert.NotContains(t, err.Error(), "13812345678")
		})
	}
}

// digitRuns matches the runs of five or more digits of an input, which an
// error message must not repeat.
var digitRuns = regexp.MustCompile(`[0-9]{5,}`)

// assertNoValue checks that an error message holds neither the input nor
// any run of five or more of its digits.
func assertNoValue(t *testing.T, err error, input string) {
	t.Helper()
	require.NotEmpty(t, input)
	assert.NotContains(t, err.Error(), input)
	assertNoDigits(t, err, input)
}

// assertNoDigits checks that an error message holds no run of five or more
// of the input's digits, whether or not they were consecutive.
func assertNoDigits(t *testing.T, err error, input string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	digits := removeFunc(input, func(r rune) bool { return r < '0' || r > '9' })
	for _, run := range append(digitRuns.FindAllString(input, -1), digits) {
		if len(run) >= 5 {
			assert.NotContains(t, msg, run)
		}
	}
}

func TestErrorsNeverHoldTheValue(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		input string
	}{
		{"resident id bad check character", ResidentID{Now: fixedNow}, "110105194912310021"},
		{"resident id impossible birth date", ResidentID{Now: fixedNow}, "110105194902300020"},
		{"resident id future birth date", ResidentID{Now: fixedNow}, "110105202406020027"},
		{"resident id wrong length", ResidentID{}, "11010519491231002"},
		{"mobile prefix", Mobile{}, "12812345678"},
		{"mobile country code", Mobile{}, "+44 7911 123456"},
		{"bank card check digit", BankCard{}, "6217000000000000005"},
		{"uscc check character", USCC{}, "91110108MA01ABCD1F"},
		{"person name digit", PersonName{}, "Agent 00712345"},
		{"email two at signs", Email{}, "user12345@@example.com"},
		{"address too long", Address{MaxRunes: 5}, "12345678 Example Road"},
		{"date not in calendar", Date{}, "2023-02-30"},
		{"date format", Date{}, "20230230"},
		{"money decimals", Money{}, "12345.678 CNY"},
		{"money unknown currency", Money{}, "12345.67 XTS"},
		{"integer stored text", Integer{}, "0012345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if _, ok := tt.kind.(Integer); ok {
				_, err = tt.kind.Value(tt.input)
			} else {
				_, err = tt.kind.Canonical(tt.input)
			}

			require.ErrorIs(t, err, ErrInvalid)
			assertNoValue(t, err, tt.input)
		})
	}
}

// checkKind is the body of every fuzz target: checkCanonical for v, then
// checkStored for stored.
func checkKind(t *testing.T, k Kind, v any, stored string, limits ...string) {
	checkCanonical(t, k, v)
	checkStored(t, k, stored, limits...)
}

// checkCanonical checks the contract of Kind for an input v: Canonical
// does not panic; what it accepts, Value reads back and Canonical maps to
// the same text; the mask is not the value; errors wrap ErrInvalid or
// ErrWrongType and never repeat the input's digits.
func checkCanonical(t *testing.T, k Kind, v any) {
	c, err := k.Canonical(v)
	if err != nil {
		require.True(t, errors.Is(err, ErrInvalid) || errors.Is(err, ErrWrongType), "unexpected error %v", err)
		if s, ok := v.(string); ok {
			assertNoDigits(t, err, s)
		}
		return
	}
	got, err := k.Value(c)
	require.NoError(t, err, "Value of the canonical text %q", c)
	again, err := k.Canonical(got)
	require.NoError(t, err, "Canonical of the value of %q", c)
	require.Equal(t, c, again, "canonical form is not stable")
	if _, ok := v.(string); ok {
		again, err = k.Canonical(c)
		require.NoError(t, err, "Canonical of the canonical text %q", c)
		require.Equal(t, c, again, "canonical text is not a fixed point")
	}
	if m, ok := k.(Masker); ok && len(c) >= 4 && !strings.Contains(c, "*") {
		require.NotEqual(t, c, m.Mask(c), "mask shows the whole value")
	}
}

// checkStored checks Value on arbitrary stored text: it does not panic,
// fails with ErrInvalid, or returns a value whose canonical text is the
// stored text. Value does not apply the limits a configuration or the clock
// sets, so Canonical may reject what Value read with one of the rules named
// in limits.
func checkStored(t *testing.T, k Kind, stored string, limits ...string) {
	got, err := k.Value(stored)
	if m, ok := k.(Masker); ok {
		_ = m.Mask(stored)
	}
	if err != nil {
		require.ErrorIs(t, err, ErrInvalid)
		assert.Nil(t, got)
		return
	}
	again, err := k.Canonical(got)
	if err != nil {
		var re *RuleError
		require.ErrorAs(t, err, &re, "Canonical of the value of stored %q", stored)
		require.Contains(t, limits, re.Rule, "Canonical of the value of stored %q", stored)
		return
	}
	require.Equal(t, stored, again, "Value accepted a text that is not canonical")
}

func TestFoldedIsIdempotent(t *testing.T) {
	tests := []struct{ name, input string }{
		{"full-width digits and ideographic space", "１３８　１２３４"},
		{"half-width katakana with voicing marks", "ｶﾞｷﾞ"},
		{"full-width letters and at sign", "Ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ"},
		{"kelvin sign", "\u212a"},
		{"combining accent", "a\u0301"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			once, err := folded("test", tt.input)
			require.NoError(t, err)
			twice, err := folded("test", once)
			require.NoError(t, err)
			assert.Equal(t, once, twice)
		})
	}
}

func FuzzFolded(f *testing.F) {
	f.Add("１３８　１２３４")
	f.Add("ｶﾞｷﾞ")
	f.Add("\u212a\u0301\uff65")
	f.Fuzz(func(t *testing.T, s string) {
		once, err := folded("test", s)
		if err != nil {
			return
		}
		twice, err := folded("test", once)
		require.NoError(t, err)
		require.Equal(t, once, twice)
	})
}

// TestIdeographicZeroIsNotADigit shows that U+3007 〇, which Chinese writes
// in numbers spelled out in characters (二〇二四年), is not read as the
// digit 0 by any kind whose values are numbers, while full-width digits are
// read as ASCII.
func TestIdeographicZeroIsNotADigit(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		withZero  string
		rule      string
		fullWidth string
		want      string
	}{
		{"mobile", Mobile{}, "1381234567〇", "non-digit", "１３８１２３４５６７０", "13812345670"},
		{"resident id", ResidentID{Now: fixedNow}, "11〇10519491231002X", "non-digit", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"bank card", BankCard{}, "4〇00000000000002", "non-digit", "４００００００００００００００２", "4000000000000002"},
		{"uscc", USCC{}, "9111〇108MA01ABCD1E", "character outside the code set", "９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ", "91110108MA01ABCD1E"},
		{"money", Money{}, "1〇0.00 CNY", "not a decimal amount", "１００.００ CNY", "100.00 CNY"},
		{"date", Date{}, "199〇-03-07", "not a date in a known format", "１９９０－０３－０７", "1990-03-07"},
		{"date in characters", Date{}, "一九九〇年三月七日", "not a date in a known format", "１９９０年３月７日", "1990-03-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.withZero)
			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)

			stored, err := tt.kind.Value(tt.withZero)
			require.ErrorIs(t, err, ErrInvalid, "nor is it read from stored text")
			assert.Nil(t, stored)

			got, err = tt.kind.Canonical(tt.fullWidth)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "full-width digits are digits")
		})
	}
	t.Run("integer", func(t *testing.T) {
		_, err := Integer{}.Canonical("1〇")
		assert.ErrorIs(t, err, ErrWrongType, "an integer is a Go integer, never text")
		got, err := Integer{}.Value("1〇")
		assertRule(t, err, Integer{}, "stored text is not a decimal integer")
		assert.Nil(t, got)
		got, err = Integer{}.Value("１０")
		assertRule(t, err, Integer{}, "stored text is not a decimal integer")
		assert.Nil(t, got, "stored integers are ASCII, as Canonical wrote them")
	})
	t.Run("person name: a Han character", func(t *testing.T) {
		got, err := PersonName{}.Canonical("张〇明")
		require.NoError(t, err)
		assert.Equal(t, "张〇明", got)
	})
}
