// Package kind defines the value kinds of vault fields: which Go values a
// field accepts, the rules a value must satisfy, and the canonical text
// form the vault encrypts, indexes and masks.
//
// Two inputs that mean the same thing (full-width and ASCII digits, "+86"
// and no prefix, "x" and "X") have the same canonical form, so they encrypt
// to the same plaintext and produce the same blind-index entry.
//
// # Errors
//
// [Kind.Canonical] returns errors wrapping [ErrWrongType] when the Go type is
// not one the kind accepts, and [ErrInvalid] when the value breaks one of the
// kind's rules. Messages name the rule that failed and never the value.
// [Kind.Value] returns errors wrapping [ErrInvalid] for stored text that is
// not canonical.
//
// # Concurrency
//
// Kinds are immutable values, safe for concurrent use.
package kind
