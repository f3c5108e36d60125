package vault_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

type quietEvents struct{}

func (quietEvents) Record(context.Context, custos.Event) error { return nil }

// A Forget's certificate names when the erasure reaches every copy of the
// store; ErasureComplete says when it has.
func ExampleVault_ErasureComplete() {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	kek, err := insecuredevkek.New()
	if err != nil {
		log.Fatal(err)
	}
	db, ledger := memstore.New(), memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger(), Clock: clock,
		Epochs: &keys.EpochConfig{Source: insecuredevkek.NewSource(), Groups: 1}}) // a KMS in production
	if err != nil {
		log.Fatal(err)
	}
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}, Required: true},
	}}}}
	allow, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"customer": {"name"}}},
		"erasure":         {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget}},
	})
	if err != nil {
		log.Fatal(err)
	}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: quietEvents{}, Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	clerk := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	dpo := custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
	for _, s := range []custos.SubjectID{"C0001", "C0002"} {
		if err := v.Put(ctx, clerk, s, "customer", vault.Values{"name": "Synthetic Customer"}); err != nil {
			log.Fatal(err)
		}
	}
	cert, err := v.Forget(ctx, dpo, "C0001", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
	if err != nil {
		log.Fatal(err)
	}
	done, _ := v.ErasureComplete(ctx, cert)
	fmt.Println("complete by", cert.CompleteBy.Format(time.RFC3339), "- complete now:", done)

	now = now.Add(24 * time.Hour) // RunEpochs would do this on its ticker
	if _, err := kr.CloseDueEpochs(ctx); err != nil {
		log.Fatal(err)
	}
	done, _ = v.ErasureComplete(ctx, cert)
	fmt.Println("after the epoch close:", done)
	// Output:
	// complete by 2026-03-02T10:00:00Z - complete now: false
	// after the epoch close: true
}
