// Package kind defines the value kinds of vault fields: which Go values a
// field accepts, the rules a value must satisfy, and the canonical text
// form the vault encrypts, indexes and masks.
//
// Two inputs that mean the same thing (full-width and ASCII digits, "+86"
// and no prefix, "x" and "X") have the same canonical form, so they encrypt
// to the same plaintext and produce the same blind-index entry.
//
// The kinds are [Text] and [Integer]; the PRC identifiers [ResidentID] (GB
// 11643-1999), [USCC] (GB 32100-2015) and [Mobile]; [BankCard] (ISO/IEC
// 7812-1); [PersonName], [Email], [Address], [Date] and [Money] (ISO 4217,
// with the exact decimal [Amount]). Each kind with a display default
// implements [Masker]; the defaults for card, ID and mobile numbers follow
// JR/T 0171-2020 practice (first 6 and last 4, region code and last 4, first
// 3 and last 4) and are not confirmed by a primary text.
//
// # Errors
//
// [Kind.Canonical] returns errors wrapping [ErrWrongType] when the Go type is
// not one the kind accepts, and [ErrInvalid] when the value breaks one of the
// kind's rules; the latter are [*RuleError] values naming the kind and the
// rule, listed in each kind's documentation. Messages name the rule that
// failed and never the value. [Kind.Value] returns errors wrapping
// [ErrInvalid] for stored text that is not canonical (rule "stored text is
// not canonical", or the rule the text breaks); it does not apply
// limits that depend on configuration or the clock (maximum lengths, Min
// and Max, birth dates in the future), nor the rules added after values
// were first stored (invisible characters in text, addresses and names;
// the positions of a USCC), so that changing them never makes stored values
// unreadable.
//
// # Invisible characters
//
// [Text], [Address] and [PersonName] refuse the characters that are not
// shown but change how text is shown or compared ([custos.Invisible]:
// bidirectional controls, zero-width spaces and joiners, the byte-order
// mark, tag characters, variation selectors, ...), so that two values that
// look the same have the same canonical form and the same blind-index
// entry. Each accepts the few a real value of its kind needs, where it has
// them, and lists them in its documentation.
//
// # Concurrency
//
// Kinds are immutable values, safe for concurrent use. A map given to a
// kind's configuration, such as [Money.Currencies], must not change once the
// kind is in use.
package kind
