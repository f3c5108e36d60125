package cli_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// Purposes of the transfer hosts: servicing carries over; the transfer
// itself runs under company-transfer (cli's transferPurpose); the records
// office restricts and destroys under the retention policy.
const (
	servicing custos.PurposeID = "lease-servicing"
	moving    custos.PurposeID = "company-transfer"
	keeping   custos.PurposeID = "records-office"
)

func transferText(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }

func transferPurposes() []consent.Purpose {
	all := map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}
	return []consent.Purpose{
		{ID: servicing, Description: transferText("Servicing your lease"), Basis: custos.BasisContract, Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionFind}, Fields: all},
		{ID: moving, Description: transferText("Company transfer"), Basis: custos.BasisOtherLaw, Law: "PIPL Art. 22", Notice: "privacy-notice",
			Actions: []custos.Action{vault.ActionTransferOut, vault.ActionTransferIn, consent.ActionTransferOut, consent.ActionTransferIn, custos.ActionState, custos.ActionForget}, Fields: all},
		{ID: keeping, Description: transferText("Records office"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47", Notice: "privacy-notice",
			Actions: []custos.Action{custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionForget, custos.ActionState}},
	}
}

func transferNotice(controller string) consent.Notice {
	return consent.Notice{
		ID: "privacy-notice", Controller: consent.Party{Name: controller, Contact: "privacy@" + controller + ".example"},
		Methods: []string{"collection", "encrypted-storage"}, Retention: transferText("Kept 10 years (AML Art. 34)"),
		AtExpiry: transferText("Deleted at the end of retention"), Rights: transferText("Write to the privacy office"),
		Withdrawal: transferText("Settings > Privacy"), StorageLocation: "CN", Jurisdiction: "CN", Body: transferText("We process your information."),
	}
}

func transferPolicy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease-contract", RecordType: "lease", Start: retention.Start{Event: retention.EventContractEnded},
			Max: retention.Years(5), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
	}}
}

var approvers = transfer.ApprovalRule{Roles: []custos.Role{"dpo", "general-counsel"}, Required: 2}

// transferHost is one company's transfer wiring, as a host embedding
// package cli gives it in Config.Transfer: the seller side, or the acquirer
// side with its HPKE private keyset and the agreement it checks bundles
// against.
type transferHost struct {
	name      string
	signer    string // signed-note signing key
	verifier  string
	private   *keyset.Handle // acquirer only
	agreement *transfer.Agreement
}

func newTransferHost(t *testing.T, name string, acquirer bool) *transferHost {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name+".example/transfer")
	require.NoError(t, err)
	h := &transferHost{name: name, signer: skey, verifier: vkey}
	if acquirer {
		h.private, err = transfer.NewRecipientKeyset()
		require.NoError(t, err)
	}
	return h
}

func (h *transferHost) public(t *testing.T) []byte {
	t.Helper()
	pub, err := transfer.PublicKeyset(h.private)
	require.NoError(t, err)
	return pub
}

// wire builds the host's seller or acquirer over a session.
func (h *transferHost) wire(ctx context.Context, s cli.RightsSession) (cli.Transfer, error) {
	sc := schema()
	subjects := vault.Subjects(s.Stores.Vault, s.Keys)
	reg, err := consent.New(ctx, consent.Config{Purposes: transferPurposes(), Notices: []consent.Notice{transferNotice(h.name)}, Fields: sc.Classes(),
		Store: s.Stores.Consent, Recorder: s.Log, Subjects: subjects, Pseudonyms: s.Keys, Clock: s.Clock})
	if err != nil {
		return cli.Transfer{}, err
	}
	v, err := vault.New(vault.Config{Schema: sc, Keys: s.Keys, Store: s.Stores.Vault, Authorizer: reg.Checker(), Recorder: s.Log, Clock: s.Clock,
		Erasers: []custos.Eraser{reg}, Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}})
	if err != nil {
		return cli.Transfer{}, err
	}
	ret, err := retention.New(retention.Config{Policy: transferPolicy(), Schema: sc, Store: s.Stores.Retention, Vault: v, Recorder: s.Log,
		Actor: custos.Actor{ID: "staff-records", Role: "records"}, Purpose: keeping, Clock: s.Clock})
	if err != nil {
		return cli.Transfer{}, err
	}
	signer, err := note.NewSigner(h.signer)
	if err != nil {
		return cli.Transfer{}, err
	}
	if h.private != nil {
		a, err := transfer.NewAcquirer(transfer.AcquirerConfig{Keys: s.Keys, Vault: v, Consent: reg, Retention: ret, Private: h.private,
			Signer: signer, Store: s.Stores.Transfers, Recorder: s.Log, Clock: s.Clock})
		return cli.Transfer{Acquirer: a, Agreement: func(id string) (transfer.Agreement, error) {
			if h.agreement == nil || h.agreement.Transfer != id {
				return transfer.Agreement{}, transfer.ErrNotFound
			}
			return *h.agreement, nil
		}}, err
	}
	out, err := notify.NewOutbox(notify.OutboxConfig{Store: s.Stores.Notify, Recorder: s.Log, Subjects: subjects, Clock: s.Clock})
	if err != nil {
		return cli.Transfer{}, err
	}
	sl, err := transfer.NewSeller(transfer.SellerConfig{Keys: s.Keys, Vault: v, Consent: reg, Audit: s.Log, Retention: ret, Outbox: out,
		Signer: signer, Store: s.Stores.Transfers, Recorder: s.Log, Approval: approvers, Clock: s.Clock})
	return cli.Transfer{Seller: sl}, err
}

// config is the deployment's cli.Config with the host's transfer wiring.
func (h *transferHost) config(d *deployment) cli.Config {
	c := d.config()
	c.Transfer = h.wire
	return c
}

// session opens d through the SDK, as the host's own service does, and
// returns the wiring over it.
func (h *transferHost) session(t *testing.T, d *deployment) (cli.Transfer, func()) {
	t.Helper()
	o := d.open(t, d.kek)
	s := cli.RightsSession{Stores: &cli.Stores{Vault: o.db.Vault(), Consent: o.db.Consent(), Retention: o.db.Retention(), Notify: o.db.Notify(),
		Transfers: o.db.Transfer(), Keys: o.db.Keys()}, Keys: o.keys, Log: o.log, Clock: d.clock.Now}
	w, err := h.wire(context.Background(), s)
	require.NoError(t, err)
	return w, o.close
}

// mergerPlan is a valid Art. 22 plan from seller to acquirer.
func mergerPlan(t *testing.T, acquirer *transferHost) transfer.Plan {
	return transfer.Plan{
		ID: "merger-2026", Cause: transfer.CauseMerger,
		Seller: transfer.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://seller.example/privacy", Jurisdiction: "CN"},
		Recipient: transfer.Recipient{Party: transfer.Party{Name: "Acquirer Leasing Co., Ltd.", Contact: "https://acquirer.example/privacy", Jurisdiction: "CN"},
			PublicKeyset: acquirer.public(t), Verifier: acquirer.verifier},
		Scope:            transfer.Scope{RecordTypes: []string{"customer", "lease"}, Purposes: []custos.PurposeID{servicing}},
		ImpactAssessment: "PIA-2026-017", Effective: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Processors: []transfer.Processor{{Party: transfer.Party{Name: "Example SMS Gateway Ltd.", Contact: "https://sms.example/dpa", Jurisdiction: "CN"},
			Contract: "DPA-2024-007", Holds: []string{"customer"}}},
	}
}
