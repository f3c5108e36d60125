package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// Config is what a host gives New: how to open its stores, where its
// key-encryption keys come from, and its policies. The zero Config is the
// stock custos binary: SQLite or PostgreSQL through storage/sqlstore,
// development KEK files named on the command line, and no schema (the
// vault and index commands then refuse to run, with ExitUsage).
type Config struct {
	// Name is the root command's name in usage lines; empty means
	// "custos". A host that adds the tree under its own binary's root
	// command can set it to that path, such as "leasing-ops custos".
	Name string
	// Open opens the stores a command needs. Database holds what the
	// command line named; nil means OpenSQLStores.
	Open func(ctx context.Context, db Database) (*Stores, error)
	// KEKs returns the current key-encryption key and those that still
	// unwrap keysets written before a rotation. nil means the --kek and
	// --previous-kek flags, which name development keyset files
	// (keys/insecuredevkek: NOT FOR PRODUCTION); a host passes the AEADs of
	// its KMS client here.
	KEKs func(ctx context.Context) (KEKs, error)
	// Policies are the host's record types and search settings, which the
	// vault and index commands need.
	Policies *Policies
	// Origin names the audit log when a command opens it for appending;
	// empty means the origin of the signing key stored with the log.
	Origin string
	// Keys tunes the Keyring the commands build (its cache); KEK,
	// PreviousKEKs, Store, Ledger, Clock and Logger are set by the command.
	Keys keys.Config
	// Clock gives the time of everything the commands write; nil means
	// time.Now.
	Clock custos.Clock
	// Logger receives the library's operational messages; nil discards
	// them.
	Logger *slog.Logger
	// Rights builds the host's data-subject request desk over the stores,
	// keyring and audit log a command opened, for `rights export`; nil
	// makes that command refuse to run (the stock binary has no policy to
	// answer requests with). `rights list` and `rights show` need only the
	// store.
	Rights func(ctx context.Context, s RightsSession) (*rights.Desk, error)
	// Transfer builds the host's company-transfer seller and acquirer over
	// the session a command opened, for `transfer plan`, `approve`,
	// `export`, `import` and `finish`; nil makes those refuse to run.
	// `transfer plan show` and `transfer verify` need no wiring.
	Transfer func(ctx context.Context, s RightsSession) (Transfer, error)
}

// RightsSession is what Config.Rights builds a desk over: the stores, the
// keyring and the audit log the command opened, and the command's clock.
type RightsSession struct {
	Stores *Stores
	Keys   *keys.Keyring
	Log    *audit.Log
	Clock  custos.Clock
}

// Policies are the host's policy values the vault commands are built
// with. They are the same values the host gives vault.New.
type Policies struct {
	// Schema declares the record types and fields.
	Schema vault.Schema
	// Search configures blind indexes; required when Schema declares one.
	Search vault.SearchConfig
	// Retention is the retention policy the retention commands apply;
	// nil makes `retention sweep` refuse to run.
	Retention *retention.Policy
	// Incident is the incident policy the host's register grades with,
	// as given to incident.New; nil makes `incident scope --incident`
	// (which records the scope into the incident) refuse to run.
	Incident *incident.Policy
	// Purposes are the host's processing purposes, as given to
	// consent.New; `report` refuses to run without them.
	Purposes []consent.Purpose
	// Controller, Masking and Monitor are the handler, the vault's masking
	// rules and the audit monitor's rules, as the host runs them: the
	// report states them.
	Controller consent.Party
	Masking    *vault.Masking
	Monitor    *audit.MonitorConfig
	// People are the categories of people whose data is processed, which
	// the report's records of processing state (GDPR Art. 30(1)(c)).
	People []report.SubjectCategory
	// Assessments are planned processings the report drafts an impact
	// assessment for (PIPL Art. 55).
	Assessments []report.Plan
	// ReportSources are further report sections of the host's own.
	ReportSources []report.Source
	// Regimes are the clocks the rights desk answers requests on, which
	// the report states; Transfers the IDs of the company transfers it
	// reports on.
	Regimes   []rights.Regime
	Transfers []string
}

// KEKs are a deployment's key-encryption keys.
type KEKs struct {
	// Current wraps everything written from now on.
	Current keys.KEK
	// Previous still unwrap keysets written before a KEK rotation, until
	// `keys rotate` has moved every keyset under Current.
	Previous []keys.KEK
}

// Database is what the command line named: a SQLite file or a PostgreSQL
// DSN (read from the environment, never from the command line), and the
// shred ledger kept apart from it.
type Database struct {
	// Path is the SQLite database file (--db).
	Path string
	// DSN is the PostgreSQL connection string read from the environment
	// variable named by --postgres; Schema is --schema.
	DSN, Schema string
	// LedgerPath and LedgerDSN (with LedgerSchema) name the shred
	// ledger's database, for the commands that need a Keyring.
	LedgerPath, LedgerDSN, LedgerSchema string
	// ReadOnly is set for the commands that only read (the audit
	// commands): nothing may be created, migrated or written.
	ReadOnly bool
	// NeedLedger is set for the commands that build a Keyring.
	NeedLedger bool
}

// Stores are the stores a command works on. Ledger is required when
// Database.NeedLedger was set; the others when the command uses them.
type Stores struct {
	Audit  audit.Store
	Keys   keys.Store
	Ledger keys.Ledger
	Vault  vault.Store
	// Retention holds retention clocks, holds and destructions.
	Retention retention.Store
	// Consents streams the consent records for the report.
	Consents report.ConsentRecords
	// Consent holds the consent records themselves, for a host's
	// Config.Transfer (the consent registry its seller and acquirer use).
	Consent consent.Store
	// Notify is the notification outbox, for the notify commands.
	Notify notify.Store
	// Rights holds data-subject requests, for the rights commands.
	Rights rights.Store
	// Incidents and Transfers are the incident register's and the
	// transfers' stores, for the report.
	Incidents incident.Store
	Transfers transfer.Store
	// Snapshots holds the host's policy snapshot, which `report` reads
	// when Config.Policies gives no purposes.
	Snapshots report.SnapshotStore
	// Close releases the stores; nil means nothing to release.
	Close func() error
}

func (c *Config) validate() error {
	if c.Policies != nil {
		// An allow list with no grants compiles the schema and checks nothing
		// else.
		if _, err := vault.NewAllowList(c.Policies.Schema, nil); err != nil {
			return fmt.Errorf("cli: Config.Policies: %w", err)
		}
		if r := c.Policies.Retention; r != nil {
			if err := r.Validate(c.Policies.Schema); err != nil {
				return fmt.Errorf("cli: Config.Policies.Retention: %w", err)
			}
		}
	}
	if c.Keys.KEK.AEAD != nil || c.Keys.Store != nil || c.Keys.Ledger != nil || len(c.Keys.PreviousKEKs) > 0 {
		return fmt.Errorf("cli: Config.Keys: set KEKs and Open instead of the KEK, Store and Ledger fields")
	}
	return nil
}
