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
// The host reports the events that start clocks ([Retention.Report]: a
// lease ended, a transaction); consent withdrawals arrive on their own when
// the consent registry records through a [ConsentRecorder]. Retention keeps
// one [Clock] per customer and rule in its [Store], indexed by due date.
// [Retention.Sweep] finds what is due through that index, and destroys
// (vault.Forget, keeping each certificate whole as a [Destruction]) or
// restricts (vault.Restrict) each customer; [Retention.Due] lists what is
// due; a [Hold] placed with [Retention.Place] keeps customers from
// destruction until [Retention.Release]; [Retention.Erase] answers an
// erasure request during a statutory period by restriction and a scheduled
// destruction. [ReviewRule] and [Retention.Reviewed] keep the dates of
// accuracy reviews, which [Retention.ReviewsDue] lists (PIPL Art. 8; GDPR
// Art. 5(1)(d)); [Retention.ExportSubject] and [Retention.ImportSubject]
// carry a customer's clocks, holds and reviews to an acquirer (PIPL Art.
// 22).
//
// The vault destroys whole customers (one key per customer): a record type
// that may go waits, restricted if its rule says so, until every record
// type the customer holds may go.
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
// [ErrPolicy] wraps every policy validation error and [ErrConfig] every
// configuration error. [ErrEvent], [ErrUnknownSubject] and [ErrForgotten]
// refuse reported events; [ErrHold], [ErrUnknownHold] and [ErrReleased]
// refuse holds and releases; [ErrReview] refuses a review and [ErrImport]
// an imported state; [ErrClockBehind] refuses a sweep dated before the
// latest; [ErrAudit] wraps a Recorder failure. A refused call changes
// nothing. Stores return [ErrNotFound] and [ErrConflict]. Errors name
// rules, record types, periods and holds, never a customer or a value.
//
// # Concurrency
//
// A [Retention] is safe for concurrent use; several, in several processes,
// may share one Store and sweep at the same time: each due customer is
// destroyed once. Policy values are plain data: validate them once and do
// not change them afterwards.
package retention
