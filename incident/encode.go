package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// encodingVersion is the first byte of every encoded incident.
const encodingVersion = 1

// maxEncoded bounds an encoded incident.
const maxEncoded = 1 << 20

// Encode returns the incident's stored encoding: a version byte then the
// incident as JSON. It holds no personal data (see Incident).
func Encode(i Incident) ([]byte, error) {
	b, err := json.Marshal(i)
	if err != nil {
		return nil, fmt.Errorf("incident: encode: %w", err)
	}
	if len(b)+1 > maxEncoded {
		return nil, fmt.Errorf("%w: encoded incident larger than %d bytes", ErrInvalid, maxEncoded)
	}
	return append([]byte{encodingVersion}, b...), nil
}

// Decode parses an encoding Encode produced and checks the incident as the
// Register checks what it stores. Bytes of another version, trailing
// data, unknown fields or an incident that does not validate are refused
// with an error wrapping ErrInvalid.
func Decode(b []byte) (Incident, error) {
	if len(b) == 0 || b[0] != encodingVersion {
		return Incident{}, fmt.Errorf("%w: not an incident encoding of version %d", ErrInvalid, encodingVersion)
	}
	if len(b) > maxEncoded {
		return Incident{}, fmt.Errorf("%w: encoded incident larger than %d bytes", ErrInvalid, maxEncoded)
	}
	d := json.NewDecoder(bytes.NewReader(b[1:]))
	d.DisallowUnknownFields()
	var i Incident
	if err := d.Decode(&i); err != nil {
		return Incident{}, fmt.Errorf("%w: decode: %v", ErrInvalid, err)
	}
	if _, err := d.Token(); err != io.EOF {
		return Incident{}, fmt.Errorf("%w: trailing data", ErrInvalid)
	}
	if err := i.validate(); err != nil {
		return Incident{}, err
	}
	if !i.State.valid() || i.Version < 1 {
		return Incident{}, fmt.Errorf("%w: stored state or version out of range", ErrInvalid)
	}
	return i, nil
}
