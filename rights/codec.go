package rights

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrCorrupt reports stored bytes that do not decode to a request or a
// history entry.
var ErrCorrupt = errors.New("rights: stored request is corrupt")

// MaxStoredBytes bounds the input of DecodeRequest and DecodeEntry.
const MaxStoredBytes = 64 << 10

// EncodeRequest returns the stored form of r, for adapters that keep
// requests as documents: JSON with the field names of Request's tags and
// kinds, states and requesters by name (docs/FORMAT.md).
func EncodeRequest(r Request) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("rights: encode request: %w", err)
	}
	return b, nil
}

// DecodeRequest parses a request EncodeRequest stored and checks that it
// is one: a known kind, state and requester, an id that is its key's, a
// version from 1. Unknown fields are refused. The error wraps ErrCorrupt
// and holds no stored value.
func DecodeRequest(b []byte) (Request, error) {
	var r Request
	if err := decodeStrict(b, &r); err != nil {
		return Request{}, err
	}
	switch {
	case !r.Kind.Valid():
		return Request{}, fmt.Errorf("%w: unknown kind", ErrCorrupt)
	case !r.State.Valid():
		return Request{}, fmt.Errorf("%w: unknown state", ErrCorrupt)
	case r.Requester.Kind == requesterNone || r.Requester.Kind >= requesterEnd:
		return Request{}, fmt.Errorf("%w: unknown requester", ErrCorrupt)
	case r.Key == "" || r.ID != RequestID(r.Key):
		return Request{}, fmt.Errorf("%w: id is not its key's", ErrCorrupt)
	case r.Version < 1:
		return Request{}, fmt.Errorf("%w: version below 1", ErrCorrupt)
	case r.SubjectRef == "" && r.Subject.Validate() != nil:
		return Request{}, fmt.Errorf("%w: invalid customer", ErrCorrupt)
	case r.SubjectRef != "" && (r.Subject != "" || !validRef(r.SubjectRef) || !r.State.Closed()):
		return Request{}, fmt.Errorf("%w: invalid pseudonymous reference", ErrCorrupt)
	}
	return r, nil
}

// EncodeEntry returns the stored form of a history entry: JSON
// (docs/FORMAT.md).
func EncodeEntry(e Entry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("rights: encode history entry: %w", err)
	}
	return b, nil
}

// DecodeEntry parses a history entry EncodeEntry stored and checks it: a
// position from 1, a known state, a step. The error wraps ErrCorrupt.
func DecodeEntry(b []byte) (Entry, error) {
	var e Entry
	if err := decodeStrict(b, &e); err != nil {
		return Entry{}, err
	}
	switch {
	case e.Seq < 1:
		return Entry{}, fmt.Errorf("%w: entry position below 1", ErrCorrupt)
	case !e.State.Valid():
		return Entry{}, fmt.Errorf("%w: unknown state", ErrCorrupt)
	case e.Step == "" || e.Request == "":
		return Entry{}, fmt.Errorf("%w: entry names no step or request", ErrCorrupt)
	}
	return e, nil
}

func decodeStrict(b []byte, v any) error {
	if len(b) > MaxStoredBytes {
		return fmt.Errorf("%w: longer than %d bytes", ErrCorrupt, MaxStoredBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: not the stored JSON", ErrCorrupt)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrCorrupt)
	}
	return nil
}

// MarshalText returns the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("rights: %s has no name", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// MarshalText returns the state's name.
func (s State) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("rights: %s has no name", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a state's name.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	*s = v
	return err
}

// MarshalText returns the requester kind's name.
func (k RequesterKind) MarshalText() ([]byte, error) {
	if k == requesterNone || k >= requesterEnd {
		return nil, fmt.Errorf("rights: %s has no name", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses a requester kind's name.
func (k *RequesterKind) UnmarshalText(b []byte) error {
	v, err := ParseRequesterKind(string(b))
	*k = v
	return err
}
