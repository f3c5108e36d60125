package custos

import (
	"context"
	"log/slog"
)

// AccessRequest is what a component asks an Authorizer before an operation
// on a customer's data: may this access perform this action on these
// fields of this customer now?
type AccessRequest struct {
	// Access is who asks and why.
	Access Access
	// Action is the operation.
	Action Action
	// Subject is the customer concerned. It is empty only for the first
	// check of a search, which asks whether the purpose may search at all;
	// each customer found is then checked with its Subject. An Authorizer
	// that decides per customer should allow the empty-subject check when
	// the purpose may search some customers.
	Subject SubjectID
	// RecordType and Fields name what the operation reads or writes, fields
	// sorted. Both are empty for actions on a whole customer (forget,
	// restrict, unrestrict).
	RecordType string
	Fields     []string
	// AuthVersion is the customer's authorization version as the store
	// returned it with the record being read, or 0 when unknown. Stores
	// change it in the same transaction as any consent of the customer, so
	// an Authorizer may reuse an answer it gave for the same subject,
	// purpose and non-zero AuthVersion.
	AuthVersion int64
}

// LogValue renders the request for log/slog with the subject redacted.
// Its JSON encoding keeps the subject: an Authorizer in another process
// needs it.
func (r AccessRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("access", r.Access),
		slog.String("action", string(r.Action)),
		slog.Any("subject", r.Subject),
		slog.String("record_type", r.RecordType),
		slog.Any("fields", r.Fields),
		slog.Int64("auth_version", r.AuthVersion),
	)
}

// Decision is an Authorizer's answer.
type Decision struct {
	// Allowed permits the operation.
	Allowed bool
	// Basis is the legal basis the operation rests on when allowed.
	Basis LegalBasis
	// Reason is a short machine-readable code saying why an operation was
	// refused, such as "field-not-allowed" or "no-consent". It never
	// contains personal data.
	Reason string
}

// Authorizer decides whether an access may perform an operation on a
// customer's fields now (PIPL Art. 6, 13; GDPR Art. 5(1)(b), 6). Components
// ask it before every operation and release or change nothing it refuses.
// Authorize returns an error only when it cannot decide (a failing store);
// a refusal is a Decision with Allowed false.
type Authorizer interface {
	Authorize(ctx context.Context, r AccessRequest) (Decision, error)
}

// Recorder durably records audit events. A component that releases
// personal data returns it only after Record returned nil for the event of
// the release (fail closed). Record must be safe for concurrent use.
type Recorder interface {
	Record(ctx context.Context, e Event) error
}
