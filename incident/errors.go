package incident

import "errors"

var (
	// ErrConfig reports a Register configuration or a policy that cannot
	// work, found at construction.
	ErrConfig = errors.New("incident: invalid configuration")
	// ErrInvalid reports a bad incident, step or scope; nothing is changed.
	ErrInvalid = errors.New("incident: invalid input")
	// ErrNotFound reports an unknown incident.
	ErrNotFound = errors.New("incident: not found")
	// ErrExists reports an incident id already used by another incident.
	ErrExists = errors.New("incident: exists")
	// ErrConflict reports a concurrent change of the same incident: reread
	// and retry.
	ErrConflict = errors.New("incident: concurrent change")
	// ErrOpenObligations refuses to close an incident whose obligations
	// are not all met, delayed with reasons, or exempt.
	ErrOpenObligations = errors.New("incident: open obligations")
	// ErrClosed refuses a change to a closed incident.
	ErrClosed = errors.New("incident: incident is closed")
	// ErrEvidence refuses scoping when the evidence does not verify.
	ErrEvidence = errors.New("incident: evidence does not verify")
	// ErrTemplate reports a notice template that lacks content the law
	// requires.
	ErrTemplate = errors.New("incident: notice template incomplete")
	// ErrRevoked is the reason an actor revoked by containment is refused.
	ErrRevoked = errors.New("incident: actor revoked")
	// ErrAudit reports an audit event that could not be recorded; the
	// change was not made.
	ErrAudit = errors.New("incident: audit event not recorded")
)
