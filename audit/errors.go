package audit

import (
	"errors"
	"fmt"
)

var (
	// ErrConfig reports an invalid Config given to New, or options given
	// to a function of this package that cannot work.
	ErrConfig = errors.New("audit: invalid configuration")

	// ErrInvalidEvent reports an event or entry that cannot be logged or
	// decoded: a missing action, an unknown outcome, text that is not
	// valid UTF-8 or is too long. Nothing was written.
	ErrInvalidEvent = errors.New("audit: invalid event")

	// ErrTampered reports a log, checkpoint or proof that does not verify:
	// an entry was changed, removed, reordered or added, a checkpoint is not
	// signed by the log's key, or two checkpoints contradict each other.
	// Errors of verification are *TamperError values wrapping it.
	ErrTampered = errors.New("audit: log does not verify")

	// ErrMalformed reports bytes that do not decode: an entry, a
	// checkpoint, a tile or an entry bundle.
	ErrMalformed = errors.New("audit: malformed data")

	// ErrNotFound reports a stored item that does not exist: no signing key
	// yet, or a leaf index beyond the stored log.
	ErrNotFound = errors.New("audit: not found")

	// ErrExists reports a create of an item that is already stored.
	ErrExists = errors.New("audit: already exists")

	// ErrConflict reports a batch whose first index is not the stored
	// log's size. Stores return it; the Log never causes it, since it builds
	// each batch from the head read under the store's append lock.
	ErrConflict = errors.New("audit: concurrent append")

	// ErrSigningKey reports a signing key that cannot be used: it does not
	// decrypt under the audit signer keyset, or it names another log.
	ErrSigningKey = errors.New("audit: signing key unusable")

	// ErrReference reports that a period's reference key is not available,
	// because it was deleted to make the period's references unlinkable or
	// because the key store failed. A query by customer over that period
	// cannot be answered.
	ErrReference = errors.New("audit: reference key unavailable")

	// ErrUnknownPeriod reports a period that has no reference key to
	// forget: none of its entries named a customer, or its key was
	// forgotten already.
	ErrUnknownPeriod = errors.New("audit: no reference key for the period")

	// ErrTooRecent refuses forgetting a period that ended less than
	// Config.KeepMonths ago: its entries are records of processing still
	// kept (PIPL Art. 56; CSL Art. 21(3)).
	ErrTooRecent = errors.New("audit: period younger than the minimum retention")

	// ErrUnsupported reports an operation the configured components cannot
	// perform.
	ErrUnsupported = errors.New("audit: not supported")
)

// TamperError describes the first problem verification found. It wraps
// ErrTampered. When HasIndex is true, Index is the first entry of the log
// known to be bad (changed, missing, out of place); entries before it
// verified. Reason says what was found, and never contains entry content.
type TamperError struct {
	// Index is the first bad entry's index, valid when HasIndex is true.
	Index uint64
	// HasIndex reports whether the problem is located at an entry; a bad
	// checkpoint signature is not.
	HasIndex bool
	// Reason is a short description of the problem.
	Reason string
}

// Error returns "audit: log does not verify: first bad index N: reason",
// or without the index when the problem is not located at an entry.
func (e *TamperError) Error() string {
	if e.HasIndex {
		return fmt.Sprintf("%v: first bad index %d: %s", ErrTampered, e.Index, e.Reason)
	}
	return fmt.Sprintf("%v: %s", ErrTampered, e.Reason)
}

// Unwrap returns ErrTampered.
func (e *TamperError) Unwrap() error { return ErrTampered }

func tamperAt(index uint64, format string, args ...any) *TamperError {
	return &TamperError{Index: index, HasIndex: true, Reason: fmt.Sprintf(format, args...)}
}

func tampered(format string, args ...any) *TamperError {
	return &TamperError{Reason: fmt.Sprintf(format, args...)}
}
