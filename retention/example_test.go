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

// A customer asks to be erased while the AML period of their identity
// records still runs: they are restricted to storage only, and destroyed by
// the first sweep after the period ends (PIPL Art. 47 ¶2).
func ExampleRetention_Erase() {
	ctx := context.Background()
	f := newFixture(panicking{})
	r := f.retention()
	f.customer("c-1", "identity")
	o, _ := r.Erase(ctx, "c-1", "req-0001")
	fmt.Println(o.Kind, o.Why)

	at := t0.AddDate(10, 0, 1)
	f.now = at
	r.Sweep(ctx, retention.SweepOptions{At: at, Outcome: func(o retention.Outcome) error {
		fmt.Println(at.Format(time.DateOnly), o.Kind, o.Certificate != nil)
		return nil
	}})
	// Output:
	// restricted erasure requested; kept in storage only (PIPL Art. 47 ¶2): aml-identity (AML Art. 34) until 2036-03-01
	// 2036-03-02 destroyed true
}

// Identity records are reviewed for accuracy every year (PIPL Art. 8): the
// list of reviews due is what the host turns into requests to customers.
func ExampleRetention_ReviewsDue() {
	ctx := context.Background()
	f := newFixture(panicking{})
	f.policy = reviewPolicy()
	r := f.retention()
	f.customer("c-1", "identity")
	f.customer("c-2", "identity")
	r.Reviewed(ctx, "c-1", "identity", t0)
	r.Reviewed(ctx, "c-2", "identity", t0.Add(time.Minute))

	f.now = t0.AddDate(1, 0, 0)
	r.Reviewed(ctx, "c-2", "identity", f.now) // reviewed again
	for rv, err := range r.ReviewsDue(ctx, f.now.Add(time.Hour), 0) {
		if err != nil {
			panic(err)
		}
		fmt.Println(string(rv.Subject), rv.RecordType, rv.Due.Format(time.DateOnly))
	}
	// Output:
	// c-1 identity 2027-03-01
}
