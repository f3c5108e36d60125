package transfer

import "errors"

var (
	// ErrInvalidPlan reports a plan that fails validation; the message
	// names the rule broken, never personal data.
	ErrInvalidPlan = errors.New("transfer: invalid plan")
	// ErrNotApproved reports an operation on a plan that does not yet hold
	// the approvals its rule requires.
	ErrNotApproved = errors.New("transfer: plan not approved")
	// ErrApproval reports an approval that is refused: the same person
	// twice, a role that may not approve, or a plan already approved.
	ErrApproval = errors.New("transfer: approval refused")
	// ErrNotFound reports an unknown transfer id.
	ErrNotFound = errors.New("transfer: not found")
	// ErrExists reports a plan id already in use with another plan.
	ErrExists = errors.New("transfer: already exists")
	// ErrKey reports a recipient keyset or an encapsulated transfer key
	// that cannot be used: not an HPKE public keyset, the wrong private
	// key, or altered bytes.
	ErrKey = errors.New("transfer: key handover failed")
	// ErrBundle reports a bundle that is refused: malformed, altered,
	// reordered, truncated, replayed or signed by another key. The message
	// names what is wrong.
	ErrBundle = errors.New("transfer: bundle refused")
	// ErrConfig reports an invalid configuration.
	ErrConfig = errors.New("transfer: invalid configuration")
	// ErrMapping reports a purpose mapping that is refused: a seller
	// purpose left unmapped, or mapped onto a wider purpose (new consent
	// needed, PIPL Art. 14 ¶2).
	ErrMapping = errors.New("transfer: purpose mapping refused")
	// ErrProcessors reports a transfer closed before every processor the
	// plan engages confirmed that it returned or deleted the data (PIPL
	// Art. 21; RULES M6), or a confirmation that is malformed or names a
	// processor the plan does not engage.
	ErrProcessors = errors.New("transfer: processors have not returned or deleted the data")
)
