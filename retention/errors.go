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
