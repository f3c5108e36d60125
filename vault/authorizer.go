package vault

import "github.com/custos-go/custos"

// Request is what the vault asks its Authorizer before an operation; see
// custos.AccessRequest.
type Request = custos.AccessRequest

// Decision is an Authorizer's answer; see custos.Decision.
type Decision = custos.Decision

// Authorizer decides every vault operation. A consent-aware authorizer
// (consent.Checker) checks the purpose's legal basis for this customer
// (PIPL Art. 13; GDPR Art. 6); AllowList checks only purposes, actions and
// fields.
type Authorizer = custos.Authorizer

// Recorder durably records the audit event of every vault operation
// (audit.Log). The vault returns plaintext only after Record has returned
// nil for the read's event; if Record fails, the read fails.
type Recorder = custos.Recorder

// StaticAuthorizer is an Authorizer that can tell when its answer depends
// only on a request's purpose, action, record type and fields, never on
// the customer, its authorization version or the time. A Selection then
// asks once per purpose and action and reuses the answer for every read;
// the answer must stay the same for the life of the authorizer.
type StaticAuthorizer interface {
	Authorizer
	// AuthorizeStatic returns the decision for r and true when it depends
	// on nothing but r.Access.Purpose, r.Action, r.RecordType and
	// r.Fields; otherwise false, and the vault calls Authorize.
	AuthorizeStatic(r Request) (Decision, bool)
}
