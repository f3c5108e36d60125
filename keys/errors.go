package keys

import "errors"

var (
	// ErrNotFound reports that no wrapped key is stored under the name or
	// subject asked for.
	ErrNotFound = errors.New("keys: not found")
	// ErrExists reports a create of a key that is already stored.
	ErrExists = errors.New("keys: already exists")
	// ErrConflict reports an update based on a version that is no longer
	// the stored one: another writer got there first.
	ErrConflict = errors.New("keys: version conflict")
	// ErrShredded reports a customer whose DEK was destroyed by
	// crypto-shredding. Nothing of theirs can be decrypted or created again.
	ErrShredded = errors.New("keys: customer was shredded")
	// ErrUnwrap reports a wrapped keyset the KEK could not decrypt: the KEK
	// is not the one that wrapped it, or the wrapped bytes were altered or
	// moved to another customer.
	ErrUnwrap = errors.New("keys: cannot unwrap keyset")
	// ErrUnknownKEK reports a keyset wrapped under a KEK id that the
	// Keyring's configuration does not hold.
	ErrUnknownKEK = errors.New("keys: keyset wrapped by a KEK that is not configured")
	// ErrDestroyed reports a Source key that was destroyed: what it
	// wrapped can no longer be unwrapped, and its name is never used
	// again.
	ErrDestroyed = errors.New("keys: key was destroyed")
	// ErrConfig reports an invalid Config given to New.
	ErrConfig = errors.New("keys: invalid configuration")
)
