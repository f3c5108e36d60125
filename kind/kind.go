package kind

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongType reports a Go value of a type the kind does not accept,
	// such as an int given for a text field.
	ErrWrongType = errors.New("kind: wrong value type")
	// ErrInvalid reports a value that breaks a rule of its kind.
	ErrInvalid = errors.New("kind: invalid value")
)

// Kind is the type of a field's value.
//
// Canonical validates a value given by a caller and returns its canonical
// text form; Value turns a canonical form back into the Go value a reader
// receives. For every v that Canonical accepts, Value(Canonical(v)) succeeds
// and Canonical of its result returns the same text.
type Kind interface {
	// Name is the kind's stable name, such as "text" or "cn-mobile".
	Name() string
	// Canonical validates v and returns its canonical text.
	Canonical(v any) (string, error)
	// Value parses a canonical text produced by Canonical.
	Value(canonical string) (any, error)
}

// RuleError reports the rule of a kind that a value broke. It wraps
// [ErrInvalid] and holds the names of the kind and the rule, never the value,
// so it can be logged and returned to callers as is.
type RuleError struct {
	// Kind is the Name of the kind, such as "cn-resident-id".
	Kind string
	// Rule names the rule that failed, such as "bad check character". Each
	// kind's documentation lists its rules.
	Rule string
}

// Error returns "kind: invalid value: <kind>: <rule>".
func (e *RuleError) Error() string {
	return ErrInvalid.Error() + ": " + e.Kind + ": " + e.Rule
}

// Unwrap returns [ErrInvalid].
func (e *RuleError) Unwrap() error { return ErrInvalid }

// invalid returns a *RuleError naming the kind and the rule, never the
// value.
func invalid(kind, rule string) error {
	return &RuleError{Kind: kind, Rule: rule}
}

// wrongType returns an error wrapping ErrWrongType naming the Go type given
// and the types the kind accepts.
func wrongType(kind string, v any, accepts string) error {
	return fmt.Errorf("%w: %s accepts %s, got %T", ErrWrongType, kind, accepts, v)
}

// asString returns v as a string, or an ErrWrongType error: every text
// kind takes a Go string and nothing else.
func asString(kind string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", wrongType(kind, v, "string")
	}
	return s, nil
}

// parsed applies a kind's parse to v, which must be a Go string: the
// Canonical of every kind whose values are text.
func parsed(kind string, v any, parse func(string) (string, error)) (string, error) {
	s, err := asString(kind, v)
	if err != nil {
		return "", err
	}
	return parse(s)
}

// storedText is the Value of every kind whose Go value is its canonical
// text: it accepts canonical exactly when parse leaves it unchanged.
func storedText(kind, canonical string, parse func(string) (string, error)) (any, error) {
	s, err := parse(canonical)
	if err != nil {
		return nil, err
	}
	if s != canonical {
		return nil, invalid(kind, "stored text is not canonical")
	}
	return s, nil
}

// Masker is implemented by kinds that have a default display mask, such as
// a mobile number shown as 138****1234 (JR/T 0171-2020; rule T10). Mask
// takes and returns canonical text.
type Masker interface {
	Mask(canonical string) string
}

// MaskFunc adapts a function to [Masker].
type MaskFunc func(canonical string) string

// Mask calls f.
func (f MaskFunc) Mask(canonical string) string { return f(canonical) }

// Folder is implemented by kinds whose values are equal regardless of case,
// such as Latin person names: Fold maps a canonical text to the form that
// blind indexes hash and searches compare.
type Folder interface {
	Fold(canonical string) string
}
