package kind

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegerCanonical(t *testing.T) {
	tests := []struct {
		name  string
		input any
		want  string
	}{
		{"int", 36, "36"},
		{"negative int8", int8(-5), "-5"},
		{"int16", int16(300), "300"},
		{"int32", int32(-70000), "-70000"},
		{"smallest int64", int64(math.MinInt64), "-9223372036854775808"},
		{"uint8", uint8(255), "255"},
		{"uint16", uint16(65535), "65535"},
		{"uint32", uint32(math.MaxUint32), "4294967295"},
		{"largest uint fitting int64", uint(math.MaxInt64), "9223372036854775807"},
		{"uint64 zero", uint64(0), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Integer{}.Canonical(tt.input)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestIntegerRules(t *testing.T) {
	months := Integer{Min: 1, Max: 120}
	tests := []struct {
		name  string
		kind  Integer
		input any
		rule  string
	}{
		{"uint beyond int64", Integer{}, uint(math.MaxInt64) + 1, "out of the int64 range"},
		{"uint64 beyond int64", Integer{}, uint64(math.MaxUint64), "out of the int64 range"},
		{"below Min", months, 0, "out of its declared range"},
		{"above Max", months, int64(121), "out of its declared range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Canonical(tt.input)

			assertRule(t, err, tt.kind, tt.rule)
			assert.Empty(t, got)
		})
	}
	t.Run("bounds are inclusive", func(t *testing.T) {
		for _, n := range []int{1, 120} {
			_, err := months.Canonical(n)
			assert.NoError(t, err)
		}
	})
	t.Run("Min equal to Max means no bound", func(t *testing.T) {
		got, err := Integer{Min: 5, Max: 5}.Canonical(-1)
		require.NoError(t, err)
		assert.Equal(t, "-1", got)
	})
	for _, v := range []any{"36", 36.0, true, nil} {
		_, err := Integer{}.Canonical(v)
		assert.ErrorIs(t, err, ErrWrongType)
	}
}

func TestIntegerValue(t *testing.T) {
	got, err := Integer{}.Value("-36")
	require.NoError(t, err)
	assert.Equal(t, int64(-36), got)

	t.Run("outside Min and Max stays readable", func(t *testing.T) {
		got, err := Integer{Min: 1, Max: 120}.Value("121")
		require.NoError(t, err)
		assert.Equal(t, int64(121), got)
	})

	for _, tt := range []struct {
		name   string
		kind   Integer
		stored string
		rule   string
	}{
		{"leading zero", Integer{}, "036", "stored text is not canonical"},
		{"plus sign", Integer{}, "+36", "stored text is not canonical"},
		{"negative zero", Integer{}, "-0", "stored text is not canonical"},
		{"not a number", Integer{}, "thirty-six", "stored text is not a decimal integer"},
		{"empty", Integer{}, "", "stored text is not a decimal integer"},
		{"beyond int64", Integer{}, "9223372036854775808", "stored text is not a decimal integer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kind.Value(tt.stored)
			assertRule(t, err, tt.kind, tt.rule)
			assert.Nil(t, got)
		})
	}
}

func FuzzInteger(f *testing.F) {
	f.Add(int64(36), "36")
	f.Add(int64(math.MinInt64), "-0")
	f.Add(int64(0), "+7")
	k := Integer{Min: -1000, Max: 1000}
	f.Fuzz(func(t *testing.T, n int64, stored string) {
		checkKind(t, Integer{}, n, stored)
		checkKind(t, k, n, stored, "out of its declared range")
		checkCanonical(t, Integer{}, uint64(n))
	})
}
