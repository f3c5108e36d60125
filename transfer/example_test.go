package transfer_test

import (
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos/transfer"
)

// The cause decides the article: a merger moves customers on notice alone
// (PIPL Art. 22), a portfolio sale only those who give separate consent
// (PIPL Art. 23), and a recipient abroad adds Art. 39.
func ExampleCause_Article() {
	for _, c := range []transfer.Cause{transfer.CauseMerger, transfer.CauseBankruptcy, transfer.CauseSale} {
		fmt.Println(c, "→", c.Article())
	}
	p := transfer.Plan{Cause: transfer.CauseMerger,
		Seller:    transfer.Party{Jurisdiction: "CN"},
		Recipient: transfer.Recipient{Party: transfer.Party{Jurisdiction: "SG"}}}
	fmt.Println(p.Articles(), "separate consent:", p.NeedsSeparateConsent())
	// Output:
	// merger → PIPL Art. 22
	// bankruptcy → PIPL Art. 22
	// sale → PIPL Art. 23
	// [PIPL Art. 22 PIPL Art. 39] separate consent: true
}

// A plan without its impact assessment is refused, naming the rule.
func ExamplePlan_Validate() {
	rk, _ := transfer.NewRecipientKeyset()
	pub, _ := transfer.PublicKeyset(rk)
	p := mergerPlan(pub)
	p.ImpactAssessment = ""
	fmt.Println(p.Validate())
	// Output:
	// transfer: invalid plan: no impact assessment referenced (PIPL Art. 55(3))
}

// The transfer key is sealed to the acquirer's HPKE public keyset: only its
// private keyset opens it, and only for the same transfer.
func ExampleSealTransferKey() {
	acquirer, _ := transfer.NewRecipientKeyset()
	pub, _ := transfer.PublicKeyset(acquirer)
	tk, _ := keyset.NewHandle(transfer.TransferKeyTemplate())
	sealed, _ := transfer.SealTransferKey(pub, "merger-2026", tk)

	_, err := transfer.OpenTransferKey(acquirer, "merger-2026", sealed)
	fmt.Println("acquirer opens it:", err == nil)
	other, _ := transfer.NewRecipientKeyset()
	_, err = transfer.OpenTransferKey(other, "merger-2026", sealed)
	fmt.Println("another key:", errors.Is(err, transfer.ErrKey))
	_, err = transfer.OpenTransferKey(acquirer, "merger-2027", sealed)
	fmt.Println("another transfer:", errors.Is(err, transfer.ErrKey))
	// Output:
	// acquirer opens it: true
	// another key: true
	// another transfer: true
}
