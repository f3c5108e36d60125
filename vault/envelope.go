package vault

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// envelopeV1 is the first byte of a version-1 envelope.
const envelopeV1 = 0x01

// maxEnvelopeFields bounds the fields of one decoded envelope.
const maxEnvelopeFields = 4096

// errEnvelope is wrapped by every decoding error.
var errEnvelope = errors.New("malformed envelope")

// envelope is the decoded form of a record's field ciphertexts: pairs of
// field name and ciphertext, sorted by name, names distinct.
type envelope []sealedField

type sealedField struct {
	name       string
	ciphertext []byte
}

// encodeEnvelope writes e, which must be sorted by name with distinct names:
//
//	0x01 | uvarint(n) | n × ( uvarint(len(name)) name uvarint(len(ct)) ct )
func encodeEnvelope(e envelope) []byte {
	n := 1 + binary.MaxVarintLen64
	for _, f := range e {
		n += 2*binary.MaxVarintLen64 + len(f.name) + len(f.ciphertext)
	}
	b := make([]byte, 0, n)
	b = append(b, envelopeV1)
	b = binary.AppendUvarint(b, uint64(len(e)))
	for _, f := range e {
		b = binary.AppendUvarint(b, uint64(len(f.name)))
		b = append(b, f.name...)
		b = binary.AppendUvarint(b, uint64(len(f.ciphertext)))
		b = append(b, f.ciphertext...)
	}
	return b
}

// decodeEnvelope parses b, rejecting anything encodeEnvelope would not have
// produced: another version, trailing bytes, unsorted or repeated names.
// Ciphertexts alias b.
func decodeEnvelope(b []byte) (envelope, error) {
	n, b, err := fieldCount(b)
	if err != nil {
		return nil, err
	}
	e := make(envelope, 0, n)
	for i := uint64(0); i < n; i++ {
		name, rest, err := chunk(b)
		if err != nil {
			return nil, err
		}
		ct, rest, err := chunk(rest)
		if err != nil {
			return nil, err
		}
		b = rest
		if len(e) > 0 && e[len(e)-1].name >= string(name) {
			return nil, fmt.Errorf("%w: field names not sorted or repeated", errEnvelope)
		}
		e = append(e, sealedField{name: string(name), ciphertext: ct})
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", errEnvelope)
	}
	return e, nil
}

// fieldCount checks an envelope's version and returns its field count and
// the bytes after it.
func fieldCount(b []byte) (uint64, []byte, error) {
	if len(b) == 0 || b[0] != envelopeV1 {
		return 0, nil, fmt.Errorf("%w: unknown version", errEnvelope)
	}
	b = b[1:]
	n, k := uvarint(b)
	if k <= 0 || n > maxEnvelopeFields {
		return 0, nil, fmt.Errorf("%w: bad field count", errEnvelope)
	}
	return n, b[k:], nil
}

// uvarint reads a minimally encoded uvarint: the format has one encoding
// per value, so that no two byte strings decode to the same envelope.
func uvarint(b []byte) (uint64, int) {
	n, k := binary.Uvarint(b)
	if k > 1 && b[k-1] == 0 {
		return 0, 0 // a trailing zero byte pads a shorter encoding
	}
	return n, k
}

// chunk splits a uvarint-length-prefixed byte string off b.
func chunk(b []byte) (data, rest []byte, err error) {
	n, k := uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("%w: truncated", errEnvelope)
	}
	b = b[k:]
	return b[:n:n], b[n:], nil
}

// names returns the envelope's field names, sorted.
func (e envelope) names() []string {
	out := make([]string, len(e))
	for i, f := range e {
		out[i] = f.name
	}
	return out
}

// get returns the ciphertext of the named field.
func (e envelope) get(name string) ([]byte, bool) {
	lo, hi := 0, len(e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case e[m].name == name:
			return e[m].ciphertext, true
		case e[m].name < name:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil, false
}

// lookup finds the ciphertexts of names, which must be sorted and distinct,
// in an encoded envelope without decoding it whole: the read path's
// allocation-free merge of two sorted lists. out[i] is nil when names[i] is
// absent. It validates what it walks as strictly as decodeEnvelope.
//
// Every name in the envelope must be in declared, which is sorted: a field
// the schema does not declare means the envelope was altered.
func lookup(b []byte, names []string, out [][]byte, declared []string) error {
	n, b, err := fieldCount(b)
	if err != nil {
		return err
	}
	clear(out)
	var prev []byte
	j, d := 0, 0
	for i := uint64(0); i < n; i++ {
		name, rest, err := chunk(b)
		if err != nil {
			return err
		}
		ct, rest, err := chunk(rest)
		if err != nil {
			return err
		}
		b = rest
		if i > 0 && string(prev) >= string(name) {
			return fmt.Errorf("%w: field names not sorted or repeated", errEnvelope)
		}
		prev = name
		// Both lists are sorted and usually equal, so test equality first.
		for d < len(declared) && declared[d] != string(name) {
			if declared[d] > string(name) {
				d = len(declared)
				break
			}
			d++
		}
		if d == len(declared) {
			return fmt.Errorf("%w: undeclared field", errEnvelope)
		}
		for j < len(names) && names[j] != string(name) && names[j] < string(name) {
			j++
		}
		if j < len(names) && names[j] == string(name) {
			out[j] = ct
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: trailing bytes", errEnvelope)
	}
	return nil
}

// header is a record type's declared field names (sorted) as an envelope
// encodes them, length prefix included, so that each stored name is checked
// against the schema in one comparison.
type header struct {
	enc [][]byte
}

func compileHeader(declared []string) header {
	h := header{enc: make([][]byte, len(declared))}
	for i, n := range declared {
		h.enc[i] = append(binary.AppendUvarint(nil, uint64(len(n))), n...)
	}
	return h
}

// walk finds in an encoded envelope the ciphertext of every declared field
// d with want[d] >= 0 and puts it at out[want[d]]; out entries of fields
// absent from the envelope are nil. It accepts exactly what lookup accepts:
// a stored name matches a declared one only after the previous stored
// name's, so names are sorted, distinct and declared, and a declared name's
// encoding is minimal, so no other bytes spell it.
func (h header) walk(b []byte, want []int, out [][]byte) error {
	n, b, err := fieldCount(b)
	if err != nil {
		return err
	}
	clear(out)
	d := 0
	for i := uint64(0); i < n; i++ {
		for d < len(h.enc) && !bytes.HasPrefix(b, h.enc[d]) {
			d++
		}
		if d == len(h.enc) {
			return fmt.Errorf("%w: field names undeclared, unsorted, repeated or truncated", errEnvelope)
		}
		ct, rest, err := chunk(b[len(h.enc[d]):])
		if err != nil {
			return err
		}
		if w := want[d]; w >= 0 {
			out[w] = ct
		}
		b = rest
		d++
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: trailing bytes", errEnvelope)
	}
	return nil
}
