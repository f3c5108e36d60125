package rights

import (
	"errors"
	"fmt"
)

// Store errors.
var (
	// ErrNotFound is returned by a Store, and by the Desk, for a request it
	// does not hold.
	ErrNotFound = errors.New("rights: request not found")
	// ErrConflict is returned by a Store when a write expected another
	// version of the request: another process advanced it meanwhile.
	ErrConflict = errors.New("rights: conflict")
)

// Errors of the Desk's operations. A refused call changes nothing and
// records no step; its message names kinds, states, fields and rules, never
// a customer or a value.
var (
	// ErrConfig reports a Config that New refuses.
	ErrConfig = errors.New("rights: invalid configuration")
	// ErrInvalidRequest reports a request Submit refuses: an unknown kind,
	// a missing or malformed customer, channel, key or receipt time, a
	// kind-specific field missing or given where it does not belong.
	ErrInvalidRequest = errors.New("rights: invalid request")
	// ErrRelation reports a close relative's request that states no
	// relation, or a relation outside PIPL Art. 49 and Civil Code Art.
	// 1045, or a right a relative may not exercise. It wraps
	// ErrInvalidRequest.
	ErrRelation = fmt.Errorf("%w: relative's request", ErrInvalidRequest)
	// ErrKeyReused reports a request submitted under an idempotency key
	// already used by a request with other content.
	ErrKeyReused = errors.New("rights: idempotency key used by another request")
	// ErrUnknownRegime reports a request naming a clock regime the desk
	// was not configured with.
	ErrUnknownRegime = errors.New("rights: unknown regime")
	// ErrState reports a step the request's state does not allow: any
	// step of a closed request, a second verification.
	ErrState = errors.New("rights: step not allowed in this state")
	// ErrNotVerified refuses fulfilment, or its start, before the
	// requester's identity was verified (rule R8).
	ErrNotVerified = errors.New("rights: identity not verified")
	// ErrVerification reports that the host's Verifier did not verify the
	// requester, or returned no method or evidence reference.
	ErrVerification = errors.New("rights: identity verification failed")
	// ErrExtension refuses an extension after the first period, without
	// reasons, a second one, or one the regime does not provide (GDPR Art.
	// 12(3)).
	ErrExtension = errors.New("rights: extension not allowed")
	// ErrNoReason refuses a refusal or partial fulfilment that gives no
	// reason (PIPL Art. 50; GDPR Art. 12(4)).
	ErrNoReason = errors.New("rights: reason required")
	// ErrCorrection reports a correction whose values do not match the
	// request's fields or fail the field kind's validation.
	ErrCorrection = errors.New("rights: invalid correction")
	// ErrAudit wraps a Recorder failure: the step was not taken.
	ErrAudit = errors.New("rights: audit failed")
)
