// Package consent keeps the legal bases of processing and the consent of
// customers, and decides on every access whether a purpose may use a
// customer's data now.
//
// Policy is data. A host declares its processing purposes ([Purpose]: legal
// basis, fields needed, actions, separate-consent triggers, the notice that
// describes it) and its notices ([Notice]) once, and [New] validates the
// whole set against the classes of the vault's fields ([FieldClasses])
// before anything runs: a purpose touching a sensitive field without
// separate consent, a notice that omits what the law requires it to state,
// a statutory basis that cites no law are configuration errors.
//
// The [Registry] records consent acts ([Act]) in a [Store]: Request, Grant,
// Refuse, Defer, Withdraw, Renew, Expire, Revoke, Invalidate. Each changes
// one record per customer and purpose, whose state follows the W3C DPV
// consent states ([State]), and appends to its history who, when, through
// which channel, on which notice version and with which evidence reference
// ([Entry]). Every act, allowed or refused, is sent to the [Recorder] (the
// audit log). Acts are refused for customers the vault does not hold or
// has forgotten, and those that prepare processing for restricted ones
// (Config.Subjects). An act's texts are references and codes, never
// personal data: what the field kinds read as a resident ID, mobile, card
// number or e-mail address is refused ([ErrPersonalData]).
//
// Every read of a customer's consent names a custos.Access and is
// recorded, allowed or denied, before its answer is returned:
// [Registry.Status], [Registry.History], [Registry.NextAsk],
// [Registry.Receipts] and [Registry.Proof].
//
// [Registry.EraseSubject] is the registry's custos.Eraser: when the vault
// forgets a customer it deletes their records and histories and keeps only
// the pseudonymous proof of consent GDPR Art. 7(1) requires
// ([ProofEntry]), under the customer's reference (Config.Pseudonyms), for
// Config.ProofRetention; the erasure, kept under the same reference,
// refuses every later write of the customer in the store's own
// transaction. [Registry.PurgeProof] deletes proof past its retention.
//
// The [Checker] answers "may this access read these fields of this
// customer now?" with a [Decision]: the legal basis used, or why not. It is
// the vault's authorizer (vault.Config.Authorizer). A withdrawal through any
// registry over the same store refuses the very next read, in every
// process: a consent-based check reads the record, or reuses one read under
// the same authorization version, which the store changes with every
// consent write.
//
// [Registry.Receipts] exports a customer's consents as ISO/IEC TS 27560
// records ([Receipt]); [ParseReceipt] reads one back strictly.
//
// # Articles implemented
//
//   - L1, PIPL Art. 13, GDPR Art. 6(1): one legal basis per purpose from the
//     closed list (custos.LegalBasis); consent is sought and checked only
//     under Art. 13(1); statutory bases cite their law (Purpose.Law);
//     other bases may carry their own Condition.
//   - L2, PIPL Art. 14, GDPR Art. 4(11), 7: consent is an explicit act
//     ([Signal]) on an exact notice version ([PublishedNotice]).
//   - L3, PIPL Art. 14 ¶2: a change of purpose, method or categories of
//     data makes a new notice generation; earlier consents stop permitting
//     ([StateInvalidated]) and grants on earlier generations are refused
//     ([ErrOutdatedNotice]). Wording changes do neither.
//   - L4, PIPL Art. 15, GDPR Art. 7(3): [Registry.Withdraw], effective at
//     the next check; history kept.
//   - L5, PIPL Art. 16, GDPR Art. 7(4): a refusal or withdrawal affects only
//     its own purpose; purposes on other bases are untouched.
//   - L6, NDSR Art. 22(5): no new request inside Config.AskAgainAfter after
//     a refusal ([DefaultAskAgainAfter], [ErrTooSoon]).
//   - L7, PIPL Art. 23, 25, 26, 29, 39: separate consent ([Trigger],
//     [ErrBundled]).
//   - L8, PIPL Art. 28-31: sensitive fields need separate consent and a
//     statement of necessity and impact; minors under 14 ([MinorAge]) need a
//     guardian ([ErrGuardianRequired]) and a separate act per purpose.
//   - L9, PIPL Art. 17, GDPR Art. 13, 14, NDSR Art. 21: what a [Notice] must
//     state.
//   - L10, GDPR Art. 7(1), W3C DPV: provable records with full history;
//     only Given and Renewed permit processing ([State.Permits]); every DPV
//     state has its act ([Registry.Invalidate] for Invalidated); after an
//     erasure the history stays provable, pseudonymously
//     ([Registry.EraseSubject], [Registry.Proof]).
//   - PIPL Art. 47, GDPR Art. 17: a forgotten customer's consent records
//     are erased, and nothing of theirs is written again ([ErrForgotten]).
//   - PIPL Art. 47 ¶2, GDPR Art. 18: no consent is asked for, given or
//     renewed for a restricted customer ([ErrRestricted]); withdrawal stays
//     possible (PIPL Art. 15).
//   - L11, ISO/IEC TS 27560:2023: [Receipt].
//   - R6, PIPL Art. 50, GDPR Art. 12(4): every refusal of an act is a
//     [Refusal] with its reason, recorded, and the remedy to tell the person.
//
// # Errors
//
// [New] fails with [ErrConfig]. Acts fail with [ErrInvalidAct] (with
// [ErrPersonalData] or custos.ErrInvalidText when that is why) or a custos
// identifier error for malformed input (nothing recorded), and otherwise
// with a *[Refusal] wrapping [ErrUnknownSubject], [ErrForgotten],
// [ErrRestricted], [ErrUnknownPurpose], [ErrNotConsentBased], [ErrBundled],
// [ErrUnknownNotice], [ErrOutdatedNotice], [ErrNotExplicit],
// [ErrGuardianRequired], [ErrTooSoon], [ErrNoConsent], [ErrState] or
// [ErrDenied]; a refused act changes nothing in the Store. Reads and
// erasures fail with a custos access or identifier error for malformed
// input (nothing recorded), or a *Refusal wrapping [ErrDenied],
// [ErrUnknownPurpose] or [ErrNotConsentBased]. [ErrAudit] reports a
// Recorder failure: nothing was read, erased, asked for, given or renewed,
// but a withdrawal, refusal or other end of consent was stored.
// [ParseReceipt] fails with [ErrReceipt]. Stores return [ErrNotFound],
// [ErrConflict], [ErrForgotten] and custos.ErrClosed. No error holds a
// customer identifier, a field value or evidence text.
//
// # Concurrency
//
// A Registry and its Checker are safe for concurrent use. Acts on one
// record from several goroutines or processes are serialized by the
// Store's versioned writes ([Write.Expect]); an act that loses a race is
// retried on the new state, so its rules are always checked against what
// it changes.
package consent
