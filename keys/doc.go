// Package keys holds the custos key hierarchy: a key-encryption key (KEK)
// from any KMS, one Tink data-encryption keyset (DEK) per customer stored
// only wrapped by the KEK, a bounded cache of unwrapped DEKs, KEK and DEK
// rotation, and crypto-shredding with a shred ledger.
//
// A [Keyring] is built by [New] from a [Config] naming the current [KEK],
// any previous KEKs still accepted during a rotation, a [Store] for wrapped
// keys and a [Ledger] for shredded customers. The Keyring is what the vault
// asks for a customer's AEAD.
//
// # Key hierarchy
//
// The KEK never leaves the KMS: custos calls its Encrypt and Decrypt only to
// wrap and unwrap keysets. Each customer's DEK is an AES-256-GCM Tink keyset,
// written with [keyset.Handle.WriteWithAssociatedData] under associated data
// that names its use and the customer, so a wrapped DEK copied to another
// customer does not unwrap. A deployment also keeps named keysets, wrapped
// the same way: the pseudonymous-reference key (HMAC-SHA256 PRF) and, in
// other packages, index and audit keys. docs/FORMAT.md gives the exact bytes.
//
// # Crypto-shredding
//
// [Keyring.Shred] first appends the customer's pseudonymous reference to
// the [Ledger], then deletes the wrapped DEK: once it returns, every
// ciphertext of the customer is undecryptable, wherever copies of it lie.
// Keep the ledger apart from the backups of the store: after a restore,
// [Keyring.Reapply] deletes again every DEK the ledger names, so a restored
// backup cannot bring a forgotten customer back (PIPL Art. 47; GDPR Art. 17).
//
// # Errors
//
// Callers branch on [ErrNotFound] (no DEK yet), [ErrShredded] (the customer
// was forgotten), [ErrUnwrap] (the KEK could not unwrap: wrong KEK or a
// corrupted wrapped key), [ErrUnknownKEK] and [ErrConflict]. Store
// implementations return [ErrNotFound], [ErrExists] and [ErrConflict] as
// documented on [Store]. No error carries key material or a subject.
//
// # Concurrency
//
// A Keyring is safe for concurrent use. Concurrent first uses of one
// customer unwrap its DEK once.
package keys
