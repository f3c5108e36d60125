package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
)

func TestDecodeNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{`null`, nil, true}, {`[]`, []string{}, true}, {`["aml-identity","marketing-consent"]`, []string{"aml-identity", "marketing-consent"}, true},
		{``, nil, false}, {`[1]`, nil, false}, {`{}`, nil, false}, {`["a"] []`, nil, false}, {`["a"`, nil, false}, {`"a"`, nil, false},
	} {
		got, err := decodeNames[string](tc.in)
		if !tc.ok {
			assert.ErrorIs(t, err, errNames, tc.in)
			assert.Contains(t, []string{errNames.Error() + ": not JSON", errNames.Error() + ": not an array of strings"}, err.Error(), "the stored bytes are not echoed")
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
}

// FuzzDecodeNames: decodeNames never panics, and what it accepts encodes
// to bytes it decodes to the same names.
func FuzzDecodeNames(f *testing.F) {
	for _, s := range []string{`null`, `[]`, `["c-1","客户-2"]`, `["a",1]`, `["\u00e9"]`, `[null]`, `["a"] x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := decodeNames[custos.SubjectID](s)
		if err != nil {
			return
		}
		enc, err := encodeNames(names)
		require.NoError(t, err)
		again, err := decodeNames[custos.SubjectID](enc)
		require.NoError(t, err)
		assert.Equal(t, names, again)
	})
}
