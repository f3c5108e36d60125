package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// TestDispatchSends: a due message is sent in the customer's language with
// its key, and leaves a delivery record and an audit event.
func TestDispatchSends(t *testing.T) {
	f := newDispatch(t, contacts(2))
	ids := f.enqueue(t, transferNotice("C0000001", "t1/C0000001"), transferNotice("C0000002", "t1/C0000002"))
	f.advance(time.Second)
	assert.Equal(t, notify.Report{Claimed: 2, Sent: 2}, f.run(t))

	sent := f.sink.Sent()
	require.Len(t, sent, 2)
	byKey := map[string]notify.Delivery{}
	for _, d := range sent {
		byKey[d.Key] = d
	}
	en, zh := byKey["t1/C0000001"], byKey["t1/C0000002"]
	assert.Equal(t, notify.Address("customer1@mail.example"), en.To)
	assert.Equal(t, language.English, en.Language)
	assert.Contains(t, en.Body, "on 1 April 2026")
	assert.Equal(t, language.SimplifiedChinese, zh.Language)
	assert.Contains(t, zh.Body, "自2026年4月1日起")
	assert.Equal(t, ids[0], en.ID)
	assert.Equal(t, 1, en.Attempt)

	m := f.message(t, ids[0])
	assert.Equal(t, notify.StateSent, m.State)
	assert.Equal(t, []notify.Attempt{{Message: ids[0], N: 1, Owner: "d1", Channel: notify.ChannelEmail, Started: t0.Add(time.Second), Finished: t0.Add(time.Second),
		Result: notify.ResultSent, ProviderID: "sink-" + ids[0], Language: "en", Asked: "en-GB", Confidence: "High"}}, f.attempts(t, ids[0]))

	var deliveries []custos.Event
	for _, ev := range f.events.Events() {
		if ev.Action == notify.ActionDeliver {
			deliveries = append(deliveries, ev)
		}
	}
	require.Len(t, deliveries, 2)
	for _, ev := range deliveries {
		assert.Equal(t, custos.OutcomeAllowed, ev.Outcome)
		assert.Equal(t, sender, ev.Access)
		assert.Contains(t, ev.Detail, `"result":"sent"`)
		assert.NotContains(t, ev.Detail, "@mail.example")
	}
	assert.Equal(t, notify.Report{}, f.run(t), "nothing left to send")
}

// TestDispatchRetries: temporary failures are retried with exponential
// backoff and jitter, then the message becomes a dead letter after
// MaxAttempts; a permanent failure makes it one at once.
func TestDispatchRetries(t *testing.T) {
	f := newDispatch(t, contacts(2))
	f.sink.Fail = func(d notify.Delivery) error {
		if d.Key == "t1/C0000002" {
			return notify.Permanent("smtp-550", errors.New("550 mailbox unavailable"))
		}
		return notify.Temporary("smtp-451", errors.New("451 try later"))
	}
	ids := f.enqueue(t, transferNotice("C0000001", "t1/C0000001"), transferNotice("C0000002", "t1/C0000002"))
	assert.Equal(t, notify.Report{Claimed: 2, Retried: 1, Dead: 1}, f.run(t))
	dead := f.message(t, ids[1])
	assert.Equal(t, notify.StateDead, dead.State)
	assert.Equal(t, "smtp-550", dead.Reason)

	// Base 30 s, jitter 0.5: waits 22.5 s after the first attempt, 45 s
	// after the second.
	m := f.message(t, ids[0])
	assert.Equal(t, notify.StatePending, m.State)
	assert.Equal(t, t0.Add(22500*time.Millisecond), m.NextAt)
	f.advance(22 * time.Second)
	assert.Equal(t, notify.Report{}, f.run(t), "not due yet")
	f.advance(500 * time.Millisecond)
	assert.Equal(t, notify.Report{Claimed: 1, Retried: 1}, f.run(t))
	assert.Equal(t, f.clock().Add(45*time.Second), f.message(t, ids[0]).NextAt)
	f.advance(45 * time.Second)
	assert.Equal(t, notify.Report{Claimed: 1, Dead: 1}, f.run(t))
	m = f.message(t, ids[0])
	assert.Equal(t, notify.StateDead, m.State)
	assert.Equal(t, "attempts-exhausted", m.Reason)
	as := f.attempts(t, ids[0])
	require.Len(t, as, 3)
	for _, a := range as {
		assert.Equal(t, notify.ResultTemporary, a.Result)
		assert.Equal(t, "smtp-451", a.Reason)
	}

	// An operator retries the dead letter: a fresh budget of attempts.
	f.sink.Fail = nil
	require.NoError(t, f.outbox.Retry(context.Background(), dpo, ids[0]))
	assert.ErrorIs(t, f.outbox.Retry(context.Background(), dpo, ids[0]), notify.ErrNotDead)
	assert.Equal(t, notify.Report{Claimed: 1, Sent: 1}, f.run(t))
	assert.Len(t, f.attempts(t, ids[0]), 4)
	letters, err := f.outbox.Dead(context.Background(), "", 10)
	require.NoError(t, err)
	require.Len(t, letters, 1)
	assert.Equal(t, ids[1], letters[0].ID)
}

func TestBackoffCapped(t *testing.T) {
	cfg := dispatchDefaults
	cfg.MaxAttempts = 20
	cfg.Jitter = func() float64 { return 0 }
	f := newDispatch(t, contacts(1))
	f.disp = f.dispatcher(t, cfg)
	f.sink.Fail = func(notify.Delivery) error { return notify.Temporary("http-503", nil) }
	id := f.enqueue(t, transferNotice("C0000001", "k"))[0]
	var waits []time.Duration
	for range 7 {
		f.run(t)
		m := f.message(t, id)
		waits = append(waits, m.NextAt.Sub(f.clock()))
		f.advance(m.NextAt.Sub(f.clock()))
	}
	s := time.Second
	assert.Equal(t, []time.Duration{15 * s, 30 * s, 60 * s, 120 * s, 240 * s, 300 * s, 300 * s}, waits, "half of Base·2^(n-1), capped at Max, with jitter 0")
}

// TestDispatchBadRecipients: no address, a forgotten customer, an unknown
// channel and an unsupported language each end as the rules say, without a
// crash.
func TestDispatchBadRecipients(t *testing.T) {
	ctx := context.Background()
	cs := contacts(4)
	cs["C0000004"] = notify.Contact{Address: "customer4@mail.example", Language: "de-DE"}
	f := newDispatch(t, cs)
	f.subjects.set("C0000009", custos.SubjectActive) // held, but no address on file
	noAddr := transferNotice("C0000009", "k-noaddr")
	forgotten := transferNotice("C0000003", "k-forgot")
	sms := transferNotice("C0000001", "k-sms")
	sms.Channel = "sms"
	german := transferNotice("C0000004", "k-de")
	ids := f.enqueue(t, noAddr, forgotten, sms, german)
	f.subjects.set("C0000003", custos.SubjectForgotten) // forgotten after enqueue

	assert.Equal(t, notify.Report{Claimed: 4, Sent: 1, Dead: 2, Cancelled: 1}, f.run(t))
	m := f.message(t, ids[0])
	assert.Equal(t, notify.StateDead, m.State)
	assert.Equal(t, "no-address", m.Reason)
	m = f.message(t, ids[1])
	assert.Equal(t, notify.StateCancelled, m.State)
	assert.Equal(t, "forgotten", m.Reason)
	assert.Equal(t, notify.ResultCancelled, f.attempts(t, ids[1])[0].Result)
	m = f.message(t, ids[2])
	assert.Equal(t, notify.StateDead, m.State)
	assert.Equal(t, "unknown-channel", m.Reason, "no sms notifier: found before any address is read")
	a := f.attempts(t, ids[3])[0]
	assert.Equal(t, notify.ResultSent, a.Result)
	assert.Equal(t, "de-DE", a.Asked)
	assert.Equal(t, "No", a.Confidence, "the fallback is recorded")
	assert.Equal(t, "en", a.Language, "as the matcher says")
	assert.Equal(t, 2, f.book.readCount(), "no address read for the forgotten customer or the unknown channel")

	for _, ev := range f.events.Events() {
		if ev.Action == notify.ActionDeliver && ev.Subject == "C0000003" {
			assert.Equal(t, custos.OutcomeDenied, ev.Outcome)
			assert.Equal(t, "forgotten", ev.Reason)
		}
	}
	st, err := f.outbox.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[notify.State]int{notify.StateSent: 1, notify.StateDead: 2, notify.StateCancelled: 1}, st.ByState)
	assert.True(t, st.OldestPending.IsZero())
}

func TestDispatchOrganisation(t *testing.T) {
	f := newDispatch(t, contacts(1))
	m := notify.Message{To: notify.Organisation("regulator-cac"), Channel: notify.ChannelEmail, Template: notify.CorrectionNotice, Key: "corr-1", Sender: sender,
		Params: notify.Params{"reference": "R-1", "records": "3", "fields": "address", "corrected": "2026-03-05"}}
	unknown := m
	unknown.To, unknown.Key = notify.Organisation("acquirer"), "corr-2"
	ids := f.enqueue(t, m, unknown)
	assert.Equal(t, notify.Report{Claimed: 2, Sent: 1, Dead: 1}, f.run(t))
	sent := f.sink.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, notify.Address("reports@regulator.example"), sent[0].To)
	assert.Equal(t, "regulator-cac", sent[0].Organisation)
	assert.Contains(t, sent[0].Body, "3条记录")
	assert.Equal(t, "no-address", f.message(t, ids[1]).Reason)
	assert.Zero(t, f.book.readCount(), "organisations are not looked up in the vault")
}

// TestDispatchCrashBetweenSendAndMark: a dispatcher that sent a message but
// could not record it (killed, or its store down) leaves the claim to
// expire; the next dispatcher sends it again with the same idempotency
// key, and the delivery records show the abandoned attempt.
func TestDispatchCrashBetweenSendAndMark(t *testing.T) {
	f := newDispatch(t, contacts(1))
	id := f.enqueue(t, transferNotice("C0000001", "t1/C0000001"))[0]
	f.events.Fail(errAuditDown) // the delivery cannot be recorded
	rep, err := f.disp.RunOnce(context.Background())
	require.ErrorIs(t, err, notify.ErrAudit)
	assert.Equal(t, notify.Report{Claimed: 1, Unrecorded: 1}, rep)
	f.events.Fail(nil)
	assert.Equal(t, notify.StateClaimed, f.message(t, id).State)

	other := f.dispatcher(t, func() notify.DispatcherConfig { c := dispatchDefaults; c.Owner = "d2"; return c }())
	r, err := other.RunOnce(context.Background())
	require.NoError(t, err)
	assert.Zero(t, r.Claimed, "the lease still holds")
	f.advance(time.Minute)
	r, err = other.RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 1, Sent: 1}, r)

	sent := f.sink.Sent()
	require.Len(t, sent, 2, "at least once: sent twice")
	assert.Equal(t, sent[0].Key, sent[1].Key, "with one idempotency key")
	assert.Equal(t, []int{1, 2}, []int{sent[0].Attempt, sent[1].Attempt})
	as := f.attempts(t, id)
	require.Len(t, as, 2)
	assert.Equal(t, notify.ResultAbandoned, as[0].Result)
	assert.Equal(t, "d1", as[0].Owner)
	assert.Equal(t, notify.ResultSent, as[1].Result)
	assert.Equal(t, "d2", as[1].Owner)
}

// TestTwoDispatchers: two dispatchers draining one outbox at once send
// each message once.
func TestTwoDispatchers(t *testing.T) {
	const n = 60
	f := newDispatch(t, contacts(0))
	var ms []notify.Message
	for i := range n {
		s := custos.SubjectID(fmt.Sprintf("C%07d", i))
		f.subjects.set(s, custos.SubjectActive)
		f.book.addr[s] = notify.Contact{Address: notify.Address(fmt.Sprintf("c%d@mail.example", i))}
		ms = append(ms, transferNotice(s, fmt.Sprintf("t1/%d", i)))
	}
	f.enqueue(t, ms...)
	second := f.dispatcher(t, func() notify.DispatcherConfig { c := dispatchDefaults; c.Owner = "d2"; c.Batch = 5; return c }())
	var wg sync.WaitGroup
	for _, d := range []*notify.Dispatcher{f.disp, second} {
		wg.Go(func() {
			for {
				r, err := d.RunOnce(context.Background())
				if !assert.NoError(t, err) || r.Claimed == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	keys := f.sink.ByKey()
	assert.Len(t, keys, n)
	for k, c := range keys {
		assert.Equal(t, 1, c, "key %s", k)
	}
}

// TestEraseSubject: the Outbox erases a forgotten customer's messages and
// records it; nothing is sent to them after.
func TestEraseSubject(t *testing.T) {
	ctx := context.Background()
	f := newDispatch(t, contacts(2))
	f.enqueue(t, transferNotice("C0000001", "k1"), transferNotice("C0000001", "k1b"), transferNotice("C0000002", "k2"))
	got, err := f.outbox.EraseSubject(ctx, dpo, "C0000001")
	require.NoError(t, err)
	assert.Equal(t, custos.Erased{Component: "notify", Removed: 2}, got)
	again, err := f.outbox.EraseSubject(ctx, dpo, "C0000001")
	require.NoError(t, err)
	assert.Zero(t, again.Removed)
	assert.Equal(t, notify.Report{Claimed: 1, Sent: 1}, f.run(t))
	assert.Equal(t, map[string]int{"k2": 1}, f.sink.ByKey())

	f.events.Fail(errAuditDown)
	_, err = f.outbox.EraseSubject(ctx, dpo, "C0000002")
	assert.ErrorIs(t, err, notify.ErrAudit, "erased first, then the event: an audit outage keeps nothing")
	f.events.Fail(nil)
	assert.Equal(t, map[notify.State]int{}, counts(t, f.store))
}

func TestDispatcherConfig(t *testing.T) {
	f := newDispatch(t, contacts(1))
	good := dispatchDefaults
	good.Outbox, good.Directory, good.Channels = f.outbox, f.book, map[notify.Channel]notify.Notifier{notify.ChannelEmail: f.sink}
	for _, tc := range []struct {
		name string
		edit func(*notify.DispatcherConfig)
		says string
	}{
		{"no outbox", func(c *notify.DispatcherConfig) { c.Outbox = nil }, "no Outbox"},
		{"no channels", func(c *notify.DispatcherConfig) { c.Channels = nil }, "no Channels"},
		{"nil notifier", func(c *notify.DispatcherConfig) { c.Channels = map[notify.Channel]notify.Notifier{"sms": nil} }, "without a Notifier"},
		{"no directory", func(c *notify.DispatcherConfig) { c.Directory = nil }, "no Directory"},
		{"no owner", func(c *notify.DispatcherConfig) { c.Owner = "" }, "owner empty"},
		{"timeout beyond the lease", func(c *notify.DispatcherConfig) { c.SendTimeout = 2 * time.Minute }, "shorter than Lease"},
		{"negative batch", func(c *notify.DispatcherConfig) { c.Batch = -1 }, "negative"},
		{"backoff max below base", func(c *notify.DispatcherConfig) { c.Backoff = notify.Backoff{Base: time.Minute, Max: time.Second} }, "Max below Base"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := notify.NewDispatcher(c)
			require.ErrorIs(t, err, notify.ErrConfig)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

// TestRunUntilCancelled: Run drains the outbox, waits idle when nothing is
// due, and returns the context's error once it ends.
func TestRunUntilCancelled(t *testing.T) {
	f := newDispatch(t, contacts(3))
	f.enqueue(t, transferNotice("C0000001", "k1"), transferNotice("C0000002", "k2"), transferNotice("C0000003", "k3"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	sent := 0
	f.sink.Fail = func(notify.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		if sent++; sent == 3 {
			cancel() // the last send ends the run
		}
		return nil
	}
	err := f.disp.Run(ctx, time.Millisecond)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, map[string]int{"k1": 1, "k2": 1, "k3": 1}, f.sink.ByKey())
}

// ctxStore fails a Finish whose context has ended, as a database driver
// does.
type ctxStore struct{ notify.Store }

func (s ctxStore) Finish(ctx context.Context, f notify.Finish) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Store.Finish(ctx, f)
}

// TestRunOnceShutdown: when the dispatcher's context ends during a send,
// that send's result is still recorded (it is not sent again), the
// messages not yet tried stay claimed, untouched, and the next dispatcher
// sends them after the lease.
func TestRunOnceShutdown(t *testing.T) {
	f := newDispatch(t, contacts(3))
	var err error
	f.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: ctxStore{f.store}, Recorder: f.events, Subjects: f.subjects, Clock: f.clock})
	require.NoError(t, err)
	ids := f.enqueue(t, transferNotice("C0000001", "k1"), transferNotice("C0000002", "k2"), transferNotice("C0000003", "k3"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.sink.Fail = func(notify.Delivery) error { cancel(); return nil } // shut down during the first send
	cfg := dispatchDefaults
	cfg.Workers = 1
	d := f.dispatcher(t, cfg)
	rep, err := d.RunOnce(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, notify.Report{Claimed: 3, Sent: 1, Unstarted: 2}, rep)
	require.Len(t, f.sink.Sent(), 1)
	first := f.sink.Sent()[0].ID
	assert.Equal(t, notify.StateSent, f.message(t, first).State, "the send under way is recorded")
	for _, id := range ids {
		if id == first {
			continue
		}
		m := f.message(t, id)
		assert.Equal(t, notify.StateClaimed, m.State)
		assert.Equal(t, []notify.Result{notify.ResultInFlight}, results(f.attempts(t, id)))
	}

	f.sink.Fail = nil
	f.advance(time.Minute)
	assert.Equal(t, notify.Report{Claimed: 2, Sent: 2}, f.run(t))
	assert.Equal(t, map[string]int{"k1": 1, "k2": 1, "k3": 1}, f.sink.ByKey(), "each sent once")
}

func results(as []notify.Attempt) []notify.Result {
	out := make([]notify.Result, len(as))
	for i, a := range as {
		out[i] = a.Result
	}
	return out
}
