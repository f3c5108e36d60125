package vault_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// Loading existing customers in batches: each batch is stored whole or not
// at all, with one audit event per customer written before it commits. A
// bad item is named by its position.
func ExampleVault_PutBatch() {
	ctx := context.Background()
	kek, err := insecuredevkek.New() // in production: a Tink KMS client's AEAD
	if err != nil {
		log.Fatal(err)
	}
	db := memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	if err != nil {
		log.Fatal(err)
	}
	trail, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "example.com/custos"})
	if err != nil {
		log.Fatal(err)
	}
	defer trail.Close()
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: custos.Class{Level: custos.C2}, Required: true},
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}},
	}}}}
	allow, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"onboarding": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut},
			Fields: map[string][]string{"customer": {"name", "mobile"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// audit.Log is a custos.BatchRecorder: a batch's events are one write.
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: trail})
	if err != nil {
		log.Fatal(err)
	}

	loader := custos.Access{Actor: custos.Actor{ID: "migration-job", Role: "operator"}, Purpose: "onboarding"}
	batch := []vault.Item{
		{Subject: "C0001", Values: vault.Values{"name": "Synthetic Customer A", "mobile": "13800000001"}},
		{Subject: "C0002", Values: vault.Values{"name": "Synthetic Customer B", "mobile": "13800000002"}},
		{Subject: "C0003", Values: vault.Values{"name": "Synthetic Customer C", "mobile": "not a number"}},
	}
	err = v.PutBatch(ctx, loader, "customer", batch)
	if ie, ok := errors.AsType[*custos.ItemError](err); ok {
		fmt.Println("refused:", err, "- item", ie.Index, "is invalid:", errors.Is(err, kind.ErrInvalid))
	}
	batch[2].Values["mobile"] = "13800000003"
	if err := v.PutBatch(ctx, loader, "customer", batch); err != nil {
		log.Fatal(err)
	}
	cp, err := trail.Checkpoint(ctx)
	if err != nil {
		log.Fatal(err)
	}
	cpt, err := audit.OpenCheckpoint(cp, trail.Verifier())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("audit entries:", cpt.Size)
	// Output:
	// refused: batch item 2: vault: field customer.mobile: kind: invalid value: cn-mobile: non-digit - item 2 is invalid: true
	// audit entries: 3
}
