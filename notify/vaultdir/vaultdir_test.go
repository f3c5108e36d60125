package vaultdir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/vaultdir"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

var sender = custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice", RequestID: "T-1"}

// tee records every event in both recorders.
type tee [2]custos.Recorder

func (t tee) Record(ctx context.Context, e custos.Event) error {
	if err := t[0].Record(ctx, e); err != nil {
		return err
	}
	return t[1].Record(ctx, e)
}

// TestNoAddressAtRest: after delivery, the address read from the vault at
// send time is nowhere in the database files (outbox tables and audit log
// included) or in the audit events; the read itself is an audited vault.get under the
// sender's legal-duty purpose.
func TestNoAddressAtRest(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "custos.db")
	db, err := sqlstore.OpenSQLite(ctx, path, nil)
	require.NoError(t, err)
	ledger, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "ledger.db"), nil)
	require.NoError(t, err)
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	require.NoError(t, err)
	schema := vault.Schema{Types: []vault.RecordType{{Name: "contact", Fields: []vault.Field{
		{Name: "email", Kind: kind.Email{}, Class: custos.Class{Level: custos.C2}},
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}},
		{Name: "language", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 35},
	}}}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		"onboarding":      {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"contact": {"email", "language", "mobile"}}},
		"transfer-notice": {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"contact": {"email", "language"}}},
	})
	require.NoError(t, err)
	// Events go to the audit log in the same SQLite file, which the scan
	// below reads, and to a recorder the test inspects.
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.example.com/notify-test"})
	require.NoError(t, err)
	rec := &storetest.Recorder{}
	both := tee{log, rec}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: both})
	require.NoError(t, err)
	const address, mobile = "wang.fang.synthetic@mail.example", "13912345678"
	onboard := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "onboarding"}
	require.NoError(t, v.Put(ctx, onboard, "C0000001", "contact", vault.Values{"email": address, "mobile": mobile, "language": "zh-CN"}))

	dir, err := vaultdir.New(vaultdir.Config{Vault: v, RecordType: "contact", Fields: map[notify.Channel]string{notify.ChannelEmail: "email"}, LanguageField: "language"})
	require.NoError(t, err)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Recorder: both, Subjects: vault.Subjects(db.Vault(), kr)})
	require.NoError(t, err)
	sink := &notify.Sink{}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: sink}, Directory: dir, Owner: "d1"})
	require.NoError(t, err)
	_, err = outbox.Enqueue(ctx, notify.Message{To: notify.Customer("C0000001"), Channel: notify.ChannelEmail, Template: notify.TransferNotice, Key: "t1/C0000001", Sender: sender,
		Params: notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}})
	require.NoError(t, err)
	r, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
	sent := sink.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, notify.Address(address), sent[0].To, "the address came from the vault")
	assert.Equal(t, "zh-Hans", sent[0].Language.String())

	var reads int
	for _, ev := range rec.Events() {
		if ev.Action == custos.ActionGet {
			reads++
			assert.Equal(t, sender, ev.Access, "read under the sender's access")
			assert.Equal(t, custos.BasisLegalDuty, ev.Basis)
			assert.Equal(t, []string{"email", "language"}, ev.Fields)
		}
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		assert.NotContains(t, string(b), address)
		assert.NotContains(t, ev.Detail, address)
	}
	assert.Equal(t, 1, reads, "one audited read per send")

	require.NoError(t, log.Close())
	head, err := db.Audit().Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(len(rec.Events())), head.Size, "every event is in the audit log the scan reads")
	require.NoError(t, db.Close())
	require.NoError(t, ledger.Close())
	files, _ := filepath.Glob(path + "*")
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.False(t, bytes.Contains(b, []byte(address)), "%s holds the address", filepath.Base(f))
		assert.False(t, bytes.Contains(b, []byte("wang.fang")), "%s holds part of the address", filepath.Base(f))
	}
	if _, err := os.Stat("/work/shared/tools/scan-plaintext"); err == nil {
		out, err := exec.Command("/work/shared/tools/scan-plaintext", files...).CombinedOutput()
		assert.NoError(t, err, "scan-plaintext: %s", out)
	}
}
