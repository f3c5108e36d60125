package retention

import "errors"

// ErrPolicy reports a policy that fails validation: a record type without
// a rule, a rule for an unknown record type, a maximum below a statutory
// minimum, a period that is zero, negative or unbounded. The message names
// the rules and record types concerned, never a customer.
var ErrPolicy = errors.New("retention: invalid policy")
