package retention_test

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// A leasing company keeps identity records 10 years after the lease
// relationship ends (AML Art. 34). A policy whose maximum falls below that
// minimum is refused, naming both rules.
func ExamplePolicy_Validate() {
	schema := vault.Schema{Types: []vault.RecordType{{Name: "identity"}}}
	aml := retention.Rule{
		Name: "aml-identity", RecordType: "identity",
		Start: retention.Start{Event: retention.EventRelationshipEnded},
		Min:   retention.Years(10), Max: retention.Years(10),
		Expiry: retention.Destroy, Law: "AML Art. 34",
	}
	fmt.Println(retention.Policy{Rules: []retention.Rule{aml}}.Validate(schema))

	servicing := retention.Rule{
		Name: "servicing", RecordType: "identity",
		Start: retention.Start{Event: retention.EventContractEnded},
		Max:   retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19",
	}
	fmt.Println(retention.Policy{Rules: []retention.Rule{aml, servicing}}.Validate(schema))
	// Output:
	// <nil>
	// retention: invalid policy: rule "servicing" keeps record type "identity" at most 3y, below the statutory minimum 10y of rule "aml-identity"
}

// A lease ends and the 10-year AML clock starts; the marketing consent is
// withdrawn; ten years and a day later the sweep destroys the customer and
// keeps the certificate.
func ExampleRetention_Sweep() {
	ctx := context.Background()
	f := newFixture(panicking{})
	r := f.retention()
	f.customer("c-1", "transaction", "marketing")
	r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0})
	r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventConsentWithdrawn, Purpose: "marketing", At: t0})

	for _, at := range []time.Time{t0.AddDate(0, 0, 2), t0.AddDate(10, 0, 1)} {
		r.Sweep(ctx, retention.SweepOptions{At: at, Outcome: func(o retention.Outcome) error {
			fmt.Println(at.Format(time.DateOnly), o.Kind, o.Rules, o.Certificate != nil)
			return nil
		}})
	}
	// Output:
	// 2026-03-03 waiting [marketing-consent] false
	// 2036-03-02 destroyed [aml-transaction marketing-consent] true
}
