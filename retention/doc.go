// Package retention decides when a customer's records are destroyed,
// restricted or handed over, and does it through the vault.
//
// Policy is data. A host declares its [Policy] once: a [Rule] per record
// type of the vault schema (and per purpose where needed) with the event
// that starts its clock ([Start], [EventKind]), a statutory minimum and a
// maximum ([Period], counted on the calendar), the law it implements and
// what happens at expiry ([Expiry]: destroy; restrict then destroy; hand
// over to a designated body, restricted and never shredded).
// [Policy.Validate] checks the whole policy against the vault schema before
// anything runs.
//
// Articles: PIPL Art. 19 and GDPR Art. 5(1)(e) (no longer than needed:
// every record type has a maximum); PIPL Art. 47 and NDSR Art. 24
// (proactive deletion when the period expires or consent is withdrawn;
// restricted storage-only state while a statutory period still runs); AML
// Art. 34 (identity records 10 years after the relationship ends,
// transaction records 10 years after each transaction; on dissolution the
// records go to the designated body).
//
// # Errors
//
// [ErrPolicy] wraps every policy validation error. Errors name rules,
// record types and periods, never a customer.
//
// # Concurrency
//
// Policy values are plain data: validate them once and do not change them
// afterwards; reading them from several goroutines is safe.
package retention
