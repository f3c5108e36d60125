package main

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// Purposes, the same at both companies; the acquirer adds cross-selling.
const (
	servicing    custos.PurposeID = "lease-servicing"
	marketing    custos.PurposeID = "marketing"
	crossSelling custos.PurposeID = "cross-selling"
	moving       custos.PurposeID = "company-transfer"
	records      custos.PurposeID = "records-office"
)

var (
	teller   = custos.Access{Actor: custos.Actor{ID: "branch-07", Role: "clerk"}, Purpose: servicing}
	operator = custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: moving, RequestID: "T-2026-01"}
	office   = custos.Access{Actor: custos.Actor{ID: "records-01", Role: "records"}, Purpose: records}
)

func schema() vault.Schema {
	c1, c2 := custos.Class{Level: custos.C1}, custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "email", Kind: kind.Email{}, Class: c2},
			{Name: "language", Kind: kind.Text{}, Class: c1, MaxBytes: 35},
		}},
		{Name: "lease", Fields: []vault.Field{{Name: "contract", Kind: kind.Text{}, Class: c1, Required: true}}},
	}}
}

func txt(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }

func purposes(acquirer bool) []consent.Purpose {
	all := map[string][]string{"customer": {"name", "mobile", "email", "language"}, "lease": {"contract"}}
	ps := []consent.Purpose{
		{ID: servicing, Description: txt("租赁服务", "Servicing your lease"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionFind}, Fields: all},
		{ID: marketing, Description: txt("短信优惠", "Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}},
		{ID: moving, Description: txt("公司转让", "Company transfer"), Basis: custos.BasisOtherLaw, Law: "PIPL Art. 22", Notice: "privacy",
			Actions: []custos.Action{vault.ActionTransferOut, vault.ActionTransferIn, consent.ActionTransferOut, consent.ActionTransferIn,
				custos.ActionState, custos.ActionForget, custos.ActionGet, custos.ActionAuditRead}, Fields: all},
		{ID: records, Description: txt("档案室", "Records office"), Basis: custos.BasisLegalDuty, Law: "AML Art. 34", Notice: "privacy",
			Actions: []custos.Action{custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionForget, custos.ActionState}},
	}
	if acquirer {
		ps = append(ps, consent.Purpose{ID: crossSelling, Description: txt("交叉销售", "Offers about other products"), Basis: custos.BasisConsent,
			Notice: "privacy", Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}})
	}
	return ps
}

func privacyNotice(name, site string) consent.Notice {
	return consent.Notice{
		ID: "privacy", Controller: consent.Party{Name: name, Contact: "https://" + site + "/privacy"},
		Methods: []string{"collection", "encrypted-storage"}, StorageLocation: "CN", Jurisdiction: "CN",
		Retention:  txt("合同期满后保存10年", "Kept 10 years after the lease ends (AML Art. 34)"),
		AtExpiry:   txt("期满删除", "Deleted at the end"),
		Rights:     txt("联系隐私办公室", "Write to the privacy office"),
		Withdrawal: txt("设置 > 隐私 > 撤回", "Settings > Privacy > Withdraw"),
		Body:       txt("我们如下处理您的信息。", "We process your information as follows."),
	}
}

func policy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease-contract", RecordType: "lease", Start: retention.Start{Event: retention.EventContractEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
	}}
}

// company is one handler's deployment: its own SQLite database and
// ledger, development KEK, keyring, audit log, consent registry, vault,
// retention and notification outbox.
type company struct {
	db, ledger *sqlstore.DB
	keys       *keys.Keyring
	log        *audit.Log
	reg        *consent.Registry
	vault      *vault.Vault
	ret        *retention.Retention
	outbox     *notify.Outbox
	signer     note.Signer
	verifier   string
}

func open(ctx context.Context, dir, name, site string, acquirer bool) (*company, error) {
	c := &company{}
	var err error
	path := filepath.Join(dir, site+".db")
	if c.db, err = sqlstore.OpenSQLite(ctx, path, nil); err != nil {
		return nil, err
	}
	if c.ledger, err = sqlstore.OpenSQLite(ctx, path+".ledger", nil); err != nil {
		return nil, err
	}
	kek, err := insecuredevkek.Open(path + ".dev-kek.json") // development only: a KMS in production
	if err != nil {
		return nil, err
	}
	if c.keys, err = keys.New(ctx, keys.Config{KEK: kek, Store: c.db.Keys(), Ledger: c.ledger.Ledger()}); err != nil {
		return nil, err
	}
	if c.log, err = audit.New(ctx, audit.Config{Store: c.db.Audit(), Keys: c.keys, Origin: site + "/audit"}); err != nil {
		return nil, err
	}
	sc := schema()
	c.reg, err = consent.New(ctx, consent.Config{Purposes: purposes(acquirer), Notices: []consent.Notice{privacyNotice(name, site)},
		Fields: sc.Classes(), Store: c.db.Consent(), Recorder: c.log, Subjects: vault.Subjects(c.db.Vault(), c.keys), Pseudonyms: c.keys})
	if err != nil {
		return nil, err
	}
	c.vault, err = vault.New(vault.Config{Schema: sc, Keys: c.keys, Store: c.db.Vault(), Authorizer: c.reg.Checker(), Recorder: c.log,
		Erasers: []custos.Eraser{c.reg}, Search: vault.SearchConfig{ExpectedCustomers: 10_000},
		// The transfer notice is owed to restricted customers too (a legal
		// duty): its purpose may read their address.
		LegalHoldPurposes: []custos.PurposeID{moving}})
	if err != nil {
		return nil, err
	}
	c.ret, err = retention.New(retention.Config{Policy: policy(), Schema: sc, Store: c.db.Retention(), Vault: c.vault, Recorder: c.log,
		Actor: office.Actor, Purpose: office.Purpose})
	if err != nil {
		return nil, err
	}
	if c.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: c.db.Notify(), Recorder: c.log, Subjects: vault.Subjects(c.db.Vault(), c.keys)}); err != nil {
		return nil, err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, site+"/transfer")
	if err != nil {
		return nil, err
	}
	c.verifier = vkey
	c.signer, err = note.NewSigner(skey)
	return c, err
}

func (c *company) close() error {
	return errors.Join(c.log.Close(), c.keys.Close(), c.db.Close(), c.ledger.Close())
}

var rule = transfer.ApprovalRule{Roles: []custos.Role{"dpo", "general-counsel"}, Required: 2}
