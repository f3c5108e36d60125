package retention_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// TestConsentWithdrawalThroughTheRegistry withdraws a marketing consent
// through a real consent.Registry whose Recorder is a ConsentRecorder: the
// host calls Withdraw once, and the marketing clock starts by itself
// (PIPL Art. 47(1)(3)).
func TestConsentWithdrawalThroughTheRegistry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer("c-1", "marketing")
	cr, err := retention.NewConsentRecorder(leasingPolicy(), f.db.Retention(), f.events)
	require.NoError(t, err)
	s := fullSchema()
	text := func(s string) consent.Text { return consent.Text{ZH: s, EN: s} }
	reg, err := consent.New(ctx, consent.Config{
		Purposes: []consent.Purpose{{ID: "marketing", Description: text("marketing"), Basis: custos.BasisConsent, Notice: "privacy",
			Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"marketing": {"segment"}}}},
		Notices: []consent.Notice{{ID: "privacy", Controller: consent.Party{Name: "Example Leasing (synthetic)", Contact: "privacy@leasing.example"},
			Methods: []string{"use"}, Retention: text("one day after withdrawal"), AtExpiry: text("deleted"), Rights: text("write to us"),
			Withdrawal: text("in the app"), Body: text("how we process"), StorageLocation: "CN", Jurisdiction: "CN"}},
		Fields: s.Classes(), Store: f.db.Consent(), Recorder: cr,
		Subjects: vault.Subjects(f.db.Vault(), f.keys), Pseudonyms: f.keys, Clock: f.clock,
	})
	require.NoError(t, err)
	n, ok := reg.NoticeFor("marketing")
	require.True(t, ok)
	act := consent.Act{Subject: "c-1", Purposes: []custos.PurposeID{"marketing"}, Actor: custos.Actor{ID: "app", Role: "channel"},
		Channel: "app", Signal: consent.SignalClick, Notice: n.Version, Language: consent.LangZH, Evidence: "form-0001"}
	require.NoError(t, reg.Grant(ctx, act))
	clocks, err := f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	assert.Empty(t, clocks, "a grant starts nothing")

	require.NoError(t, reg.Withdraw(ctx, consent.Act{Subject: "c-1", Purposes: []custos.PurposeID{"marketing"},
		Actor: custos.Actor{ID: "app", Role: "channel"}, Channel: "app", Signal: consent.SignalClick}))
	clocks, err = f.db.Retention().Clocks(ctx, "c-1")
	require.NoError(t, err)
	require.Len(t, clocks, 1, "the withdrawal reached retention without a second call")
	assert.Equal(t, "marketing-consent", clocks[0].Rule)

	_, out := sweepAt(t, f.retention(), t0.AddDate(0, 0, 2))
	require.Len(t, out, 1)
	assert.Equal(t, retention.Destroyed, out[0].Kind)
}
