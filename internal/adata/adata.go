// Package adata builds the associated data that binds every custos
// ciphertext to its place: a label naming the format and purpose, then each
// part as a 4-byte big-endian length followed by its bytes. The encoding is
// injective, so no two different (label, parts) pairs give the same bytes.
// docs/FORMAT.md documents it for readers without custos.
package adata

import "encoding/binary"

// Build returns label followed by each part, length-prefixed.
func Build(label string, parts ...string) []byte {
	n := len(label)
	for _, p := range parts {
		n += 4 + len(p)
	}
	return Append(make([]byte, 0, n), label, parts...)
}

// Append appends the encoding of label and parts to dst.
func Append(dst []byte, label string, parts ...string) []byte {
	dst = append(dst, label...)
	for _, p := range parts {
		dst = AppendPart(dst, p)
	}
	return dst
}

// AppendPart appends one length-prefixed part to dst.
func AppendPart(dst []byte, part string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(part)))
	return append(dst, part...)
}
