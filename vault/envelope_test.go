package vault

import (
	"bytes"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	e := envelope{{"a", []byte{1, 2}}, {"b", nil}, {"name", bytes.Repeat([]byte{7}, 300)}}
	b := encodeEnvelope(e)
	got, err := decodeEnvelope(b)
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i := range e {
		assert.Equal(t, e[i].name, got[i].name)
		assert.Equal(t, len(e[i].ciphertext), len(got[i].ciphertext))
	}
	out := make([][]byte, 2)
	require.NoError(t, lookup(b, []string{"a", "zzz"}, out, []string{"a", "b", "name"}))
	assert.Equal(t, []byte{1, 2}, out[0])
	assert.Nil(t, out[1])
}

func TestEnvelopeRejectsNonCanonical(t *testing.T) {
	good := encodeEnvelope(envelope{{"a", []byte{1}}, {"b", []byte{2}}})
	cases := map[string][]byte{
		"empty":          {},
		"version 2":      append([]byte{2}, good[1:]...),
		"trailing byte":  append(bytes.Clone(good), 0),
		"truncated":      good[:len(good)-1],
		"unsorted names": encodeEnvelope(envelope{{"b", []byte{2}}, {"a", []byte{1}}}),
		"repeated name":  encodeEnvelope(envelope{{"a", []byte{2}}, {"a", []byte{1}}}),
		"huge count":     {1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge length":    {1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeEnvelope(b)
			assert.ErrorIs(t, err, errEnvelope)
			err = lookup(b, []string{"a"}, make([][]byte, 1), []string{"a", "b"})
			assert.ErrorIs(t, err, errEnvelope)
		})
	}
}

// FuzzEnvelope checks the decoder against the encoder (canonical form:
// whatever decodes re-encodes to the same bytes) and the allocation-free
// lookup against the full decoder.
func FuzzEnvelope(f *testing.F) {
	f.Add(encodeEnvelope(envelope{{"mobile", []byte("ct1")}, {"name", []byte("ct2")}}))
	f.Add(encodeEnvelope(nil))
	f.Add([]byte{1, 1, 1, 'a', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b)
		var names []string
		for _, fld := range e {
			names = append(names, fld.name)
		}
		declared := names
		out := make([][]byte, len(names))
		lerr := lookup(b, names, out, declared)
		// The compiled walk accepts and finds exactly what lookup does,
		// against a schema declaring more fields than are stored.
		wider := append(slices.Clone(declared), "zzz-undeclared-before")
		slices.Sort(wider)
		wider = slices.Compact(wider)
		want := make([]int, len(wider))
		for d, n := range wider {
			want[d], _ = slices.BinarySearch(names, n)
			if !slices.Contains(names, n) {
				want[d] = -1
			}
		}
		wout := make([][]byte, len(names))
		werr := compileHeader(wider).walk(b, want, wout)
		if (werr == nil) != (lookup(b, names, make([][]byte, len(names)), wider) == nil) {
			t.Fatalf("walk and lookup disagree: %v", werr)
		}
		if werr == nil && lerr == nil {
			for i := range out {
				if !bytes.Equal(out[i], wout[i]) {
					t.Fatalf("walk and lookup disagree on field %d", i)
				}
			}
		}
		if err != nil {
			if lerr == nil && len(names) == 0 {
				t.Fatalf("lookup accepted what decode rejected: %v", err)
			}
			return
		}
		if !bytes.Equal(encodeEnvelope(e), b) {
			t.Fatalf("decoded envelope does not re-encode to its bytes")
		}
		if lerr != nil {
			t.Fatalf("lookup rejected what decode accepted: %v", lerr)
		}
		for i, fld := range e {
			if !bytes.Equal(out[i], fld.ciphertext) {
				t.Fatalf("lookup and decode disagree on field %d", i)
			}
		}
	})
}
