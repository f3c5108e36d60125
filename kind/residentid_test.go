package kind

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedNow is 2024-06-01 12:00 in China Standard Time.
func fixedNow() time.Time { return time.Date(2024, 6, 1, 4, 0, 0, 0, time.UTC) }

// All numbers below are synthetic: region 110105, sequence 002 or 123, check
// characters computed by hand from GB 11643-1999.
func TestResidentIDCanonical(t *testing.T) {
	k := ResidentID{Now: fixedNow}
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"ascii with upper-case check X", "11010519491231002X", "11010519491231002X"},
		{"lower-case check x", "11010519491231002x", "11010519491231002X"},
		{"full-width digits and X", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"full-width lower-case x", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
		{"spaces between groups", " 110105 19491231 002X ", "11010519491231002X"},
		{"dashes between groups", "110105-19491231-002X", "11010519491231002X"},
		{"ideographic space", "110105\u300019491231\u3000002X", "11010519491231002X"},
		{"digit check character", "110105194912310038", "110105194912310038"},
		{"leap day", "110105200002291235", "110105200002291235"},
		{"born 1900-01-01", "110105190001010028", "110105190001010028"},
		{"born today", "110105202406010021", "110105202406010021"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResidentIDRules(t *testing.T) {
	k := ResidentID{Now: fixedNow}
	tests := []struct {
		name  string
		input string
		rule  string
	}{
		{"empty", "", "wrong length"},
		{"seventeen characters", "11010519491231002", "wrong length"},
		{"nineteen characters", "11010519491231002X0", "wrong length"},
		{"fifteen-digit first generation number", "110105491231002", "wrong length"},
		{"letter among the digits", "1101051949A231002X", "non-digit"},
		{"letter other than X as check", "11010519491231002A", "non-digit"},
		{"X before the last position", "1101051949123100X2", "non-digit"},
		{"arabic-indic digit", "11010519491231002\u0663", "non-digit"},
		{"check character off by one", "110105194912310021", "bad check character"},
		{"X where a digit is due", "11010519491231003X", "bad check character"},
		{"region code starting with 0", "010105194912310026", "region code starts with 0"},
		{"thirtieth of February", "110105194902300020", "impossible birth date"},
		{"thirteenth month", "110105194913010029", "impossible birth date"},
		{"month and day zero", "110105194900000024", "impossible birth date"},
		{"1900 is not a leap year", "110105190002290025", "impossible birth date"},
		{"born tomorrow", "110105202406020027", "birth date in the future"},
		{"born before 1900", "110105189912310023", "birth date before 1900"},
		{"invalid UTF-8", "11010519491231002\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Canonical(tt.input)

			assertRule(t, err, k, tt.rule)
			assert.Empty(t, got)
		})
	}
}

func TestResidentIDTodayIsInChinaStandardTime(t *testing.T) {
	// 2024-06-01 20:00 UTC is already 2024-06-02 in Beijing.
	k := ResidentID{Now: func() time.Time { return time.Date(2024, 6, 1, 20, 0, 0, 0, time.UTC) }}

	got, err := k.Canonical("110105202406020027")

	require.NoError(t, err)
	assert.Equal(t, "110105202406020027", got)
}

func TestResidentIDNilNowIsTimeNow(t *testing.T) {
	_, err := ResidentID{}.Canonical("110105202406020027")
	require.NoError(t, err, "a birth date in 2024 is in the past of time.Now")

	future := time.Now().AddDate(1, 0, 0).Format("20060102")
	id := "110105" + future + "002"
	_, err = ResidentID{}.Canonical(id + string(residentIDCheck(id)))
	assertRule(t, err, ResidentID{}, "birth date in the future")
}

func TestResidentIDValue(t *testing.T) {
	k := ResidentID{Now: fixedNow}

	t.Run("canonical text", func(t *testing.T) {
		got, err := k.Value("11010519491231002X")
		require.NoError(t, err)
		assert.Equal(t, "11010519491231002X", got)
	})
	t.Run("future birth date stays readable", func(t *testing.T) {
		// Stored when the clock was later; a clock moved back must not
		// make the number unreadable.
		got, err := k.Value("110105202406020027")
		require.NoError(t, err)
		assert.Equal(t, "110105202406020027", got)
	})
	for _, tt := range []struct{ name, stored, rule string }{
		{"lower-case x", "11010519491231002x", "stored text is not canonical"},
		{"with spaces", "110105 19491231 002X", "stored text is not canonical"},
		{"bad check character", "110105194912310021", "bad check character"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Value(tt.stored)
			assertRule(t, err, k, tt.rule)
			assert.Nil(t, got)
		})
	}
}

func TestResidentIDCheckCharacter(t *testing.T) {
	// Check characters computed independently of the code under test.
	tests := []struct {
		name   string
		digits string
		want   byte
	}{
		{"check X", "11010519491231002", 'X'},
		{"check 8", "11010519491231003", '8'},
		{"check 5", "11010520000229123", '5'},
		{"check 7", "32058319880808123", '7'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, string(tt.want), string(residentIDCheck(tt.digits)))
		})
	}
}

func TestResidentIDMask(t *testing.T) {
	tests := []struct{ name, canonical, want string }{
		{"keeps region code and last four", "11010519491231002X", "110105********002X"},
		{"short text is masked entirely", "1101", "****"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ResidentID{}.Mask(tt.canonical))
		})
	}
}

func FuzzResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
		"110105 19491231 002X", "110105194902300020", "110105202406020027", "",
	} {
		f.Add(s, s)
	}
	k := ResidentID{Now: fixedNow}
	f.Fuzz(func(t *testing.T, input, stored string) {
		checkKind(t, k, input, stored, "birth date in the future")
		if c, err := k.Canonical(input); err == nil {
			require.Len(t, c, 18)
			require.Equal(t, string(residentIDCheck(c[:17])), c[17:])
			require.Equal(t, c[:6]+"********"+c[14:], k.Mask(c))
		}
	})
}
