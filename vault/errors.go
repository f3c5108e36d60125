package vault

import "errors"

var (
	// ErrConfig reports an invalid Config or Schema given to New.
	ErrConfig = errors.New("vault: invalid configuration")
	// ErrUnknownRecordType reports a record type the schema does not
	// declare.
	ErrUnknownRecordType = errors.New("vault: unknown record type")
	// ErrUnknownField reports a field name the record type does not
	// declare, or a field named twice.
	ErrUnknownField = errors.New("vault: unknown field")
	// ErrMissingField reports a Put without a field the schema requires,
	// or a Get naming no field.
	ErrMissingField = errors.New("vault: missing field")
	// ErrValueTooLarge reports a value whose canonical form is longer than
	// the configured limit.
	ErrValueTooLarge = errors.New("vault: value too large")
	// ErrNotFound reports a customer or record that is not stored (and was
	// never forgotten: see ErrForgotten).
	ErrNotFound = errors.New("vault: not found")
	// ErrForgotten reports a customer who was forgotten by crypto-shredding.
	// Their data is gone for good; they cannot be written again.
	ErrForgotten = errors.New("vault: customer was forgotten")
	// ErrDenied reports an access the authorizer refused: the purpose has
	// no legal basis for this customer now, or may not touch these fields.
	ErrDenied = errors.New("vault: access denied")
	// ErrMaskedSearch reports a Find by a field the caller's role sees
	// masked or hidden; it comes wrapped with ErrDenied.
	ErrMaskedSearch = errors.New("vault: a role may search only by fields it sees in full")
	// ErrRestricted reports an operation on a customer in restricted,
	// storage-only state by a purpose that is not a legal hold.
	ErrRestricted = errors.New("vault: customer is restricted to storage only")
	// ErrCorrupt reports stored data that does not decrypt or decode: it
	// was altered, or moved from another customer or field. No plaintext is
	// returned.
	ErrCorrupt = errors.New("vault: stored data is corrupt or misplaced")
	// ErrConflict reports a write that lost a race with another writer too
	// many times; the caller may retry.
	ErrConflict = errors.New("vault: concurrent modification")
	// ErrBatch reports a batch that is invalid as a whole: too many items,
	// or one customer given twice.
	ErrBatch = errors.New("vault: invalid batch")
	// ErrNoIndex reports a Find whose query fields no index covers.
	ErrNoIndex = errors.New("vault: no index for these fields")
	// ErrAudit reports that the audit event of an operation could not be
	// recorded. A read that fails this way returns no plaintext.
	ErrAudit = errors.New("vault: audit event not recorded")
)
