package notify

import "errors"

var (
	// ErrConfig reports an invalid configuration given to a constructor:
	// the component refuses to start rather than misdeliver.
	ErrConfig = errors.New("notify: invalid configuration")

	// ErrInvalidMessage reports a message that cannot be enqueued: no or
	// two recipients, a bad idempotency key, sender or channel. Nothing is
	// enqueued.
	ErrInvalidMessage = errors.New("notify: invalid message")

	// ErrUnknownTemplate reports a template id the Templates do not hold.
	// It comes wrapped with ErrInvalidMessage at enqueue.
	ErrUnknownTemplate = errors.New("notify: unknown template")

	// ErrParam reports a parameter missing, not declared by the template,
	// or not of its kind (a number that does not parse, a date not in
	// YYYY-MM-DD form, text breaking the text rule). It comes wrapped with
	// ErrInvalidMessage at enqueue; the error names the parameter, never
	// its value.
	ErrParam = errors.New("notify: bad template parameter")

	// ErrPersonalData reports a parameter holding what reads as a resident
	// ID, mobile, bank card number or e-mail address. Parameters are stored
	// in the outbox, outside the vault, so they may hold none; the
	// customer's address is read from the vault at send time. It comes
	// wrapped with ErrParam.
	ErrPersonalData = errors.New("notify: personal data in a parameter")

	// ErrConflict reports a message enqueued under an idempotency key
	// already used for a different message. The first one stays.
	ErrConflict = errors.New("notify: idempotency key used for another message")

	// ErrNotFound reports a message id the outbox does not hold.
	ErrNotFound = errors.New("notify: message not found")

	// ErrLeaseLost reports that a dispatcher's claim on a message ended
	// (its lease expired and another dispatcher claimed it, or an operator
	// acted on it) before the dispatcher recorded its result. The result of
	// the other claim stands.
	ErrLeaseLost = errors.New("notify: claim lease lost")

	// ErrNotDead reports a retry asked for a message that is not a dead
	// letter.
	ErrNotDead = errors.New("notify: message is not a dead letter")

	// ErrNoAddress reports a customer or organisation with no address on
	// file for the channel. A Directory returns it; the dispatcher makes
	// the message a dead letter with reason "no-address".
	ErrNoAddress = errors.New("notify: no address on file")

	// ErrForgotten reports a customer the vault forgot. A Directory
	// returns it; the dispatcher cancels the message.
	ErrForgotten = errors.New("notify: customer was forgotten")

	// ErrAudit reports that an audit event could not be recorded. A
	// message whose enqueue event was not recorded is not enqueued.
	ErrAudit = errors.New("notify: audit event not recorded")
)
