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
// the [Ledger], then deletes the wrapped DEK: once it returns, no custos
// process unwraps it again. Keep the ledger apart from the backups of the
// store: after a restore, [Keyring.Reapply] deletes again every DEK the
// ledger names, so a restored backup cannot bring a forgotten customer back
// (PIPL Art. 47; GDPR Art. 17).
//
// Deleting a row does not remove its copies: backups, SQLite free pages and
// WAL, PostgreSQL dead tuples and WAL keep the wrapped DEK. With erasure
// epochs ([EpochConfig]) the DEKs of each group of customers are wrapped
// under the group's current epoch key, held by a [Source] (a KMS); a shred
// marks its group's epoch dirty, and closing the epoch
// ([Keyring.CloseDueEpochs], [Keyring.RunEpochs]) rewraps the group's other
// DEKs under a new key and destroys the old one through the Source. From
// then on no copy of the wrapped DEK, wherever it lies, opens with any key
// custos still holds; [Shredded.CompleteBy] names that deadline and
// [Keyring.ErasureComplete] tells when it is reached. Without epochs, DEKs
// are wrapped by the KEK, and copies taken before a shred stay decryptable
// with it.
//
// # The DEK cache
//
// Unwrapped DEKs are cached so that a hot customer costs one KEK call per
// [CacheConfig.MaxAge], not one per read. The cache keeps each DEK's key
// material, not a Tink primitive: the enabled AES-256-GCM keys of the
// keyset (at most two: before and after a DEK rotation) with their key ids
// and output-prefix variants, 92 bytes in a fixed slot of large byte
// chunks, indexed by a 128-bit seeded hash of the subject. The garbage
// collector scans none of it, a million customers take about 115 MiB
// (TestMillionEntriesMemory, BENCHMARKS.md), and a slot's bytes are zeroed
// when its entry is evicted, dropped by [Keyring.Shred] or
// [Keyring.Refresh], or purged by [Keyring.Reapply] and [Keyring.Close].
// A Tink primitive costs about 1.5 KB of scanned Go objects, which is why
// the previous cache of primitives needed 1.5 GiB for a million customers.
//
// The AEAD is built from a slot on use with Tink's own key API
// (aesgcm.NewKey, aesgcm.NewAEAD; about 2 µs, the AES key schedule and GCM
// tables) and the last 4,096 built are kept in front, so a hot customer's
// read builds nothing. We chose slots of key material over caching the
// serialized keyset (also inside Tink's API, but about 3.5 µs to parse
// and build here, and 100+ bytes of type URLs per key) and over a cache
// of primitives (the memory above). A keyset of more than two enabled keys
// is cached as a primitive in a small LRU of 1,024 entries. Built
// primitives hold copies of the key inside crypto/aes that Go cannot zero;
// they are dropped, not wiped, when their entry leaves.
//
// # Errors
//
// Callers branch on [ErrNotFound] (no DEK yet), [ErrShredded] (the customer
// was forgotten), [ErrUnwrap] (the KEK could not unwrap: wrong KEK or a
// corrupted wrapped key), [ErrUnknownKEK], [ErrConflict] and, from a
// Source, [ErrDestroyed]; bad configuration or arguments give [ErrConfig]
// and change nothing. Store
// implementations return [ErrNotFound], [ErrExists] and [ErrConflict] as
// documented on [Store]. No error carries key material or a subject.
//
// # Concurrency
//
// A Keyring is safe for concurrent use. Concurrent first uses of one
// customer unwrap its DEK once. Several processes may close epochs at once:
// each step is a conditional write, and a DEK is never written under a
// retiring epoch key (the store checks it in the write's transaction).
package keys
