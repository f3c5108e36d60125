// Package custos is the shared vocabulary of the custos SDK: who a
// customer is ([SubjectID]), who is asking ([Actor]), why ([PurposeID]),
// and the [Access] that pairs them and that every read of personal
// information carries. It also names the legal bases of PIPL Art. 13 and
// GDPR Art. 6(1) ([LegalBasis]), the classes of a field ([Class], PIPL Art.
// 28 and JR/T 0171-2020) and the [Event] every operation leaves for the
// audit log.
//
// custos keeps customer records lawful under China's Personal Information
// Protection Law (PIPL) and the EU General Data Protection Regulation
// (GDPR). The packages below this one build on this vocabulary:
//
//   - kind: value kinds (resident ID, mobile, bank card, USCC, names,
//     addresses, money, ...) with validation, canonical forms and masks;
//   - audit: the tamper-evident Merkle log every operation is recorded in;
//   - keys: key-encryption keys from any KMS, one Tink DEK keyset per
//     customer, a bounded cache, rotation and crypto-shredding;
//   - consent: purposes with their legal basis, notices, the consent
//     lifecycle and the Checker that authorizes every read ([Authorizer]);
//   - vault: customer records encrypted field by field, purpose-bound
//     reads, blind-index search, masking by role, restriction and
//     forgetting with destruction certificates;
//   - storage/memstore, storage/sqlstore: the stores (memory; SQLite and
//     PostgreSQL), and storage/storetest, the conformance suite every
//     store passes;
//   - cli, cmd/custos: the operators' and auditors' command line, as a
//     package a host embeds in its own binary and as the stock binary.
//
// # Errors
//
// Values of this package are validated by their Validate methods, which
// return errors wrapping [ErrInvalidSubject], [ErrNoActor] or [ErrNoPurpose].
// No error of any custos package contains a field value, a key or a
// connection string.
//
// # Concurrency
//
// The types of this package are plain values, safe to copy and to share
// between goroutines once built.
package custos
