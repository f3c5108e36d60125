package retention_test

import (
	"fmt"

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
