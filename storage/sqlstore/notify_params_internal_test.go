package sqlstore

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/notify"
)

func TestDecodeParams(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{}`, true}, {`{"a":"1","b":"收购方"}`, true},
		{`[]`, false}, {`{"a":1}`, false}, {`{"a":"1","a":"2"}`, false}, {`{"a":"1"} {}`, false}, {`{"a":"1"`, false}, {``, false}, {`null`, false},
	} {
		_, err := decodeParams([]byte(tc.in))
		if tc.ok {
			assert.NoError(t, err, tc.in)
		} else {
			assert.ErrorIs(t, err, errParams, tc.in)
		}
	}
}

// FuzzDecodeParams: decodeParams never panics, and what it accepts
// encodes to bytes it decodes to the same parameters.
func FuzzDecodeParams(f *testing.F) {
	for _, s := range []string{`{}`, `{"categories":"手机号码, names","discovered":"2026-01-02"}`, `{"a":"1","a":"2"}`, `{"a":"\u00e9"}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeParams(b)
		if err != nil {
			return
		}
		enc, err := encodeParams(p)
		if err != nil {
			return // keys or values that are not valid UTF-8 are refused at write
		}
		again, err := decodeParams(enc)
		require.NoError(t, err)
		assert.True(t, maps.Equal(map[string]string(p), map[string]string(again)))
		_ = notify.Params(again)
	})
}
