package notify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// TestEnqueueBadInput: every malformed message is refused with a clear
// error naming what is wrong (never a value), and nothing is enqueued or
// recorded.
func TestEnqueueBadInput(t *testing.T) {
	const c1 custos.SubjectID = "C0000001"
	edit := func(f func(*notify.Message)) notify.Message {
		m := transferNotice(c1, "transfer-T1/C0000001")
		m.Params = notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}
		f(&m)
		return m
	}
	for _, tc := range []struct {
		name string
		msg  notify.Message
		want []error
		says string
	}{
		{"no recipient", edit(func(m *notify.Message) { m.To = notify.Recipient{} }), []error{notify.ErrInvalidMessage}, "no recipient"},
		{"two recipients", edit(func(m *notify.Message) { m.To.Organisation = "regulator" }), []error{notify.ErrInvalidMessage}, "both"},
		{"bad subject", edit(func(m *notify.Message) { m.To = notify.Customer("C 1") }), []error{notify.ErrInvalidMessage, custos.ErrInvalidSubject}, "recipient"},
		{"organisation with a space", edit(func(m *notify.Message) { m.To = notify.Organisation("the regulator") }), []error{notify.ErrInvalidMessage}, "organisation contains a space"},
		{"no channel", edit(func(m *notify.Message) { m.Channel = "" }), []error{notify.ErrInvalidMessage}, "channel empty"},
		{"no key", edit(func(m *notify.Message) { m.Key = "" }), []error{notify.ErrInvalidMessage}, "idempotency key empty"},
		{"key holding a mobile", edit(func(m *notify.Message) { m.Key = "notice-13912345678" }), []error{notify.ErrInvalidMessage}, "idempotency key holds a mobile number"},
		{"no sender", edit(func(m *notify.Message) { m.Sender = custos.Access{} }), []error{notify.ErrInvalidMessage, custos.ErrNoActor}, "sender"},
		{"no purpose", edit(func(m *notify.Message) { m.Sender.Purpose = "" }), []error{notify.ErrInvalidMessage, custos.ErrNoPurpose}, "sender"},
		{"unknown template", edit(func(m *notify.Message) { m.Template = "birthday-greeting" }), []error{notify.ErrInvalidMessage, notify.ErrUnknownTemplate}, `"birthday-greeting"`},
		{"missing parameter", edit(func(m *notify.Message) { delete(m.Params, "contact") }), []error{notify.ErrParam}, `needs parameter "contact"`},
		{"extra parameter", edit(func(m *notify.Message) { m.Params["discount"] = "10" }), []error{notify.ErrParam}, `no parameter "discount"`},
		{"bad date", edit(func(m *notify.Message) { m.Params["effective"] = "1 April 2026" }), []error{notify.ErrParam}, "YYYY-MM-DD"},
		{"multi-line text", edit(func(m *notify.Message) { m.Params["recipient"] = "Acquirer\nLeasing" }), []error{notify.ErrParam, custos.ErrInvalidText}, "control character"},
		{"e-mail in a parameter", edit(func(m *notify.Message) { m.Params["contact"] = "zhang.san@example.com" }), []error{notify.ErrParam, notify.ErrPersonalData}, "an e-mail address"},
		{"mobile in a parameter", edit(func(m *notify.Message) { m.Params["contact"] = "call 139-1234-5678" }), []error{notify.ErrPersonalData}, "a mobile number"},
		{"resident ID in a parameter", edit(func(m *notify.Message) { m.Params["recipient"] = "11010519491231002X" }), []error{notify.ErrPersonalData}, "a resident ID number"},
		{"unknown customer", transferNotice("C0000009", "k-9"), []error{notify.ErrNoAddress}, "does not hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newOutbox(t, c1)
			_, err := f.outbox.Enqueue(context.Background(), tc.msg)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			assert.Contains(t, err.Error(), tc.says)
			for _, v := range tc.msg.Params {
				if len(v) > 3 {
					assert.NotContains(t, err.Error(), v, "the error repeats a value")
				}
			}
			assert.Empty(t, counts(t, f.store), "nothing enqueued")
			assert.Empty(t, f.events.Events(), "nothing recorded")
		})
	}
}

func TestEnqueueForgottenCustomer(t *testing.T) {
	f := newOutbox(t)
	f.subjects.set("C0000001", custos.SubjectForgotten)
	_, err := f.outbox.Enqueue(context.Background(), transferNotice("C0000001", "k-1"))
	require.ErrorIs(t, err, notify.ErrForgotten)
	assert.Empty(t, counts(t, f.store))
}

// TestEnqueueIdempotent: the same message under one key is enqueued once;
// another message under the key is refused and the first one stays.
func TestEnqueueIdempotent(t *testing.T) {
	ctx := context.Background()
	f := newOutbox(t, "C0000001")
	m := transferNotice("C0000001", "transfer-T1/C0000001")
	id, err := f.outbox.Enqueue(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, notify.MessageID(m.Key), id)
	again, err := f.outbox.Enqueue(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, id, again)
	assert.Equal(t, map[notify.State]int{notify.StatePending: 1}, counts(t, f.store))

	other := m
	other.Params = notify.Params{"recipient": "Other Co.", "contact": "https://other.example", "effective": "2026-04-01"}
	_, err = f.outbox.Enqueue(ctx, other)
	require.ErrorIs(t, err, notify.ErrConflict)
	got, err := f.outbox.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Acquirer Leasing Co., Ltd.", got.Params["recipient"])
	assert.Equal(t, notify.StatePending, got.State)
	assert.Equal(t, t0, got.NextAt)
}

// TestEnqueueAuditFirst: the enqueue's event is recorded before the
// message is stored; when the recorder fails nothing is stored.
func TestEnqueueAuditFirst(t *testing.T) {
	ctx := context.Background()
	f := newOutbox(t, "C0000001")
	f.events.Fail(errAuditDown)
	_, err := f.outbox.Enqueue(ctx, transferNotice("C0000001", "k-1"))
	require.ErrorIs(t, err, notify.ErrAudit)
	assert.Empty(t, counts(t, f.store))

	f.events.Fail(nil)
	id, err := f.outbox.Enqueue(ctx, transferNotice("C0000001", "k-1"))
	require.NoError(t, err)
	evs := f.events.Events()
	require.Len(t, evs, 1)
	assert.Equal(t, notify.ActionEnqueue, evs[0].Action)
	assert.Equal(t, custos.SubjectID("C0000001"), evs[0].Subject)
	assert.Equal(t, sender, evs[0].Access)
	assert.JSONEq(t, fmt.Sprintf(`{"id":%q,"template":"transfer-notice","channel":"email"}`, id), evs[0].Detail)
}

func TestOutboxConfig(t *testing.T) {
	f := newOutbox(t)
	for _, tc := range []struct {
		name string
		cfg  notify.OutboxConfig
		says string
	}{
		{"no store", notify.OutboxConfig{Recorder: f.events, Subjects: f.subjects}, "no Store"},
		{"no recorder", notify.OutboxConfig{Store: f.store, Subjects: f.subjects}, "no Recorder"},
		{"no subjects", notify.OutboxConfig{Store: f.store, Recorder: f.events}, "no Subjects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := notify.NewOutbox(tc.cfg)
			require.ErrorIs(t, err, notify.ErrConfig)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}
