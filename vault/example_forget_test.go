package vault_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// outbox is a component with its own records of customers: a Forget
// erases them (custos.Eraser) and the certificate lists it.
type outbox struct{ pending map[custos.SubjectID]int }

func (o *outbox) PlanErasure(_ context.Context, s custos.SubjectID) (custos.Erased, error) {
	return custos.Erased{Component: "outbox", Removed: o.pending[s]}, nil
}

func (o *outbox) EraseAsPlanned(ctx context.Context, acc custos.Access, s custos.SubjectID, _ custos.Erased) (custos.Erased, error) {
	return o.EraseSubject(ctx, acc, s)
}

func (o *outbox) EraseSubject(_ context.Context, _ custos.Access, s custos.SubjectID) (custos.Erased, error) {
	n := o.pending[s]
	delete(o.pending, s)
	return custos.Erased{Component: "outbox", Removed: n}, nil
}

// lastDetail keeps the Detail of the last vault.forget event.
type lastDetail struct{ detail string }

func (l *lastDetail) Record(_ context.Context, e custos.Event) error {
	if e.Action == custos.ActionForget {
		l.detail = e.Detail
	}
	return nil
}

func ExampleVault_Forget() {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
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
	}}}}
	allow, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"customer": {"name"}}},
		"erasure":         {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget}},
	})
	if err != nil {
		log.Fatal(err)
	}
	box := &outbox{pending: map[custos.SubjectID]int{"C0001": 2}}
	events := &lastDetail{}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: events,
		Erasers: []custos.Eraser{box}})
	if err != nil {
		log.Fatal(err)
	}
	clerk := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	dpo := custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "erasure"}
	if err := v.Put(ctx, clerk, "C0001", "customer", vault.Values{"name": "Synthetic Customer"}); err != nil {
		log.Fatal(err)
	}

	cert, err := v.Forget(ctx, dpo, "C0001", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
	if err != nil {
		log.Fatal(err)
	}
	var recorded vault.Certificate
	if err := json.Unmarshal([]byte(events.detail), &recorded); err != nil {
		log.Fatal(err)
	}
	fmt.Println("certificate recorded before the erasure:", recorded.ID == cert.ID)
	fmt.Println("records:", cert.Records, "erased by", cert.Erased[0].Component+":", cert.Erased[0].Removed)
	fmt.Println(v.Put(ctx, clerk, "C0001", "customer", vault.Values{"name": "Synthetic Customer"}))
	st, _ := v.SubjectState(ctx, "C0001")
	fmt.Println(st)
	_, err = v.Forget(ctx, dpo, "C0001", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
	fmt.Println(err)
	// Output:
	// certificate recorded before the erasure: true
	// records: 1 erased by outbox: 2
	// vault: customer was forgotten
	// forgotten
	// vault: customer was forgotten
}
