package custos

import (
	"encoding/json"
	"log/slog"
	"time"
)

// Action names an operation in the audit log. The names are stable: they
// are written into log entries an auditor verifies years later.
type Action string

// The actions of the vault, the consent registry and the audit log.
const (
	ActionPut        Action = "vault.put"
	ActionGet        Action = "vault.get"
	ActionFind       Action = "vault.find"
	ActionUpdate     Action = "vault.update"
	ActionForget     Action = "vault.forget"
	ActionRestrict   Action = "vault.restrict"
	ActionUnrestrict Action = "vault.unrestrict"
	ActionExport     Action = "vault.export"
	// ActionState is a read of a customer's state that reveals no field
	// value: whether they are restricted, which record types are held.
	ActionState Action = "vault.state"
	// ActionReencrypt is the rewrite of a record under its customer's
	// current key, and ActionReindex the rewrite of its blind-index entries
	// under a new index key: sweeps that change stored bytes, never values.
	ActionReencrypt Action = "vault.reencrypt"
	ActionReindex   Action = "vault.reindex"

	ActionConsentRequest  Action = "consent.request"
	ActionConsentGrant    Action = "consent.grant"
	ActionConsentRefuse   Action = "consent.refuse"
	ActionConsentDefer    Action = "consent.defer"
	ActionConsentWithdraw Action = "consent.withdraw"
	ActionConsentRenew    Action = "consent.renew"
	ActionConsentExpire   Action = "consent.expire"
	ActionConsentRevoke   Action = "consent.revoke"
	ActionConsentReceipt  Action = "consent.receipt"
	// ActionConsentInvalidate records that a consent no longer covers the
	// processing (DPV ConsentInvalidated), such as after a change of
	// purpose, method or categories of data (PIPL Art. 14 ¶2).
	ActionConsentInvalidate Action = "consent.invalidate"
	// ActionConsentStatus and ActionConsentHistory are reads of a
	// customer's consent state and of its history.
	ActionConsentStatus  Action = "consent.status"
	ActionConsentHistory Action = "consent.history"
	// ActionConsentErase is the erasure of a forgotten customer's consent
	// records, ActionConsentProof a read of the pseudonymous proof kept
	// after it, and ActionConsentPurge the deletion of proof whose
	// retention ended.
	ActionConsentErase Action = "consent.erase"
	ActionConsentProof Action = "consent.proof"
	ActionConsentPurge Action = "consent.purge"

	// ActionAuditRead is a read of the audit log itself (a query, an
	// export for auditors); monitors alert on it.
	ActionAuditRead Action = "audit.read"
)

// Outcome says how an operation ended.
type Outcome uint8

const (
	// OutcomeAllowed: the operation was permitted and completed.
	OutcomeAllowed Outcome = iota + 1
	// OutcomeDenied: a rule refused the operation; nothing was released or
	// changed.
	OutcomeDenied
	// OutcomeError: the operation failed for a reason that is not a rule
	// (a missing record, a store or key failure, corrupt data).
	OutcomeError
)

// String returns "allowed", "denied" or "error".
func (o Outcome) String() string {
	switch o {
	case OutcomeAllowed:
		return "allowed"
	case OutcomeDenied:
		return "denied"
	case OutcomeError:
		return "error"
	}
	return "unknown"
}

// Event describes one operation for the audit log. It names the customer
// only by [SubjectID]; a log turns that into a keyed pseudonymous reference
// before writing, and no field value ever appears in an event.
type Event struct {
	// Time is when the operation was decided, from the component's clock.
	Time time.Time
	// Action is what was done.
	Action Action
	// Access is who did it and why.
	Access Access
	// Basis is the legal basis the operation relied on, when it was
	// allowed under one.
	Basis LegalBasis
	// Subject is the customer concerned; empty for operations on no single
	// customer.
	Subject SubjectID
	// RecordType and Fields name what was touched: field names, never
	// values.
	RecordType string
	Fields     []string
	// Outcome is how the operation ended, and Reason a short
	// machine-readable code saying why when it was not allowed (for
	// example "purpose-not-allowed", "restricted", "not-found").
	Outcome Outcome
	Reason  string
	// Detail is a short machine-readable record of what the operation
	// produced or relied on, holding no personal data: a destruction
	// certificate (JSON), a workflow's request id and step, an epoch. At
	// most MaxDetailBytes.
	Detail string
}

// MaxDetailBytes bounds Event.Detail.
const MaxDetailBytes = 8 << 10

// LogValue renders the event for log/slog with the subject redacted.
func (e Event) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Time("time", e.Time),
		slog.String("action", string(e.Action)),
		slog.Any("access", e.Access),
		slog.String("basis", e.Basis.String()),
		slog.Any("subject", e.Subject),
		slog.String("record_type", e.RecordType),
		slog.Any("fields", e.Fields),
		slog.String("outcome", e.Outcome.String()),
		slog.String("reason", e.Reason),
		slog.Int("detail_bytes", len(e.Detail)),
	)
}

// MarshalJSON encodes the event with the subject redacted, so that an event
// serialized by a host's logger or tracer does not carry the raw customer
// identifier. The audit log encodes events its own way, with a keyed
// pseudonymous reference.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // no methods: no recursion
	p := plain(e)
	if p.Subject != "" {
		p.Subject = "redacted"
	}
	return json.Marshal(p)
}
