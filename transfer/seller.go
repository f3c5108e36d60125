package transfer

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// The actions a transfer records in the audit log.
const (
	ActionPlan    custos.Action = "transfer.plan"
	ActionApprove custos.Action = "transfer.approve"
	ActionExport  custos.Action = "transfer.export"
	ActionImport  custos.Action = "transfer.import"
)

// SellerConfig configures a Seller. Keys, Vault, Consent, Signer, Store,
// Recorder and Approval are required.
type SellerConfig struct {
	// Keys is the seller's keyring: it unwraps the moved customers' DEKs
	// and keeps each transfer key wrapped by the seller's KEK.
	Keys *keys.Keyring
	// Vault reads the moved customers' records as ciphertext.
	Vault *vault.Vault
	// Consent reads the customers' consent records and, for a plan that
	// needs separate consent, decides who moves.
	Consent *consent.Registry
	// Audit is the seller's audit log: each moved customer's trail
	// travels with inclusion proofs into a signed checkpoint.
	Audit *audit.Log
	// Retention reads the customers' retention clocks, holds and reviews,
	// which travel intact (RULES M5).
	Retention *retention.Retention
	// Outbox queues the notices customers are owed (PIPL Art. 22, 23); a
	// customer moves only once its notice is in the outbox.
	Outbox *notify.Outbox
	// Signer signs manifests (a C2SP signed-note key); the acquirer
	// verifies them with its verifier key, given out of band.
	Signer note.Signer
	// Store keeps plans and approvals.
	Store Store
	// Recorder durably records every plan, approval and export.
	Recorder Recorder
	// Approval is the company's approval rule.
	Approval ApprovalRule
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
	// Logger receives operational messages, never personal data.
	Logger *slog.Logger
}

// Seller plans, approves and exports transfers on the seller's side. Build
// it with NewSeller; it is safe for concurrent use.
type Seller struct {
	keys    *keys.Keyring
	vault   *vault.Vault
	consent *consent.Registry
	signer  note.Signer
	outbox  *notify.Outbox
	ret     *retention.Retention
	audit   *audit.Log
	store   Store
	rec     Recorder
	rule    ApprovalRule
	clock   custos.Clock
	log     *slog.Logger
}

// NewSeller validates cfg and returns a Seller.
func NewSeller(cfg SellerConfig) (*Seller, error) {
	switch {
	case cfg.Keys == nil:
		return nil, fmt.Errorf("%w: no Keys", ErrConfig)
	case cfg.Vault == nil:
		return nil, fmt.Errorf("%w: no Vault", ErrConfig)
	case cfg.Consent == nil:
		return nil, fmt.Errorf("%w: no Consent registry", ErrConfig)
	case cfg.Audit == nil:
		return nil, fmt.Errorf("%w: no Audit log", ErrConfig)
	case cfg.Retention == nil:
		return nil, fmt.Errorf("%w: no Retention", ErrConfig)
	case cfg.Outbox == nil:
		return nil, fmt.Errorf("%w: no notify Outbox", ErrConfig)
	case cfg.Signer == nil:
		return nil, fmt.Errorf("%w: no manifest Signer", ErrConfig)
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	}
	if err := cfg.Approval.Validate(); err != nil {
		return nil, err
	}
	s := &Seller{keys: cfg.Keys, vault: cfg.Vault, consent: cfg.Consent, signer: cfg.Signer, outbox: cfg.Outbox, ret: cfg.Retention, audit: cfg.Audit, store: cfg.Store, rec: cfg.Recorder, rule: cfg.Approval, clock: cfg.Clock, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func (s *Seller) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// detail is the audit detail of a transfer event: ids and digests only.
func detail(id string, digest []byte, extra map[string]any) string {
	m := map[string]any{"transfer": id, "plan": hex.EncodeToString(digest)}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// Propose validates the plan and stores it, after recording the proposal
// in the audit log. Proposing the same plan again succeeds and changes
// nothing; another plan under a used ID fails with ErrExists. An invalid
// plan fails with ErrInvalidPlan and stores nothing.
func (s *Seller) Propose(ctx context.Context, acc custos.Access, p Plan) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	body, err := p.MarshalCanonical()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidPlan, err)
	}
	digest := p.Digest()
	if have, err := s.store.GetPlan(ctx, p.ID); err == nil {
		if bytes.Equal(have.Digest, digest) {
			return nil
		}
		return fmt.Errorf("%w: transfer %s has another plan", ErrExists, p.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("transfer: read plan: %w", err)
	}
	now := s.now()
	ev := custos.Event{Time: now, Action: ActionPlan, Access: acc, Outcome: custos.OutcomeAllowed, Detail: detail(p.ID, digest, map[string]any{"articles": p.Articles()})}
	if err := s.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("transfer: audit: %w", err)
	}
	err = s.store.CreatePlan(ctx, StoredPlan{ID: p.ID, Plan: body, Digest: digest, Proposed: now, By: acc.Actor.ID})
	if errors.Is(err, ErrExists) {
		if have, gerr := s.store.GetPlan(ctx, p.ID); gerr == nil && bytes.Equal(have.Digest, digest) {
			return nil // our own earlier attempt
		}
		return fmt.Errorf("%w: transfer %s has another plan", ErrExists, p.ID)
	}
	if err != nil {
		return fmt.Errorf("transfer: store plan: %w", err)
	}
	return nil
}

// Plan returns a proposed plan and its approvals.
func (s *Seller) Plan(ctx context.Context, id string) (Plan, []Approval, error) {
	sp, err := s.store.GetPlan(ctx, id)
	if err != nil {
		return Plan{}, nil, fmt.Errorf("transfer: read plan: %w", err)
	}
	p, err := decodePlan(sp)
	if err != nil {
		return Plan{}, nil, err
	}
	as, err := s.store.Approvals(ctx, id)
	if err != nil {
		return Plan{}, nil, fmt.Errorf("transfer: read approvals: %w", err)
	}
	return p, as, nil
}

func decodePlan(sp StoredPlan) (Plan, error) {
	var p Plan
	if err := json.Unmarshal(sp.Plan, &p); err != nil {
		return Plan{}, fmt.Errorf("transfer: stored plan does not decode: %w", err)
	}
	if !bytes.Equal(p.Digest(), sp.Digest) {
		return Plan{}, fmt.Errorf("transfer: stored plan does not match its digest")
	}
	return p, nil
}

// Approve records the acting person's approval of the plan. The actor's
// role must be one of the rule's roles, and the actor must not have
// approved the plan before: the same person twice is refused with
// ErrApproval, as is an approval beyond the number required. The approval
// is recorded in the audit log before it is stored; a failing audit stores
// nothing.
func (s *Seller) Approve(ctx context.Context, acc custos.Access, id string) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	p, have, err := s.Plan(ctx, id)
	if err != nil {
		return err
	}
	digest := p.Digest()
	ev := custos.Event{Time: s.now(), Action: ActionApprove, Access: acc, Detail: detail(id, digest, nil)}
	if err := s.rule.check(acc.Actor, have); err != nil {
		ev.Outcome, ev.Reason = custos.OutcomeDenied, "approval-refused"
		if rerr := s.rec.Record(ctx, ev); rerr != nil {
			return errors.Join(err, fmt.Errorf("transfer: audit: %w", rerr))
		}
		return err
	}
	ev.Outcome = custos.OutcomeAllowed
	if err := s.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("transfer: audit: %w", err)
	}
	err = s.store.AddApproval(ctx, Approval{TransferID: id, Digest: digest, Approver: acc.Actor, At: ev.Time})
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("%w: the same person cannot approve twice", ErrApproval)
	}
	if err != nil {
		return fmt.Errorf("transfer: store approval: %w", err)
	}
	return nil
}

// Approved reports whether the plan holds the approvals its rule requires.
func (s *Seller) Approved(ctx context.Context, id string) (bool, error) {
	p, have, err := s.Plan(ctx, id)
	if err != nil {
		return false, err
	}
	return s.rule.satisfied(p.Digest(), have), nil
}

// approvedPlan returns the plan if it holds its approvals, else
// ErrNotApproved.
func (s *Seller) approvedPlan(ctx context.Context, id string) (Plan, error) {
	p, have, err := s.Plan(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if !s.rule.satisfied(p.Digest(), have) {
		return Plan{}, fmt.Errorf("%w: %d of %d approvals", ErrNotApproved, len(have), s.rule.Required)
	}
	return p, nil
}
