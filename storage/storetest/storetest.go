package storetest

import (
	"testing"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// Adapter is a database holding every custos store.
type Adapter interface {
	Keys() keys.Store
	Ledger() keys.Ledger
	Vault() vault.Store
	// Close releases the database; later calls fail with
	// custos.ErrClosed.
	Close() error
}

// Opener returns a new, empty Adapter for one test. It should register its
// own cleanup with t.Cleanup if it needs more than Close.
type Opener func(t *testing.T) Adapter

// Run runs the whole conformance suite against adapters made by open.
func Run(t *testing.T, open Opener) {
	t.Run("keys-store", func(t *testing.T) { runKeyStore(t, open) })
	t.Run("key-groups", func(t *testing.T) { runGroups(t, open) })
	t.Run("ledger", func(t *testing.T) { runLedger(t, open) })
	t.Run("epochs", func(t *testing.T) { runEpochs(t, open) })
	t.Run("vault-store", func(t *testing.T) { runVaultStore(t, open) })
	t.Run("vault", func(t *testing.T) { runVault(t, open) })
	t.Run("search", func(t *testing.T) { runSearch(t, open) })
	t.Run("consent", func(t *testing.T) { runConsent(t, open) })
	t.Run("audit", func(t *testing.T) { runAudit(t, open) })
	t.Run("audit-lookup", func(t *testing.T) { runAuditLookup(t, open) })
	t.Run("incident-store", func(t *testing.T) { RunIncidentStore(t, open) })
	t.Run("notify-store", func(t *testing.T) { runNotifyStore(t, open) })
	t.Run("notify-dispatch", func(t *testing.T) { runNotifyDispatch(t, open) })
	t.Run("retention-store", func(t *testing.T) { RunRetentionStore(t, open) })
	t.Run("rights-store", func(t *testing.T) { RunRightsStore(t, open) })
	t.Run("report-consent-records", func(t *testing.T) { RunConsentRecords(t, open) })
	t.Run("report-snapshots", func(t *testing.T) { RunReportSnapshots(t, open) })
}

// openT opens an adapter and closes it when the test ends.
func openT(t *testing.T, open Opener) Adapter {
	t.Helper()
	a := open(t)
	t.Cleanup(func() { a.Close() })
	return a
}
