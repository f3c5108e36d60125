package transfer_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/transfer"
)

var t0 = time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// Accesses of the tests: two approvers, a clerk who may not approve.
var (
	dpo     = custos.Access{Actor: custos.Actor{ID: "staff-dpo", Role: "dpo"}, Purpose: "company-transfer"}
	counsel = custos.Access{Actor: custos.Actor{ID: "staff-counsel", Role: "general-counsel"}, Purpose: "company-transfer"}
	clerk   = custos.Access{Actor: custos.Actor{ID: "staff-clerk", Role: "clerk"}, Purpose: "company-transfer"}
)

var rule = transfer.ApprovalRule{Roles: []custos.Role{"dpo", "general-counsel"}, Required: 2}

// keyringOn builds a keyring over a fresh in-memory store with its own KEK.
func keyringOn(t testing.TB, db *memstore.Store) *keys.Keyring {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(context.Background(), keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger(), Clock: clock})
	require.NoError(t, err)
	return kr
}

// recipient is an acquirer's HPKE keyset and its published public half.
type recipient struct {
	private *keyset.Handle
	public  []byte
}

func newRecipient(t testing.TB) recipient {
	t.Helper()
	h, err := transfer.NewRecipientKeyset()
	require.NoError(t, err)
	pub, err := transfer.PublicKeyset(h)
	require.NoError(t, err)
	return recipient{h, pub}
}

// mergerPlan is a valid Art. 22 plan at home.
func mergerPlan(pub []byte) transfer.Plan {
	return transfer.Plan{
		ID:     "merger-2026",
		Cause:  transfer.CauseMerger,
		Seller: transfer.Party{Name: "Example Leasing Co., Ltd.", Contact: "https://seller.example/privacy", Jurisdiction: "CN"},
		Recipient: transfer.Recipient{
			Party:        transfer.Party{Name: "Acquirer Leasing Co., Ltd.", Contact: "https://acquirer.example/privacy", Jurisdiction: "CN"},
			PublicKeyset: pub,
		},
		Scope:            transfer.Scope{RecordTypes: []string{"customer", "lease"}, Purposes: []custos.PurposeID{"lease-servicing"}},
		ImpactAssessment: "PIA-2026-017",
		Effective:        t0.Add(60 * 24 * time.Hour),
	}
}

// salePlan is a valid Art. 23 plan: a portfolio sale.
func salePlan(pub []byte) transfer.Plan {
	p := mergerPlan(pub)
	p.ID, p.Cause = "sale-2026", transfer.CauseSale
	p.ConsentPurpose, p.ConsentDeadline = "provision-to-acquirer", t0.Add(30*24*time.Hour)
	p.Terms = &transfer.Terms{Purpose: "Servicing your lease", Method: "Encrypted records", Categories: "Name, mobile, lease contract"}
	return p
}
