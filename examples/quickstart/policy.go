package main

import (
	"context"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

// The purposes of the example, each with its legal basis (PIPL Art. 13).
const (
	onboarding custos.PurposeID = "onboarding"      // contract: opening the lease
	servicing  custos.PurposeID = "lease-servicing" // contract: running the lease
	erasure    custos.PurposeID = "erasure"         // legal duty: PIPL Art. 47
	marketing  custos.PurposeID = "marketing"       // consent: offers by SMS
)

// Schema is the leasing company's records.
func Schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	sensitive := custos.Class{Level: custos.C2, Sensitive: true}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2, Required: true},
			{Name: "resident_id", Kind: kind.ResidentID{}, Class: sensitive, Required: true},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "bank_card", Kind: kind.BankCard{}, Class: sensitive},
			{Name: "address", Kind: kind.Address{}, Class: c2},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{MaxRunes: 32}, Class: custos.Class{Level: custos.C1}, Required: true},
			{Name: "amount", Kind: kind.Money{}, Class: c2, Required: true},
		}},
	}}
}

// purposes are the company's processing purposes, each with its one legal
// basis (PIPL Art. 13) and the fields it needs (minimum necessary).
func purposes(s vault.Schema) []consent.Purpose {
	text := func(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }
	return []consent.Purpose{
		{ID: onboarding, Description: text("签订租赁合同", "Opening a lease"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionPut},
			Fields:  map[string][]string{"customer": s.AllFields("customer"), "lease": s.AllFields("lease")}},
		{ID: servicing, Description: text("租赁服务", "Lease servicing"), Basis: custos.BasisContract, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet, custos.ActionFind},
			Fields:  map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract", "amount"}}},
		{ID: erasure, Description: text("依法删除", "Erasure"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 47", Notice: "privacy",
			Actions: []custos.Action{custos.ActionForget, custos.ActionConsentPurge}},
		{ID: marketing, Description: text("短信营销", "Offers by SMS"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}},
			Validity: 365 * 24 * time.Hour},
	}
}

// notices is the privacy notice the customers read (PIPL Art. 17).
func notices() []consent.Notice {
	text := func(zh, en string) consent.Text { return consent.Text{ZH: zh, EN: en} }
	return []consent.Notice{{
		ID:              "privacy",
		Controller:      consent.Party{Name: "Example Leasing Co., Ltd. (synthetic)", Contact: "privacy@leasing.example"},
		Methods:         []string{"collection", "encrypted-storage", "use"},
		Retention:       text("租赁关系结束后十年（反洗钱法第三十四条）", "Ten years after the lease relationship ends (AML Art. 34)"),
		AtExpiry:        text("期满后删除", "Deleted when the period expires"),
		Rights:          text("联系隐私办公室行使查阅、复制、更正、删除等权利", "Write to the privacy office to access, copy, correct or erase"),
		Withdrawal:      text("应用内 设置 > 隐私 > 撤回同意", "In the app: Settings > Privacy > Withdraw consent"),
		Body:            text("我们如何处理您的个人信息……", "How we process your personal information..."),
		StorageLocation: "CN", Jurisdiction: "CN",
	}}
}

// masking shows customer service masked names and mobile numbers, and the
// back office masked names.
func masking() *vault.Masking {
	return &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
		"customer-service": {"customer.name": vault.Masked, "customer.mobile": vault.Masked},
		"back-office":      {"customer.name": vault.Masked},
	}}
}

// registry builds the consent registry over the database's consent store.
// It names customers by the keyring's pseudonymous references and asks the
// vault's store which customers exist (vault.Subjects): the registry is
// built before the vault, which takes the registry's Checker as its
// authorizer.
func registry(ctx context.Context, store consent.Store, s vault.Schema, rec consent.Recorder, vs vault.Store, kr *keys.Keyring) (*consent.Registry, error) {
	return consent.New(ctx, consent.Config{
		Purposes: purposes(s), Notices: notices(), Fields: s.Classes(), Store: store, Recorder: rec,
		Subjects: vault.Subjects(vs, kr), Pseudonyms: kr,
	})
}
