package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

var notifySender = custos.Access{Actor: custos.Actor{ID: "svc-incident", Role: "workflow"}, Purpose: "breach-notice", RequestID: "INC-1"}

// withNotices enqueues a breach notice to customers 1 to 3 through the SDK
// and runs one dispatch: customer 1's is sent, customer 2's bounces
// permanently (a dead letter), customer 3's fails for now (pending). It
// returns the message ids by customer.
func (d *deployment) withNotices(t *testing.T) map[custos.SubjectID]string {
	t.Helper()
	ctx := context.Background()
	h := d.open(t, d.kek)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: h.db.Notify(), Recorder: h.log, Subjects: vault.Subjects(h.db.Vault(), h.keys), Clock: d.clock.Now})
	require.NoError(t, err)
	sink := &notify.Sink{Fail: func(dl notify.Delivery) error {
		switch dl.Key {
		case "INC-1/" + string(customer(2)):
			return notify.Permanent("smtp-550", nil)
		case "INC-1/" + string(customer(3)):
			return notify.Temporary("smtp-451", nil)
		}
		return nil
	}}
	dir := notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
		return notify.Contact{Address: "synthetic@mail.example", Language: "en"}, nil
	})
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: sink},
		Directory: dir, Owner: "d1", Jitter: func() float64 { return 0 }})
	require.NoError(t, err)
	ids := map[custos.SubjectID]string{}
	for i := 1; i <= 3; i++ {
		ids[customer(i)], err = outbox.Enqueue(ctx, notify.Message{To: notify.Customer(customer(i)), Channel: notify.ChannelEmail, Template: notify.BreachNotice,
			Key: "INC-1/" + string(customer(i)), Sender: notifySender, Params: notify.Params{"categories": "contact details", "cause": "a misconfigured server",
				"harm": "phishing", "measures": "the server was closed", "remedies": "be wary of calls", "contact": "https://lessor.example/incident", "discovered": "2026-03-01"}})
		require.NoError(t, err)
	}
	rep, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, notify.Report{Claimed: 3, Sent: 1, Retried: 1, Dead: 1}, rep)
	h.close()
	return ids
}

func TestNotifyCommands(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	ids := d.withNotices(t)
	cfg := d.config()
	dead := ids[customer(2)]

	code, out, errs := run(t, cfg, "notify", "status", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "pending    1\n")
	assert.Contains(t, out, "sent       1\n")
	assert.Contains(t, out, "dead       1\n")
	assert.Contains(t, out, "oldest not yet delivered: 2026-03-02T")

	code, out, errs = run(t, cfg, "notify", "status", "--json", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	var st struct {
		Counts        map[string]int `json:"counts"`
		OldestPending *time.Time     `json:"oldest_pending"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	assert.Equal(t, map[string]int{"pending": 1, "claimed": 0, "sent": 1, "dead": 1, "cancelled": 0}, st.Counts)
	require.NotNil(t, st.OldestPending)

	code, out, errs = run(t, cfg, "notify", "dead", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Equal(t, dead+"  breach-notice  email  "+string(customer(2))+"  attempts 1  smtp-550\n", out)
	assert.Contains(t, errs, "1 dead letters")

	code, out, errs = run(t, cfg, "notify", "dead", "--json", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	var dl struct {
		Dead []struct {
			ID, Reason, State string
		} `json:"dead"`
		Count int `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &dl))
	assert.Equal(t, 1, dl.Count)
	require.Len(t, dl.Dead, 1)
	assert.Equal(t, dead, dl.Dead[0].ID)
	assert.Equal(t, "smtp-550", dl.Dead[0].Reason)

	code, out, errs = run(t, cfg, "notify", "show", ids[customer(1)], "--json", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	var shown struct {
		Message  struct{ State string } `json:"message"`
		Attempts []struct {
			N                                int
			Result, Owner, Language, Channel string
			ProviderID                       string `json:"provider_id"`
			Finished                         *time.Time
		} `json:"attempts"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	assert.Equal(t, "sent", shown.Message.State)
	require.Len(t, shown.Attempts, 1)
	a := shown.Attempts[0]
	assert.Equal(t, 1, a.N)
	assert.Equal(t, "sent", a.Result)
	assert.Equal(t, "d1", a.Owner)
	assert.Equal(t, "en", a.Language)
	assert.Equal(t, "email", a.Channel)
	assert.Equal(t, "sink-"+ids[customer(1)], a.ProviderID)
	assert.NotNil(t, a.Finished)
	assert.NotContains(t, out, "@mail.example", "the outbox holds no address to show")

	// Retry: recorded in the audit log, then the dead letter is pending.
	h := d.open(t, d.kek)
	before, err := h.db.Audit().Head(context.Background())
	require.NoError(t, err)
	h.close()
	code, out, errs = run(t, cfg, d.flags("notify", "retry", dead)...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Equal(t, "message "+dead+" is pending again\n", out)
	h = d.open(t, d.kek)
	m, err := h.db.Notify().Get(context.Background(), dead)
	require.NoError(t, err)
	assert.Equal(t, notify.StatePending, m.State)
	assert.Equal(t, 1, m.Base, "a fresh budget of attempts")
	after, err := h.db.Audit().Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before.Size+1, after.Size, "the retry is an audit event")
	h.close()

	code, out, errs = run(t, cfg, "notify", "dead", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Empty(t, out)
}

// TestNotifyCommandsBadInput: bad input exits 2 and changes nothing.
func TestNotifyCommandsBadInput(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	ids := d.withNotices(t)
	cfg := d.config()
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"status without a database", []string{"notify", "status"}, "give the database"},
		{"status with an argument", []string{"notify", "status", "x", "--db", d.db}, "takes no arguments"},
		{"dead with a negative limit", []string{"notify", "dead", "--limit", "-1", "--db", d.db}, "--limit"},
		{"show of an unknown id", []string{"notify", "show", "0123", "--db", d.db}, "no message"},
		{"show without an id", []string{"notify", "show", "--db", d.db}, "takes one argument, the message id"},
		{"retry of an unknown id", d.flags("notify", "retry", "0123"), "no message"},
		{"retry of a message not dead", d.flags("notify", "retry", ids[customer(3)]), "not a dead letter"},
		{"retry of a sent message", d.flags("notify", "retry", ids[customer(1)]), "it is sent"},
		{"retry without the KEK", []string{"notify", "retry", ids[customer(2)], "--db", d.db, "--ledger", d.ledger}, "--kek"},
		{"unknown verb", []string{"notify", "send"}, "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dbFiles(t, d.dir)
			code, _, errs := run(t, cfg, tc.args...)
			assert.Equal(t, cli.ExitUsage, code, errs)
			assert.Contains(t, errs, tc.says)
			assert.Equal(t, before, dbFiles(t, d.dir), "nothing changed")
		})
	}
	code, out, _ := run(t, cfg, "notify", "dead", "--db", d.db)
	require.Equal(t, cli.ExitOK, code)
	assert.True(t, strings.HasPrefix(out, ids[customer(2)]), "the dead letter is still dead")
}
