package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// allHeld is a custos.Subjects holding every customer.
type allHeld struct{}

func (allHeld) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectActive, nil
}

// runNotifyDispatch checks the outbox and dispatcher over the adapter
// under every fault of a step: after the k-th call to the store or the
// audit recorder fails (before or after it runs), a rerun of the same
// enqueues and dispatching ends with every message sent, one "sent"
// delivery record each, an audit event for every send but the one whose
// event failed before it was recorded, and a message sent twice only when
// the failed call was the Finish or the audit event that would have
// recorded its send: at least once, with one idempotency key, never lost.
func runNotifyDispatch(t *testing.T, open Opener) {
	// One database serves every run, each with its own keys: opening one
	// per run costs more than the runs.
	raw := notifyStoreOf(t, openT(t, open))
	run := 0
	for _, when := range []When{Before, After} {
		EveryFault(t, when, 200, func(t *testing.T, f *Faults) {
			ctx := context.Background()
			run++
			clock := NewClock(t0)
			rec := &Recorder{}
			outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: FaultyNotify(raw, f), Recorder: FaultyRecorder(rec, f), Subjects: allHeld{}, Clock: clock.Now})
			require.NoError(t, err)
			sink := &notify.Sink{Fail: func(d notify.Delivery) error {
				if d.Key == fmt.Sprintf("run-%d/k-2", run) && d.Attempt == 1 {
					return notify.Temporary("smtp-451", nil) // one retry in the scenario
				}
				return nil
			}}
			book := notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
				return notify.Contact{Address: "synthetic@mail.example", Language: "zh-CN"}, nil
			})
			disp, err := notify.NewDispatcher(notify.DispatcherConfig{
				Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: sink}, Directory: book,
				Owner: "d1", Lease: time.Minute, SendTimeout: 10 * time.Second, Batch: 1, Workers: 1, MaxAttempts: 5,
				Backoff: notify.Backoff{Base: 10 * time.Second, Max: time.Minute}, Jitter: func() float64 { return 0 }, Clock: clock.Now,
			})
			require.NoError(t, err)
			var msgs []notify.Message
			for i := 1; i <= 3; i++ {
				msgs = append(msgs, notify.Message{
					To: notify.Customer(custos.SubjectID(fmt.Sprintf("C%07d", i))), Channel: notify.ChannelEmail, Template: notify.AccuracyReview,
					Key: fmt.Sprintf("run-%d/k-%d", run, i), Sender: notifySender,
					Params: notify.Params{"fields": "address", "contact": "https://lessor.example/review", "reply_by": "2026-02-01"},
				})
			}
			drain := func() error {
				for _, m := range msgs {
					if _, err := outbox.Enqueue(ctx, m); err != nil {
						return err
					}
				}
				for range 20 {
					if _, err := disp.RunOnce(ctx); err != nil {
						return err
					}
					clock.Advance(30 * time.Second)
				}
				return nil
			}
			firstErr := drain()
			failed := f.Last()
			f.Disarm()
			if firstErr != nil {
				assert.ErrorIs(t, firstErr, ErrInjected)
			}
			clock.Advance(2 * time.Minute) // past any lease
			require.NoError(t, drain(), "rerun after the fault in %s", failed)

			sends := sink.ByKey()
			for _, m := range msgs {
				got, err := raw.Get(ctx, notify.MessageID(m.Key))
				require.NoError(t, err, "nothing lost")
				assert.Equal(t, notify.StateSent, got.State, "%s sent", m.Key)
				n := sends[m.Key]
				assert.GreaterOrEqual(t, n, 1, "%s sent", m.Key)
				if n > 1 {
					assert.Equal(t, 2, n, "%s sent at most twice", m.Key)
					assert.Contains(t, []string{"notify.Finish", "recorder.Record"}, failed, "%s sent twice though the failed call was %s", m.Key, failed)
				}
				as, err := raw.Attempts(ctx, notify.MessageID(m.Key))
				require.NoError(t, err)
				sent := 0
				for _, a := range as {
					if a.Result == notify.ResultSent {
						sent++
					}
					assert.NotEqual(t, notify.ResultInFlight, a.Result)
				}
				assert.Equal(t, 1, sent, "%s: one sent delivery record", m.Key)
			}
			events := 0
			for _, ev := range rec.Events() {
				if ev.Action == notify.ActionDeliver && ev.Outcome == custos.OutcomeAllowed {
					events++
				}
			}
			if when == Before && failed == "recorder.Record" && events < len(sink.Sent()) {
				assert.Equal(t, len(sink.Sent())-1, events, "only the send whose event failed has none")
			} else {
				assert.Equal(t, len(sink.Sent()), events, "every send has its audit event")
			}
			assert.GreaterOrEqual(t, events, len(msgs), "every message has the audit event of its send")
		})
	}
}
