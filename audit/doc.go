// Package audit is the tamper-evident audit log of custos: who read or
// changed which customer's data, for what purpose, under which legal basis,
// with what result — kept so that nobody, not even an administrator of the
// database, can change or remove an entry unnoticed.
//
// It serves the duties to record and audit processing: PIPL Art. 51
// (security measures, access control), Art. 54 (regular compliance audits),
// Art. 55 and 56 (impact assessments and their records, kept at least three
// years), CSL Art. 21(3) (network logs kept at least six months), GDPR Art.
// 30 (records of processing) and Art. 32 (security of processing, including
// pseudonymisation and the ability to show that measures work). Retention
// of the log itself is the host's policy; the log never deletes.
//
// # Entries
//
// A [Log] turns each custos.Event into an [Entry] with no personal data:
// the customer appears only as a keyed pseudonymous reference (an
// HMAC-SHA256 PRF of the subject, [RefSize] bytes) under the reference key
// of the event's period (a month by default, see [Period]); fields appear by
// name, never by value. Deleting a past period's reference key (see
// [Log.ForgetPeriod]) makes that period's references unlinkable while the
// entries still verify; it is refused ([ErrTooRecent]) until
// [Config.KeepMonths] after the period ends — 36 months by default, the
// log being the record of processing (PIPL Art. 56), never under 6 (CSL
// Art. 21(3)). Entries are encoded deterministically with a format
// version ([EntryVersion]) and record their own index.
//
// # The log
//
// Entries are the leaves of an append-only RFC 6962 Merkle tree, hashed and
// proved with github.com/transparency-dev/merkle. Every write stores the
// entries with the tree hashes they complete and a new head: a checkpoint in
// the C2SP tlog-checkpoint format signed as a C2SP signed note with Ed25519
// (golang.org/x/mod/sumdb/note). The signing key is stored only encrypted,
// under an AEAD keyset kept by [Keys] (the deployment's key ring, wrapped by
// the KEK); the verifier key ([Log.Verifier]) is public and is all an
// auditor needs. Checkpoints are also kept in a history at an interval.
//
// Appends are durable before they return, and concurrent appends share one
// store write (group commit). The vault records every operation through
// [Log.Record] and releases plaintext only after it returns nil: a log that
// cannot write stops reads (fail closed).
//
// [Log.InclusionProof] and [Log.ConsistencyProof] are computed from stored
// hashes in O(log n) reads. [Log.Query] answers questions by customer,
// actor, purpose, action and time, each answer with an inclusion proof into
// a signed checkpoint; [Log.Export] and [ExportTiles] write the C2SP
// tlog-tiles static layout for auditors and stock tools. [Verify] recomputes
// the whole tree from a database or an export, streaming in bounded memory,
// and names the first bad index. Queries and exports are themselves logged
// as custos.ActionAuditRead events, and a [Monitor] raises alerts on bulk
// reads, reads outside working hours, spikes of refused reads and reads of
// the log.
//
// # Errors
//
// Verification failures are *[TamperError] values wrapping [ErrTampered]
// and naming the first bad index. Callers also branch on [ErrInvalidEvent]
// (an event that cannot be logged), [ErrMalformed] (bytes that do not
// decode), [ErrConfig], [ErrSigningKey], [ErrReference] and
// custos.ErrClosed. Stores return [ErrConflict], [ErrNotFound] and
// [ErrExists] as [Store] documents. No error contains entry content, a key or
// a connection string.
//
// # Concurrency
//
// A Log is safe for concurrent use, and several processes may append to one
// store. Appends serialise on the store's append lock (the database's own
// lock, see [Store]): a Log that finds the log extended by another writer
// checks that the stored tree extends the one it knew and appends after it,
// so no append fails because another process appended first. A Monitor is not safe for concurrent use.
// Verify, ExportTiles and the checkpoint and proof functions are safe to call
// concurrently with appends.
package audit
