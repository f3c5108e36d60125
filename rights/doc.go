// Package rights receives and answers data-subject requests on the
// regulators' clock: access and copy, portability to a named handler,
// correction, erasure, restriction, objection, explanation of the
// processing rules and consent withdrawal (PIPL Art. 44-50; GDPR Art.
// 12-21), from the customer, an agent, or a close relative of a deceased
// customer (PIPL Art. 49).
//
// A [Desk] keeps each [Request] with an append-only, audited history
// ([Entry]): received → identity verified → in progress → fulfilled,
// partially fulfilled or refused (with the reason and the right to
// complain, PIPL Art. 50; GDPR Art. 12(4)). The host's [Verifier] verifies
// identities; the Desk records only the method and an evidence reference,
// and fulfils nothing before (rule R8). Clocks are policy ([Regime]):
// the period, the extension and how months are counted ([Period], the
// end-of-month rule of Regulation 1182/71), GDPR's one month extendable by
// two within the first ([GDPR], rule R7), PIPL's "timely" as the host's
// period ([PIPL]). [Desk.Overdue] and [Desk.DueSoon] list through the
// store's due index.
//
// Every step is recorded in the audit log under the request's id
// (custos.Access.RequestID) before it is stored; every act of fulfilment
// goes through the package that owns the data, under the same id, so an
// erasure's destruction certificate names the request.
//
// Once the vault forgets a customer, their requests are kept as proof of
// the answers under the customer's pseudonymous reference
// ([Request.SubjectRef]) and no longer name them: the [Eraser], one of the
// vault's Erasers, pseudonymises the closed ones, and the step that closes
// an open one pseudonymises it.
//
// # Errors
//
// [ErrConfig] wraps configuration errors. Submit refuses with
// [ErrInvalidRequest] (and [ErrRelation]), [ErrKeyReused] and
// [ErrUnknownRegime]; steps refuse with [ErrState], [ErrNotVerified],
// [ErrVerification], [ErrExtension] and [ErrNoReason]. A refused call
// changes nothing and records nothing. [ErrAudit] wraps a Recorder failure:
// the step was not taken. Stores return [ErrNotFound] and [ErrConflict].
// Errors name kinds, states, fields and rules, never a customer or a value.
//
// # Concurrency
//
// A Desk is safe for concurrent use; several, in several processes, may
// share one Store: a lifecycle step (Submit, Verify, Start, Extend, Refuse,
// closing) that another process took meanwhile is decided again on the
// stored state, so each is taken once. Fulfil one request in one process
// at a time: two Fulfil calls of the same request racing may both perform
// an act (each audited where it is done) before one records it.
package rights
