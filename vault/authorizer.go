package vault

import (
	"context"

	"github.com/custos-go/custos"
)

// Request is what the vault asks its Authorizer before an operation.
type Request struct {
	// Access is who asks and why.
	Access custos.Access
	// Action is the operation.
	Action custos.Action
	// Subject is the customer concerned. It is empty only for the first
	// check of a Find, which asks whether the purpose may search at all;
	// each customer found is then checked with its Subject. An Authorizer
	// that decides per customer should allow the empty-subject check when
	// the purpose may search some customers.
	Subject custos.SubjectID
	// RecordType and Fields name what the operation reads or writes, fields
	// sorted. Both are empty for actions on a whole customer (forget,
	// restrict, unrestrict).
	RecordType string
	Fields     []string
}

// Decision is an Authorizer's answer.
type Decision struct {
	// Allowed permits the operation.
	Allowed bool
	// Basis is the legal basis the operation rests on when allowed.
	Basis custos.LegalBasis
	// Reason is a short machine-readable code saying why an operation was
	// refused, such as "purpose-not-allowed" or "no-consent". It must not
	// contain personal data.
	Reason string
}

// Authorizer decides whether an access may perform an operation on a
// customer's fields now. The vault asks it before every operation and
// releases or changes nothing it refuses. A consent-aware authorizer checks
// the purpose's legal basis for this customer (PIPL Art. 13; GDPR Art. 6);
// [AllowList] checks only purposes, actions and fields.
//
// Authorize returns an error only when it cannot decide (a failing store);
// a refusal is a Decision with Allowed false.
type Authorizer interface {
	Authorize(ctx context.Context, r Request) (Decision, error)
}

// Recorder durably records the audit event of every vault operation. The
// vault returns plaintext only after Record has returned nil for the read's
// event; if Record fails, the read fails (fail closed). Record must be safe
// for concurrent use.
type Recorder interface {
	Record(ctx context.Context, e custos.Event) error
}
