package retention

import "errors"

// ErrPolicy reports a policy that fails validation: a record type without
// a rule, a rule for an unknown record type, a maximum below a statutory
// minimum, a period that is zero, negative or unbounded. The message names
// the rules and record types concerned, never a customer.
var ErrPolicy = errors.New("retention: invalid policy")

// Store errors.
var (
	// ErrNotFound is returned by a Store for a clock, hold or destruction
	// it does not hold.
	ErrNotFound = errors.New("retention: not found")
	// ErrConflict is returned by a Store when a write expected another
	// state: a hold or destruction that exists, a clock restarted
	// meanwhile, a sweep mark already later.
	ErrConflict = errors.New("retention: conflict")
)

// Errors of Retention's operations.
var (
	// ErrConfig reports a Config that New refuses.
	ErrConfig = errors.New("retention: invalid configuration")
	// ErrEvent reports a reported event that cannot start a clock: an
	// undeclared kind, a missing purpose, a time in the future beyond the
	// tolerance or before the customer's records were collected, or no
	// rule that the event starts.
	ErrEvent = errors.New("retention: invalid event")
	// ErrUnknownSubject and ErrForgotten refuse events and holds for a
	// customer the vault does not hold, or forgot.
	ErrUnknownSubject = errors.New("retention: customer unknown to the vault")
	ErrForgotten      = errors.New("retention: customer forgotten")
	// ErrReview reports a review that cannot be recorded: a record type
	// without a review rule or that the customer does not hold, or a time
	// that is missing, in the future beyond the tolerance or before the
	// customer's first record.
	ErrReview = errors.New("retention: invalid review")
	// ErrImport reports a SubjectState that ImportSubject refuses: a clock
	// of a rule the policy does not have, a hold or review it cannot
	// keep, or a time missing.
	ErrImport = errors.New("retention: invalid subject state")
	// ErrHold reports a hold without owner or reason, or with an invalid
	// scope or period.
	ErrHold = errors.New("retention: invalid hold")
	// ErrUnknownHold and ErrReleased refuse releasing a hold that does not
	// exist or was released already.
	ErrUnknownHold = errors.New("retention: unknown hold")
	ErrReleased    = errors.New("retention: hold already released")
	// ErrClockBehind refuses a sweep dated before the latest sweep: time
	// going backwards would replay or skip decisions.
	ErrClockBehind = errors.New("retention: sweep time before the latest sweep")
	// ErrAudit wraps a Recorder failure: nothing was changed.
	ErrAudit = errors.New("retention: audit failed")
)
