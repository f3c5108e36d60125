package vault_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// printEvents is a Recorder that prints each audit event.
type printEvents struct{}

func (printEvents) Record(_ context.Context, e custos.Event) error {
	fmt.Println(strings.TrimSpace(fmt.Sprint("audit: ", e.Action, " ", e.Access.Actor.ID, " ", e.Access.Purpose, " ", e.Fields, " ", e.Outcome, " ", e.Reason)))
	return nil
}

func Example() {
	ctx := context.Background()
	kek, err := insecuredevkek.New() // in production: a Tink KMS client's AEAD
	if err != nil {
		log.Fatal(err)
	}
	db, ledger := memstore.New(), memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	if err != nil {
		log.Fatal(err)
	}
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}, Required: true},
		{Name: "mobile", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}},
	}}}}
	allow, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract,
			Actions: []custos.Action{custos.ActionPut, custos.ActionGet},
			Fields:  map[string][]string{"customer": {"name", "mobile"}}},
		"marketing": {Basis: custos.BasisConsent,
			Actions: []custos.Action{custos.ActionGet},
			Fields:  map[string][]string{"customer": {"name"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: printEvents{}})
	if err != nil {
		log.Fatal(err)
	}

	clerk := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	if err := v.Put(ctx, clerk, "C0001", "customer", vault.Values{"name": "Synthetic Customer", "mobile": "13800000000"}); err != nil {
		log.Fatal(err)
	}
	r, err := v.Get(ctx, clerk, "C0001", "customer", "mobile")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Values["mobile"])

	marketer := custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "marketer"}, Purpose: "marketing"}
	_, err = v.Get(ctx, marketer, "C0001", "customer", "mobile")
	fmt.Println(err)
	// Output:
	// audit: vault.put staff-001 lease-servicing [mobile name] allowed
	// audit: vault.get staff-001 lease-servicing [mobile] allowed
	// 13800000000
	// audit: vault.get staff-002 marketing [mobile] denied field-not-allowed
	// vault: access denied: field-not-allowed
}
