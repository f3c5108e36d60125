package audit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is the body of a C2SP tlog-checkpoint: the log's origin, its
// size and the RFC 6962 root hash of its first Size entries. Signed as a
// C2SP signed note by the log's Ed25519 key, it commits the log to exactly
// those entries: any change to them, and any fork, is detectable against it.
type Checkpoint struct {
	// Origin identifies the log; it is also the signing key's name.
	Origin string
	// Size is the number of entries.
	Size uint64
	// Root is the 32-byte root hash.
	Root []byte
	// Extensions are the optional extension lines, kept as read. This
	// package writes none.
	Extensions []string
}

// maxCheckpointBytes bounds a signed checkpoint read from anywhere.
const maxCheckpointBytes = 64 << 10

// Text returns the checkpoint's note text: origin, size and base64 root,
// then any extension lines, each ending in a newline.
func (c Checkpoint) Text() string {
	var b strings.Builder
	b.WriteString(c.Origin)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatUint(c.Size, 10))
	b.WriteByte('\n')
	b.WriteString(base64.StdEncoding.EncodeToString(c.Root))
	b.WriteByte('\n')
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseCheckpoint parses a checkpoint's note text (not the signed note:
// see OpenCheckpoint). It returns an error wrapping ErrMalformed unless the
// text is at least three non-empty lines each ending in a newline, with a
// valid origin, a decimal size without leading zeros and a base64 root of 32
// bytes.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	if len(text) > maxCheckpointBytes {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint larger than %d bytes", ErrMalformed, maxCheckpointBytes)
	}
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint text does not end in a newline", ErrMalformed)
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint has fewer than three lines", ErrMalformed)
	}
	for _, l := range lines {
		if l == "" {
			return Checkpoint{}, fmt.Errorf("%w: checkpoint has an empty line", ErrMalformed)
		}
	}
	if !validOrigin(lines[0]) {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint origin is not a valid name", ErrMalformed)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint size is not a canonical decimal", ErrMalformed)
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != hashSize {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint root is not a base64 32-byte hash", ErrMalformed)
	}
	c := Checkpoint{Origin: lines[0], Size: size, Root: root}
	if len(lines) > 3 {
		c.Extensions = lines[3:]
	}
	return c, nil
}

// validOrigin accepts what the note package accepts as a key name:
// non-empty UTF-8 without spaces or '+'. The origin is the key's name.
func validOrigin(s string) bool {
	if s == "" || len(s) > 256 || strings.ToValidUTF8(s, "\uFFFD") != s {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || r == '+' || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// OpenCheckpoint verifies that signed is a signed note carrying a valid
// signature by verifierKey (a note verifier key such as an auditor holds)
// and returns its checkpoint. The checkpoint's origin must be the key's
// name. A bad signature, a note signed only by other keys or a
// checkpoint of another log gives an error wrapping ErrTampered; bytes that
// are not a signed checkpoint give one wrapping ErrMalformed.
func OpenCheckpoint(signed []byte, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: the verifier key does not parse", ErrConfig)
	}
	return openCheckpoint(signed, v)
}

func openCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	if len(signed) > maxCheckpointBytes {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint larger than %d bytes", ErrMalformed, maxCheckpointBytes)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			return Checkpoint{}, tampered("checkpoint is not signed by the log's key")
		case errors.As(err, &invalid):
			return Checkpoint{}, tampered("checkpoint signature does not verify")
		}
		return Checkpoint{}, fmt.Errorf("%w: not a signed note", ErrMalformed)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, tampered("checkpoint names another log")
	}
	return c, nil
}

// signCheckpoint returns the signed note of c.
func signCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: c.Text()}, s)
}
