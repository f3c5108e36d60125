package custos

import (
	"fmt"
	"io"
	"log/slog"
	"unicode"
	"unicode/utf8"
)

// MaxIdentifierBytes bounds every identifier of this package: subjects,
// actors, roles, purposes and request ids.
const MaxIdentifierBytes = 128

// SubjectID identifies one customer (the data subject) inside the host
// application, such as a customer number. It is the key under which the
// customer's records and data-encryption key are stored.
//
// A SubjectID should be an opaque internal number, not personal data
// itself: it is stored in clear beside the ciphertexts, while the audit log
// and the shred ledger hold only a keyed pseudonymous reference to it.
type SubjectID string

// Validate reports whether s is a usable identifier: 1 to
// [MaxIdentifierBytes] bytes of valid UTF-8 with no control, space or
// [Invisible] characters. The error wraps [ErrInvalidSubject] and never contains s.
func (s SubjectID) Validate() error {
	if err := validateIdentifier(string(s)); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidSubject, err)
	}
	return nil
}

// String redacts the identifier, so that a subject printed by mistake with
// fmt does not reach a log line. Use string(s) where the raw value is meant.
func (s SubjectID) String() string { return "subject(redacted)" }

// GoString redacts the identifier in %#v output, which would otherwise
// print it raw inside any struct that holds it.
func (s SubjectID) GoString() string { return `custos.SubjectID("redacted")` }

// Format redacts the identifier whatever the verb, so that %d, %t or %x,
// which do not call String, cannot print it raw either; %#v prints
// GoString.
func (s SubjectID) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	if verb != 'v' && verb != 's' && verb != 'q' && verb != 'x' && verb != 'X' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// LogValue redacts the identifier in log/slog output.
func (s SubjectID) LogValue() slog.Value { return slog.StringValue("subject(redacted)") }

// identifierProblem names what is wrong with an identifier without
// repeating it.
type identifierProblem string

func (p identifierProblem) Error() string { return string(p) }

func validateIdentifier(s string) error {
	switch {
	case s == "":
		return identifierProblem("empty")
	case len(s) > MaxIdentifierBytes:
		return identifierProblem(fmt.Sprintf("longer than %d bytes", MaxIdentifierBytes))
	case !utf8.ValidString(s):
		return identifierProblem("not valid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			return checkRunes(s[i:])
		} else if c <= ' ' || c == 0x7f {
			return identifierProblem("contains a space or control character")
		}
	}
	return nil
}

// checkRunes is validateIdentifier's check beyond ASCII.
func checkRunes(s string) error {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return identifierProblem("contains a space or control character")
		}
		if Invisible(r) {
			return identifierProblem("contains an invisible formatting character")
		}
	}
	return nil
}
