package retention_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// TestCertificateNamesWhenTheErasureReachesEveryCopy: with erasure epochs
// configured, the certificate a sweep keeps names who destroyed, why
// (the rules and their laws), what (the categories of data) and the
// CompleteBy deadline by which no copy of the store opens any more — the
// epoch close — exactly as vault.Forget issued it.
func TestCertificateNamesWhenTheErasureReachesEveryCopy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.epochs = &keys.EpochConfig{Source: insecuredevkek.NewSource(), Groups: 1, Period: 24 * time.Hour}
	f.build(nil)
	r := f.retention()
	f.customer("c-1", "transaction")
	require.NoError(t, r.Report(ctx, retention.Event{Subject: "c-1", Kind: retention.EventTransaction, At: t0}))

	f.now = t0.AddDate(10, 0, 1)
	_, out := sweepAt(t, r, f.now)
	require.Len(t, out, 1)
	c := out[0].Certificate
	require.NotNil(t, c)
	assert.Equal(t, "retention-sweeper", c.Actor)
	assert.Equal(t, custos.PurposeID("retention"), c.Purpose)
	assert.Equal(t, "aml-transaction", c.Policy, "the rule is the certificate's policy")
	assert.Contains(t, c.Ground, "aml-transaction (AML Art. 34)")
	require.NotEmpty(t, c.Categories)
	assert.Equal(t, "transaction", c.Categories[0].RecordType)
	assert.Equal(t, 1, c.Records)
	require.False(t, c.CompleteBy.IsZero(), "an epoch deadline is named")
	assert.True(t, c.CompleteBy.After(c.ShreddedAt), "the deadline is the epoch close, after the shred")
	assert.False(t, c.CompleteBy.After(c.ShreddedAt.Add(49*time.Hour)), "within the epoch period and its checks")

	d, err := f.db.Retention().GetDestruction(ctx, f.ref("c-1"))
	require.NoError(t, err)
	var kept vault.Certificate
	require.NoError(t, json.Unmarshal(d.Certificate, &kept))
	assert.Equal(t, *c, kept, "kept whole, CompleteBy included")
	assert.Equal(t, []string{"aml-transaction"}, d.Rules)
}
