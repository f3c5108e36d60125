package kind

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateCanonical(t *testing.T) {
	beijing := time.FixedZone("UTC+8", 8*60*60)
	tests := []struct {
		name  string
		input any
		want  string
	}{
		{"iso string", "1990-03-07", "1990-03-07"},
		{"slashes", "1990/03/07", "1990-03-07"},
		{"one-digit month and day", "1990-3-7", "1990-03-07"},
		{"han format", "1990年3月7日", "1990-03-07"},
		{"han format with two-digit month", "1990年03月07日", "1990-03-07"},
		{"han format with spaces", "1990 年 3 月 7 日", "1990-03-07"},
		{"full-width digits", "１９９０－０３－０７", "1990-03-07"},
		{"full-width slashes", "１９９０／３／７", "1990-03-07"},
		{"surrounding spaces", " 1990-03-07 ", "1990-03-07"},
		{"leap day", "2000-02-29", "2000-02-29"},
		{"time in UTC", time.Date(1990, 3, 7, 23, 59, 0, 0, time.UTC), "1990-03-07"},
		{"time keeps the date of its own location", time.Date(1990, 3, 7, 1, 0, 0, 0, beijing), "1990-03-07"},
		{"first year", "0001-01-01", "0001-01-01"},
		{"last year", "9999-12-31", "9999-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Date{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDateRules(t *testing.T) {
	bounded := Date{
		Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		Max: time.Date(2024, 6, 1, 23, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		name  string
		kind  Date
		input any
		rule  string
	}{
		{"empty", Date{}, "", "not a date in a known format"},
		{"digits without separators", Date{}, "19900307", "not a date in a known format"},
		{"two-digit year", Date{}, "90-03-07", "not a date in a known format"},
		{"day first", Date{}, "07-03-1990", "not a date in a known format"},
		{"mixed separators", Date{}, "1990-03/07", "not a date in a known format"},
		{"time of day", Date{}, "1990-03-07T10:00", "not a date in a known format"},
		{"three-digit month", Date{}, "1990-003-07", "not a date in a known format"},
		{"han format without day mark", Date{}, "1990年3月7", "not a date in a known format"},
		{"han format with marks swapped", Date{}, "1990月3年7日", "not a date in a known format"},
		{"negative year", Date{}, "-1990-03-07", "not a date in a known format"},
		{"thirtieth of February", Date{}, "2023-02-30", "not a calendar date"},
		{"1900 is not a leap year", Date{}, "1900-02-29", "not a calendar date"},
		{"month zero", Date{}, "1990-00-07", "not a calendar date"},
		{"year zero", Date{}, "0000-01-01", "not a calendar date"},
		{"time in year ten thousand", Date{}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "not a calendar date"},
		{"before Min", bounded, "1899-12-31", "before its minimum"},
		{"after Max", bounded, "2024-06-02", "after its maximum"},
		{"time after Max", bounded, time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC), "after its maximum"},
		{"invalid UTF-8", Date{}, "1990-03-07\xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
	t.Run("bounds are inclusive", func(t *testing.T) {
		for _, s := range []string{"1900-01-01", "2024-06-01"} {
			got, err := bounded.Canonical(s)
			require.NoError(t, err)
			assert.Equal(t, s, got)
		}
	})
	t.Run("wrong type", func(t *testing.T) {
		_, err := Date{}.Canonical(int64(19900307))
		assert.ErrorIs(t, err, ErrWrongType)
	})
}

func TestDateValue(t *testing.T) {
	got, err := Date{}.Value("1990-03-07")
	require.NoError(t, err)
	assert.Equal(t, time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), got)

	t.Run("outside Min and Max stays readable", func(t *testing.T) {
		k := Date{Min: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Max: time.Date(2000, 12, 31, 0, 0, 0, 0, time.UTC)}
		got, err := k.Value("1990-03-07")
		require.NoError(t, err)
		assert.Equal(t, time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), got)
	})

	for _, tt := range []struct{ name, stored, rule string }{
		{"slashes", "1990/03/07", "stored text is not canonical"},
		{"one-digit month", "1990-3-07", "stored text is not canonical"},
		{"not a calendar date", "1990-02-30", "not a calendar date"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Date{}.Value(tt.stored)
			assertRule(t, err, Date{}, tt.rule)
			assert.Nil(t, got)
		})
	}
}

func TestDateMask(t *testing.T) {
	assert.Equal(t, "1990-**-**", Date{}.Mask("1990-03-07"))
	assert.Equal(t, "****-**-**", Date{}.Mask("not a date"))
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"1990-03-07", "1990/3/7", "1990年3月7日", "１９９０－０３－０７", "2023-02-30", "0000-01-01", "",
	} {
		f.Add(s, s, int64(637459200))
	}
	k := Date{Min: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, input, stored string, unix int64) {
		checkKind(t, k, input, stored, "before its minimum")
		checkCanonical(t, k, time.Unix(unix, 0).UTC())
		if c, err := k.Canonical(input); err == nil {
			require.Len(t, c, len(time.DateOnly))
		}
	})
}
