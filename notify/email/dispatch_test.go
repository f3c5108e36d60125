package email_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email/emailtest"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

type held struct{}

func (held) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectActive, nil
}

// TestDispatchThroughSMTP: the dispatcher delivers through the adapter to
// a real SMTP server; a 4xx reply is retried after the backoff and then
// delivered with the same Message-ID, a 5xx reply makes a dead letter at
// once with its code, and the delivery records say so.
func TestDispatchThroughSMTP(t *testing.T) {
	ctx := context.Background()
	srv := start(t, emailtest.StartTLS)
	var greylisted atomic.Int32
	srv.Refuse = func(rcpt string) *emailtest.Reply {
		switch {
		case strings.HasPrefix(rcpt, "bounce"):
			return &emailtest.Reply{Code: 550, Message: "no such mailbox"}
		case strings.HasPrefix(rcpt, "grey") && greylisted.Add(1) == 1:
			return &emailtest.Reply{Code: 451, Message: "greylisted, try later"}
		}
		return nil
	}
	n := notifier(t, srv, nil)
	clock := storetest.NewClock(time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC))
	rec := &storetest.Recorder{}
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: memstore.New().Notify(), Recorder: rec, Subjects: held{}, Clock: clock.Now})
	require.NoError(t, err)
	addr := map[custos.SubjectID]notify.Contact{
		"C0000001": {Address: "ok@mail.example", Language: "zh-CN"},
		"C0000002": {Address: "grey@mail.example", Language: "en"},
		"C0000003": {Address: "bounce@mail.example", Language: "en"},
	}
	dir := notify.DirectoryFunc(func(_ context.Context, _ custos.Access, s custos.SubjectID, _ notify.Channel) (notify.Contact, error) {
		return addr[s], nil
	})
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{
		Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: n}, Directory: dir, Owner: "d1",
		Lease: time.Minute, SendTimeout: 10 * time.Second, MaxAttempts: 3, Backoff: notify.Backoff{Base: 10 * time.Second, Max: time.Minute},
		Jitter: func() float64 { return 0 }, Clock: clock.Now,
	})
	require.NoError(t, err)
	sender := custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice", RequestID: "T-1"}
	ids := map[custos.SubjectID]string{}
	for s := range addr {
		ids[s], err = outbox.Enqueue(ctx, notify.Message{To: notify.Customer(s), Channel: notify.ChannelEmail, Template: notify.TransferNotice,
			Key: "t1/" + string(s), Sender: sender, Params: notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}})
		require.NoError(t, err)
	}

	rep, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 3, Sent: 1, Retried: 1, Dead: 1}, rep)
	dead, err := outbox.Get(ctx, ids["C0000003"])
	require.NoError(t, err)
	assert.Equal(t, notify.StateDead, dead.State)
	assert.Equal(t, "smtp-550", dead.Reason)
	grey, err := outbox.Get(ctx, ids["C0000002"])
	require.NoError(t, err)
	assert.Equal(t, notify.StatePending, grey.State)
	assert.Equal(t, clock.Now().Add(5*time.Second), grey.NextAt, "half of Base with jitter 0")

	clock.Advance(5 * time.Second)
	rep, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 1, Sent: 1}, rep)

	as, err := outbox.Attempts(ctx, ids["C0000002"])
	require.NoError(t, err)
	require.Len(t, as, 2)
	assert.Equal(t, notify.ResultTemporary, as[0].Result)
	assert.Equal(t, "smtp-451", as[0].Reason)
	assert.Equal(t, notify.ResultSent, as[1].Result)
	assert.Equal(t, n.MessageID("t1/C0000002"), as[1].ProviderID, "the delivery record keeps the Message-ID")

	got := srv.Received()
	require.Len(t, got, 2, "the bounce and the greylisted first try were not accepted")
	for _, r := range got {
		m, _, _ := parse(t, r.Data)
		key := m.Header.Get("X-Custos-Idempotency-Key")
		assert.Equal(t, "<"+n.MessageID(key)+">", m.Header.Get("Message-Id"))
	}
	dl, err := outbox.Dead(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, dl, 1)
	assert.Equal(t, "smtp-550", dl[0].Reason)
	for _, ev := range rec.Events() {
		assert.NotContains(t, ev.Detail, "@mail.example", "no address in the audit events")
	}
}
