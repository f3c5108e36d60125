package report

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// Source computes one section of the report. The sections of custos's own
// packages are built from Config; a workflow package (rights, incident,
// transfer) or a host adds its own through Config.Sources. A Source reads
// through public APIs only and keeps memory bounded whatever the number
// of customers.
type Source interface {
	// Section returns the section as of at, with its findings. An error
	// fails the whole report.
	Section(ctx context.Context, at time.Time) (Section, []Finding, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, at time.Time) (Section, []Finding, error)

// Section calls f.
func (f SourceFunc) Section(ctx context.Context, at time.Time) (Section, []Finding, error) {
	return f(ctx, at)
}

// Policies are the host's policy values, the same ones it gives vault.New,
// consent.New, retention.New and keys.New: the records of processing are
// generated from them, never typed a second time.
type Policies struct {
	// Controller is the handler: its name and contact (PIPL Art. 17(1);
	// GDPR Art. 30(1)(a)).
	Controller consent.Party
	// Schema declares the record types and fields. Required.
	Schema vault.Schema
	// Purposes are every processing purpose. Required.
	Purposes []consent.Purpose
	// People are the categories of people whose data is processed
	// (GDPR Art. 30(1)(c)); none is a finding.
	People []SubjectCategory
	// Retention is the retention policy; nil makes every purpose a
	// finding (PIPL Art. 19).
	Retention *retention.Policy
	// Masking is the vault's role-based masking; nil means none.
	Masking *vault.Masking
	// Search is the vault's blind-index configuration; nil when the schema
	// declares no index.
	Search *vault.SearchConfig
	// KEK is the ID of the current key-encryption key (a KMS key URI, not
	// key material), and PreviousKEKs those still accepted for unwrapping.
	KEK          string
	PreviousKEKs []string
	// Epochs is the keyring's erasure-epoch configuration; nil when off.
	Epochs *keys.EpochConfig
}

// AuditState is how the report reads the audit log.
type AuditState struct {
	// Store is the log's store, read directly (as a monitor does), so that
	// the report raises no audit-read alert of its own.
	Store audit.Store
	// Verifier is the log's note verifier key, as the auditor holds it.
	// Required.
	Verifier string
	// Checkpoints are signed checkpoints saved earlier (by an auditor or
	// witness) the log is verified against.
	Checkpoints [][]byte
	// Monitor is the rules whose alerts the report counts; nil counts
	// none.
	Monitor *audit.MonitorConfig
}

// Config says what a report covers. Policies or Snapshot is required,
// not both; each store is optional, and a section whose store is absent
// is left out.
type Config struct {
	Policies Policies
	// Snapshot, instead of Policies, is a policy snapshot the host stored
	// (Reporter.SaveSnapshot): the report's records of processing are read
	// from it, as the stock `custos report` does, which has none of the
	// host's policy values.
	Snapshot *Snapshot
	// Audit reads the audit log.
	Audit *AuditState
	// Consents streams consent records and their histories.
	Consents ConsentRecords
	// Retention is retention's store: clocks by due date, destructions.
	Retention retention.Store
	// Outbox counts the notification outbox's messages by state.
	Outbox OutboxCounter
	// Rights reads the data-subject requests.
	Rights *RightsState
	// Transfers reads company transfers.
	Transfers *TransferState
	// Incidents is the incident register's store.
	Incidents incident.Store
	// Assessments are planned processings to draft an impact assessment
	// for (PIPL Art. 55).
	Assessments []Plan
	// Sources are further sections, such as those of the rights, incident
	// and transfer packages, in order after the built-in ones.
	Sources []Source
	// Months is how many calendar months the trend and due charts cover;
	// 0 means 12.
	Months int
	// Clock gives the report's time when Build is given none; nil means
	// time.Now.
	Clock custos.Clock
	// Progress, if set, is called after each section Build reads, with
	// the sections done and their number.
	Progress func(done, total int)
}

func (c *Config) validate() error {
	if c.Snapshot != nil {
		if len(c.Policies.Schema.Types) > 0 || len(c.Policies.Purposes) > 0 || len(c.Assessments) > 0 {
			return fmt.Errorf("%w: give Policies (and Assessments) or a Snapshot, not both", ErrConfig)
		}
		if err := c.Snapshot.validate(); err != nil {
			return fmt.Errorf("%w: Snapshot: %w", ErrConfig, err)
		}
		return c.validateStores()
	}
	if len(c.Policies.Schema.Types) == 0 {
		return fmt.Errorf("%w: Policies.Schema declares no record type", ErrConfig)
	}
	if len(c.Policies.Purposes) == 0 {
		return fmt.Errorf("%w: Policies.Purposes is empty", ErrConfig)
	}
	if _, err := vault.NewAllowList(c.Policies.Schema, nil); err != nil {
		return fmt.Errorf("%w: Policies.Schema: %w", ErrConfig, err)
	}
	if err := validatePeople(&c.Policies); err != nil {
		return err
	}
	for i, p := range c.Assessments {
		if err := p.validate(); err != nil {
			return fmt.Errorf("%w: Assessments[%d]: %w", ErrConfig, i, err)
		}
	}
	return c.validateStores()
}

// validateStores checks the store settings.
func (c *Config) validateStores() error {
	if c.Audit != nil && (c.Audit.Store == nil || c.Audit.Verifier == "") {
		return fmt.Errorf("%w: Audit needs a Store and a Verifier", ErrConfig)
	}
	if c.Rights != nil && c.Rights.Store == nil {
		return fmt.Errorf("%w: Rights needs a Store", ErrConfig)
	}
	if c.Transfers != nil && c.Transfers.Store == nil {
		return fmt.Errorf("%w: Transfers needs a Store", ErrConfig)
	}
	if c.Months < 0 || c.Months > 120 {
		return fmt.Errorf("%w: Months must be 0 to 120", ErrConfig)
	}
	return nil
}

// controller names the handler, from the policies or the snapshot.
func (c *Config) controller() string {
	if c.Snapshot != nil {
		return c.Snapshot.Controller
	}
	return c.Policies.Controller.Name
}

// rights is how the rights section reads requests: a snapshot's regimes
// when Rights states none.
func (c *Config) rights() *RightsState {
	if c.Snapshot == nil || c.Rights == nil || len(c.Rights.Regimes) > 0 {
		return c.Rights
	}
	rs := *c.Rights
	rs.Regimes = snapshotRegimes(c.Snapshot.Regimes)
	return &rs
}

func (c *Config) months() int {
	if c.Months == 0 {
		return 12
	}
	return c.Months
}
