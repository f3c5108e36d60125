package vault

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeCertificate feeds the certificate decoder of stored
// tombstones arbitrary bytes: it never panics, refuses what it cannot use
// with ErrCorrupt, and what it accepts encodes and decodes to itself.
func FuzzDecodeCertificate(f *testing.F) {
	f.Add([]byte(`{"id":"00112233445566778899aabbccddeeff","subject_ref":"ab","records":2,"erased":[{"component":"consent","removed":3}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":""}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"id":"x","subject_ref":"y","shredded_at":"not a time"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCertificate(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted certificate does not encode: %v", err)
		}
		c2, err := decodeCertificate(again)
		if err != nil || !sameCertificate(c, c2) {
			t.Fatalf("round trip changed the certificate: %v", err)
		}
	})
}
