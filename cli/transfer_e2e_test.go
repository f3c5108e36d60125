package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/transfer"
)

// The company-transfer commands end to end, between two SQLite
// deployments that share nothing: plan, approve, export on the seller;
// verify anywhere; import on the acquirer; finish on the seller. Each
// refusal of bad input exits 2 and each failed check 1, changing nothing.
func TestTransferCommandsEndToEnd(t *testing.T) {
	ctx := context.Background()
	from := newDeployment(t).withCustomers(t, 3)
	to := newDeployment(t).withCustomers(t, 0)
	sell, buy := newTransferHost(t, "seller", false), newTransferHost(t, "acquirer", true)
	sc, bc := sell.config(from), buy.config(to)
	dir := t.TempDir()
	plan := mergerPlan(t, buy)

	// An invalid plan is refused and nothing is stored.
	bad := plan
	bad.ImpactAssessment = ""
	code, _, errOut := run(t, sc, from.flags("transfer", "plan", planFile(t, dir, "bad.json", bad), "--actor", "staff-dpo", "--role", "dpo")...)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, "impact assessment")
	code, _, _ = run(t, sc, "transfer", "plan", "show", plan.ID, "--db", from.db)
	assert.Equal(t, cli.ExitUsage, code, "no plan stored")

	code, out, errOut := run(t, sc, from.flags("transfer", "plan", planFile(t, dir, "plan.json", plan), "--actor", "staff-dpo", "--role", "dpo")...)
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, "plan merger-2026 proposed under [PIPL Art. 22]")

	// Not approved yet: export is refused and writes no file.
	bundle := filepath.Join(dir, "merger.bundle")
	code, _, errOut = run(t, sc, from.flags("transfer", "export", plan.ID, "-o", bundle)...)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, "0 of 2 approvals")
	assert.NoFileExists(t, bundle)

	approve := func(actor, role string) (int, string, string) {
		return run(t, sc, from.flags("transfer", "approve", plan.ID, "--actor", actor, "--role", role)...)
	}
	code, out, _ = approve("staff-dpo", "dpo")
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "plan approved: false")
	code, _, errOut = approve("staff-dpo", "dpo")
	assert.Equal(t, cli.ExitUsage, code, "the same person twice")
	assert.Contains(t, errOut, "approve")
	code, _, _ = approve("staff-clerk", "clerk")
	assert.Equal(t, cli.ExitUsage, code, "a role that may not approve")
	code, out, _ = approve("staff-counsel", "general-counsel")
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "plan approved: true")

	// The host's service queues the Art. 22 notices (the SDK, not the CLI).
	w, done := sell.session(t, from)
	nr, err := w.Seller.Notify(ctx, custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "operator"}, Purpose: moving}, plan.ID, notify.ChannelEmail)
	require.NoError(t, err)
	assert.Equal(t, int64(3), nr.Enqueued)
	done()

	code, out, errOut = run(t, sc, from.flags("transfer", "export", plan.ID, "-o", bundle, "--json")...)
	require.Equal(t, cli.ExitOK, code, errOut)
	var exported map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &exported))
	assert.EqualValues(t, 3, exported["moved"])
	code, _, errOut = run(t, sc, from.flags("transfer", "export", plan.ID, "-o", bundle)...)
	assert.Equal(t, cli.ExitUsage, code, "an existing file is never overwritten")
	assert.Contains(t, errOut, "exists")

	pub := filepath.Join(dir, "acquirer.pub")
	require.NoError(t, os.WriteFile(pub, buy.public(t), 0o600))
	verify := func(b string) (int, string, string) {
		return run(t, cli.Config{}, "transfer", "verify", b, "--transfer", plan.ID, "--recipient-key", pub,
			"--seller-key", sell.verifier, "--audit-key", from.verifier)
	}
	code, out, errOut = verify(bundle)
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, "bundle verified: transfer merger-2026 under [PIPL Art. 22], 3 customers")

	// A tampered bundle: refused by verify and by import, nothing imported.
	raw, err := os.ReadFile(bundle)
	require.NoError(t, err)
	tampered := append([]byte(nil), raw...)
	tampered[len(tampered)/2] ^= 1
	tamperedFile := filepath.Join(dir, "tampered.bundle")
	require.NoError(t, os.WriteFile(tamperedFile, tampered, 0o600))
	code, _, _ = verify(tamperedFile)
	assert.Equal(t, cli.ExitFailed, code)
	buy.agreement = &transfer.Agreement{Transfer: plan.ID, SellerVerifier: sell.verifier, SellerAudit: from.verifier,
		Purposes: map[custos.PurposeID]custos.PurposeID{servicing: servicing}}
	receipt := filepath.Join(dir, "receipt")
	code, _, errOut = run(t, bc, to.flags("transfer", "import", tamperedFile, "--transfer", plan.ID, "-r", receipt)...)
	assert.Equal(t, cli.ExitFailed, code, errOut)
	assert.NoFileExists(t, receipt)
	assertNoCustomers(t, buy, to)

	// Bad input to import: no receipt file named; an unknown transfer.
	code, _, _ = run(t, bc, to.flags("transfer", "import", bundle, "--transfer", plan.ID)...)
	assert.Equal(t, cli.ExitUsage, code)
	code, _, _ = run(t, bc, to.flags("transfer", "import", bundle, "--transfer", "other-2026", "-r", receipt)...)
	assert.Equal(t, cli.ExitUsage, code)

	code, out, errOut = run(t, bc, to.flags("transfer", "import", bundle, "--transfer", plan.ID, "-r", receipt)...)
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, "imported 3 customers")
	require.FileExists(t, receipt)
	code, _, errOut = run(t, bc, to.flags("transfer", "import", bundle, "--transfer", plan.ID, "-r", filepath.Join(dir, "again"))...)
	assert.Equal(t, cli.ExitFailed, code, "a replayed bundle is refused")
	assert.Contains(t, errOut, "replayed")

	// Finish with a receipt that is not the acquirer's: refused, nothing
	// destroyed.
	forged := filepath.Join(dir, "forged")
	require.NoError(t, os.WriteFile(forged, []byte("not a receipt\n"), 0o600))
	code, _, _ = run(t, sc, from.flags("transfer", "finish", plan.ID, "--bundle", bundle, "--receipt", forged)...)
	assert.Equal(t, cli.ExitFailed, code)
	assertCustomers(t, from, custos.SubjectActive)
	code, _, _ = run(t, sc, from.flags("transfer", "finish", plan.ID, "--bundle", bundle)...)
	assert.Equal(t, cli.ExitUsage, code, "no receipt named")

	// The plan's processor has not confirmed (PIPL Art. 21): refused.
	code, _, errOut = run(t, sc, from.flags("transfer", "finish", plan.ID, "--bundle", bundle, "--receipt", receipt)...)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, "processor 0 has not confirmed")
	code, _, _ = run(t, sc, from.flags("transfer", "finish", plan.ID, "--bundle", bundle, "--receipt", receipt, "--processors", forged)...)
	assert.Equal(t, cli.ExitUsage, code, "not a list of confirmations")
	assertCustomers(t, from, custos.SubjectActive)
	confirmed := filepath.Join(dir, "processors.json")
	require.NoError(t, os.WriteFile(confirmed, []byte(`[{"processor":"Example SMS Gateway Ltd.","disposition":"deleted","evidence":"SMS-DEL-0001","at":"2026-12-01T00:00:00Z"}]`), 0o600))

	code, out, errOut = run(t, sc, from.flags("transfer", "finish", plan.ID, "--bundle", bundle, "--receipt", receipt, "--processors", confirmed)...)
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Equal(t, "moved 3, destroyed 3, kept restricted 0\nprocessor Example SMS Gateway Ltd.: deleted (SMS-DEL-0001)\n", out)
	assertCustomers(t, from, custos.SubjectForgotten)
	assertCustomers(t, to, custos.SubjectActive)
}

func planFile(t *testing.T, dir, name string, p transfer.Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// assertCustomers checks the state of the deployment's three customers.
func assertCustomers(t *testing.T, d *deployment, want custos.SubjectState) {
	t.Helper()
	h := d.open(t, d.kek)
	defer h.close()
	for i := 1; i <= 3; i++ {
		st, err := h.vault.SubjectState(context.Background(), customer(i))
		require.NoError(t, err)
		assert.Equal(t, want, st, "customer %d", i)
	}
}

// assertNoCustomers checks that the acquirer holds none of the customers
// and no import began.
func assertNoCustomers(t *testing.T, buy *transferHost, d *deployment) {
	t.Helper()
	assertCustomers(t, d, custos.SubjectUnknown)
	h := d.open(t, d.kek)
	defer h.close()
	_, err := h.db.Transfer().GetImport(context.Background(), "merger-2026")
	require.ErrorIs(t, err, transfer.ErrNotFound)
	n, err := h.db.Keys().CountDEKs(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
}
