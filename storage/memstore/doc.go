// Package memstore keeps every custos store in memory: for tests, examples
// and benchmarks. Nothing survives the process. It implements the store
// interfaces of packages keys, vault, consent and audit, and passes
// storage/storetest.
//
// A [Store] is one in-memory database; its methods Keys, Ledger, Vault,
// Consent and Audit return the views that the keys, vault, consent and
// audit packages take. Use a separate
// Store for the shred ledger to model keeping it apart from backups.
//
// # Concurrency
//
// A Store is safe for concurrent use; every call is atomic.
//
// # Errors
//
// Calls after Close return errors wrapping custos.ErrClosed; otherwise the
// sentinels documented by each store interface.
package memstore
