package vaultdir_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/vaultdir"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

// TestDeliveryOutcomes: with the real vault behind the Directory, each
// state of a customer ends the delivery as the rules say, without a
// crash: no address on file (no contact record, or no e-mail in it) is a
// dead letter "no-address"; a customer forgotten after enqueue is
// cancelled before any address is read; a customer restricted after
// enqueue (storage only, PIPL Art. 47 ¶2) and a sender whose purpose may
// not read the address are dead letters "restricted" and "denied".
func TestDeliveryOutcomes(t *testing.T) {
	ctx := context.Background()
	db := memstore.New()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
	require.NoError(t, err)
	schema := vault.Schema{Types: []vault.RecordType{
		{Name: "contact", Fields: []vault.Field{
			{Name: "email", Kind: kind.Email{}, Class: custos.Class{Level: custos.C2}},
			{Name: "language", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 35},
		}},
		{Name: "lease", Fields: []vault.Field{{Name: "contract", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}}}},
	}}
	contact := map[string][]string{"contact": {"email", "language"}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"onboarding":      {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"contact": {"email", "language"}, "lease": {"contract"}}},
		"transfer-notice": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionGet}, Fields: contact},
		"marketing":       {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionPut}, Fields: contact},
		"erasure":         {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict}},
	})
	require.NoError(t, err)
	rec := &storetest.Recorder{}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: rec})
	require.NoError(t, err)
	onboard := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "onboarding"}
	dpo := custos.Access{Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Purpose: "erasure"}
	put := func(s custos.SubjectID, typ string, vals vault.Values) {
		require.NoError(t, v.Put(ctx, onboard, s, typ, vals))
	}
	put("C0000001", "contact", vault.Values{"email": "one@mail.example", "language": "en"})
	put("C0000002", "contact", vault.Values{"language": "zh-CN"})
	put("C0000003", "lease", vault.Values{"contract": "LC-2026-000003"})
	put("C0000004", "contact", vault.Values{"email": "four@mail.example"})
	put("C0000005", "contact", vault.Values{"email": "five@mail.example"})
	put("C0000006", "contact", vault.Values{"email": "six@mail.example"})

	dir, err := vaultdir.New(vaultdir.Config{Vault: v, RecordType: "contact", Fields: map[notify.Channel]string{notify.ChannelEmail: "email"}, LanguageField: "language"})
	require.NoError(t, err)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Recorder: rec, Subjects: vault.Subjects(db.Vault(), kr)})
	require.NoError(t, err)
	sink := &notify.Sink{}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: sink}, Directory: dir, Owner: "d1"})
	require.NoError(t, err)
	ids := map[custos.SubjectID]string{}
	for s, purpose := range map[custos.SubjectID]custos.PurposeID{"C0000001": "transfer-notice", "C0000002": "transfer-notice", "C0000003": "transfer-notice",
		"C0000004": "transfer-notice", "C0000005": "transfer-notice", "C0000006": "marketing"} {
		acc := sender
		acc.Purpose = purpose
		ids[s], err = outbox.Enqueue(ctx, notify.Message{To: notify.Customer(s), Channel: notify.ChannelEmail, Template: notify.TransferNotice, Key: "t1/" + string(s), Sender: acc,
			Params: notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}})
		require.NoError(t, err)
	}
	_, err = v.Forget(ctx, dpo, "C0000004", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
	require.NoError(t, err)
	require.NoError(t, v.Restrict(ctx, dpo, "C0000005", "PIPL 47 ¶2: storage only while the AML period runs"))

	rep, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 6, Sent: 1, Dead: 4, Cancelled: 1}, rep)
	for _, tc := range []struct {
		subject custos.SubjectID
		state   notify.State
		reason  string
	}{
		{"C0000001", notify.StateSent, ""},
		{"C0000002", notify.StateDead, "no-address"},
		{"C0000003", notify.StateDead, "no-address"},
		{"C0000004", notify.StateCancelled, "forgotten"},
		{"C0000005", notify.StateDead, "restricted"},
		{"C0000006", notify.StateDead, "denied"},
	} {
		m, err := outbox.Get(ctx, ids[tc.subject])
		require.NoError(t, err)
		assert.Equal(t, tc.state, m.State, "%s", tc.subject)
		assert.Equal(t, tc.reason, m.Reason, "%s", tc.subject)
	}
	require.Len(t, sink.Sent(), 1)
	assert.Equal(t, notify.Address("one@mail.example"), sink.Sent()[0].To)
	for _, ev := range rec.Events() {
		if ev.Action == custos.ActionGet {
			assert.NotEqual(t, custos.SubjectID("C0000004"), ev.Subject, "no read of the forgotten customer")
		}
	}
}
