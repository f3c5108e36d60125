package storetest

import (
	"encoding/binary"
	"errors"
)

// The tests read and write envelopes with this independent implementation
// of the format documented in docs/FORMAT.md, to move ciphertexts around
// as an attacker with database access could.

type field struct {
	name string
	ct   []byte
}

func parseEnvelope(b []byte) ([]field, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, errors.New("not a version-1 envelope")
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	b = b[k:]
	var out []field
	for range n {
		l, k := binary.Uvarint(b)
		name := string(b[k : k+int(l)])
		b = b[k+int(l):]
		l, k = binary.Uvarint(b)
		out = append(out, field{name, append([]byte(nil), b[k:k+int(l)]...)})
		b = b[k+int(l):]
	}
	return out, nil
}

func buildEnvelope(fs []field) []byte {
	b := []byte{1}
	b = binary.AppendUvarint(b, uint64(len(fs)))
	for _, f := range fs {
		b = binary.AppendUvarint(b, uint64(len(f.name)))
		b = append(b, f.name...)
		b = binary.AppendUvarint(b, uint64(len(f.ct)))
		b = append(b, f.ct...)
	}
	return b
}
