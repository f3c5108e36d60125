package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// Vault is what retention needs of the vault: *vault.Vault implements it.
// Retention changes customer data only through it, so every destruction
// and restriction is authorized and audited by the vault.
type Vault interface {
	Forget(ctx context.Context, acc custos.Access, subject custos.SubjectID, why vault.Erasure) (vault.Certificate, error)
	ForgetBatch(ctx context.Context, acc custos.Access, items []vault.ForgetItem) ([]vault.Forgotten, error)
	Restrict(ctx context.Context, acc custos.Access, subject custos.SubjectID, ground string) error
	Unrestrict(ctx context.Context, acc custos.Access, subject custos.SubjectID) error
	Restriction(ctx context.Context, acc custos.Access, subject custos.SubjectID) (vault.Restriction, error)
	RecordTypes(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]string, error)
	Since(ctx context.Context, acc custos.Access, subject custos.SubjectID) (time.Time, error)
}

// Recorder durably records audit events: *audit.Log implements it.
type Recorder = custos.Recorder

// DefaultTolerance is how far in the future a reported event may be dated
// when Config.Tolerance is zero: clocks of hosts and databases differ a
// little, never by days.
const DefaultTolerance = 5 * time.Minute

// Config configures a Retention. Policy, Schema, Store, Vault, Recorder,
// Actor and Purpose are required.
type Config struct {
	// Policy is the retention policy, validated against Schema.
	Policy Policy
	// Schema is the vault's schema.
	Schema vault.Schema
	// Store persists clocks, holds and destructions.
	Store Store
	// Vault destroys and restricts customers.
	Vault Vault
	// Recorder records the placing and releasing of holds.
	Recorder Recorder
	// Actor and Purpose are the access under which retention forgets and
	// restricts customers, such as actor "retention-sweeper" with role
	// "retention" and a purpose "retention" under legal duty (PIPL Art.
	// 13(3), 47): the vault's authorizer must allow it vault.forget,
	// vault.restrict, vault.unrestrict and vault.state (the audited reads
	// of a customer's restriction and record types).
	Actor   custos.Actor
	Purpose custos.PurposeID
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
	// Tolerance is how far in the future a reported event may be dated; 0
	// means DefaultTolerance.
	Tolerance time.Duration
}

// Retention keeps customers' retention clocks and legal holds and applies
// the policy when clocks run out. Build it with New; it is safe for
// concurrent use, and several, in several processes, may share one Store.
type Retention struct {
	clocks
	reviews   []ReviewRule
	vault     Vault
	rec       Recorder
	acc       custos.Access
	tolerance time.Duration
}

// New validates cfg and returns a Retention.
func New(cfg Config) (*Retention, error) {
	if err := cfg.Policy.Validate(cfg.Schema); err != nil {
		return nil, err
	}
	acc := custos.Access{Actor: cfg.Actor, Purpose: cfg.Purpose}
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Vault == nil:
		return nil, fmt.Errorf("%w: no Vault", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	case cfg.Tolerance < 0:
		return nil, fmt.Errorf("%w: negative Tolerance", ErrConfig)
	}
	if err := acc.Validate(); err != nil {
		return nil, fmt.Errorf("%w: Actor and Purpose: %w", ErrConfig, err)
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = DefaultTolerance
	}
	return &Retention{
		clocks:  clocks{rules: cfg.Policy.Rules, store: cfg.Store, clock: cfg.Clock},
		reviews: cfg.Policy.Reviews,
		vault:   cfg.Vault, rec: cfg.Recorder, acc: acc, tolerance: cfg.Tolerance,
	}, nil
}

func (r *Retention) now() time.Time { return r.clock.Now().UTC().Truncate(time.Microsecond) }
