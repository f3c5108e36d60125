package custos_test

import (
	"errors"
	"fmt"

	"github.com/custos-go/custos"
)

// Every operation carries who and why; there is no default for either.
func ExampleAccess() {
	acc := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "customer-service"}, Purpose: "lease-servicing"}
	fmt.Println(acc.Validate())

	anonymous := custos.Access{Purpose: "lease-servicing"}
	fmt.Println(errors.Is(anonymous.Validate(), custos.ErrNoActor))
	// Output:
	// <nil>
	// true
}

// Each purpose rests on one legal basis of PIPL Art. 13, with its GDPR
// Art. 6(1) counterpart.
func ExampleLegalBasis() {
	for _, b := range []custos.LegalBasis{custos.BasisConsent, custos.BasisContract, custos.BasisLegalDuty} {
		fmt.Println(b, b.PIPL(), b.GDPR())
	}
	// Output:
	// consent PIPL 13(1) GDPR 6(1)(a)
	// contract PIPL 13(2) GDPR 6(1)(b)
	// legal-duty PIPL 13(3) GDPR 6(1)(c)
}
