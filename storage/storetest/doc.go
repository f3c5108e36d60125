// Package storetest is the conformance suite every custos store adapter
// passes: the memstore and sqlstore adapters shipped with custos run it,
// and a host that writes its own adapter runs it the same way:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Adapter {
//			return myadapter.Open(t.TempDir())
//		})
//	}
//
// Run checks each store interface's contract (keyed reads, conditional
// writes, scans in byte order, atomic deletes, the sentinel errors) and
// then drives a real vault over the adapter through every operation,
// including bad input, tampered ciphertexts and concurrent use, so that an
// adapter that passes behaves like the ones shipped.
//
// # Concurrency
//
// Run calls open once or twice per test; each call must return a new,
// empty, independent database.
package storetest
