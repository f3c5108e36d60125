// Package incident is the incident register: it handles a leak, alteration,
// loss or unavailability of customers' personal information on the
// regulators' clock (rules I1–I6).
//
// A [Register] opens an [Incident] — detected and aware times, kind, cause,
// systems, categories of data with their classes, affected customers, grade
// and state — and keeps its timeline append-only and audited (who did what
// when), through the NIST SP 800-61r3 / CSF 2.0 lifecycle: detected,
// analysing, contained, eradicated, recovered, closed with lessons learned
// (rule I5).
//
// Grading and regimes are policy ([Policy]): the CAC grades of the National
// Cybersecurity Incident Reporting Measures (in force 2025-11-01) with
// configurable thresholds, only the top grade's 100 million people being
// fixed ([Grading]; rule I3); the operator type, which sets the CAC
// deadline (CII 1 hour, central and state organs 2 hours, other operators 4
// hours, from detection, for incidents graded serious or above;
// [CACDeadline]); GDPR Art. 33's 72 hours from awareness ([GDPRWindow];
// rule I4); PIPL Art. 57's report and individuals' notices (rule I1), whose
// "immediately" the host sets as a target. From them each incident gets its
// [Obligation]s with due times — initial reports, follow-ups (reporting in
// phases, GDPR Art. 33(4)), the individuals' notices — each met, overdue,
// delayed with reasons recorded (GDPR Art. 33(1)), or exempt with reasons
// (GDPR Art. 34(3), computed by [Exposure.Exemption]). An incident does not
// close while one is open.
//
// Scoping reads evidence with bounded memory: the audit log, by actor,
// role, credential or application instance (custos.Access Credential and
// Instance) and time range, through its store's indexes
// ([Register.ScopeFromAudit];
// every match's inclusion proof is checked, and scoping refuses evidence that
// does not verify), and the keys: the customers whose DEKs a compromised KEK
// wraps ([Register.ScopeFromKEK]). Containment acts through the vault and the
// keys ([Register.Revoke] with [Register.Gate], [Register.RotateKEK],
// [Register.RotateIndexKey], [Register.RestrictAffected]); notices go through
// notify's outbox ([Register.Report], [Register.NotifyCustomers]), drills to
// a sink ([Register.DrillReport]); an audit.Monitor alert opens an incident
// ([Register.OpenFromAlert]). An incident touching more than a million
// people may let the regulator order a compliance audit
// ([Incident.MayOrderAudit]), and a handler of more than ten million people
// audits at least every two years ([NextRegularAudit]; rule I6, PIPL Art. 54).
//
// # Crash safety
//
// Every step is idempotent, keyed by the incident and what the step does:
// a rerun after a failure at any store call completes the response with
// every step once on the timeline and no notice enqueued twice (the outbox
// dedupes by idempotency key, and every adapter passes the key on).
//
// # Errors
//
// Bad input is refused with errors wrapping [ErrInvalid], changing nothing;
// [ErrOpenObligations], [ErrClosed], [ErrEvidence], [ErrTemplate],
// [ErrConfig], [ErrNotFound], [ErrExists], [ErrConflict] and [ErrAudit] say
// what else went wrong. No error holds personal data.
//
// # Concurrency
//
// A Register is safe for concurrent use; several processes may share one
// Store: changes compare versions and retry.
package incident
