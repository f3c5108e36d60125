package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/transfer"
)

func TestTransferVerifyRefusesGarbage(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "b.bundle")
	require.NoError(t, os.WriteFile(bundle, []byte("not a bundle"), 0o600))
	pub := filepath.Join(dir, "pub")
	rk, err := transfer.NewRecipientKeyset()
	require.NoError(t, err)
	pk, err := transfer.PublicKeyset(rk)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(pub, pk, 0o600))
	code, _, errOut := run(t, cli.Config{}, "transfer", "verify", bundle, "--transfer", "merger-2026", "--recipient-key", pub,
		"--seller-key", "k", "--audit-key", "k")
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, errOut, "not a custos transfer bundle")

	code, _, _ = run(t, cli.Config{}, "transfer", "verify", bundle)
	assert.Equal(t, cli.ExitUsage, code, "missing flags")
}

func TestTransferCommandsNeedWiring(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 1)
	code, _, errOut := run(t, d.config(), d.flags("transfer", "approve", "merger-2026", "--actor", "staff-dpo", "--role", "dpo")...)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, "no transfer wiring")
}

// withPlan stores the company-transfer plan merger-2026, approved by the
// DPO, through the transfer store.
func (d *deployment) withPlan(t *testing.T) *deployment {
	t.Helper()
	h := d.open(t, d.kek)
	rk, err := transfer.NewRecipientKeyset()
	require.NoError(t, err)
	pk, err := transfer.PublicKeyset(rk)
	require.NoError(t, err)
	p := transfer.Plan{ID: "merger-2026", Cause: transfer.CauseMerger,
		Seller:           transfer.Party{Name: "Example Leasing", Contact: "https://seller.example/privacy", Jurisdiction: "CN"},
		Recipient:        transfer.Recipient{Party: transfer.Party{Name: "Acquirer Leasing", Contact: "https://acquirer.example/privacy", Jurisdiction: "CN"}, PublicKeyset: pk},
		Scope:            transfer.Scope{RecordTypes: []string{"customer"}, Purposes: []custos.PurposeID{"lease-servicing"}},
		ImpactAssessment: "PIA-1", Effective: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, p.Validate())
	body, err := p.MarshalCanonical()
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, h.db.Transfer().CreatePlan(ctx, transfer.StoredPlan{ID: p.ID, Plan: body, Digest: p.Digest(), Proposed: time.Now(), By: "staff-dpo"}))
	require.NoError(t, h.db.Transfer().AddApproval(ctx, transfer.Approval{TransferID: p.ID, Digest: p.Digest(), Approver: custos.Actor{ID: "staff-dpo", Role: "dpo"}}))
	h.close()
	return d
}

func TestTransferPlanShow(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 1).withPlan(t)

	code, out, _ := run(t, d.config(), "transfer", "plan", "show", "merger-2026", "--db", d.db)
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "transfer merger-2026: merger under [PIPL Art. 22] to Acquirer Leasing (CN)")
	assert.Contains(t, out, "approvals: staff-dpo (dpo)")

	code, out, _ = run(t, d.config(), "transfer", "plan", "show", "merger-2026", "--db", d.db, "--json")
	require.Equal(t, cli.ExitOK, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "merger-2026", got["id"])

	code, _, _ = run(t, d.config(), "transfer", "plan", "show", "nope", "--db", d.db)
	assert.Equal(t, cli.ExitUsage, code)
}
