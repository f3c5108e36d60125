package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// notifyAdapter is an adapter that also holds a notification outbox.
type notifyAdapter interface {
	Notify() notify.Store
}

// notifyStoreOf returns the adapter's notify.Store, failing the test if
// the adapter has none.
func notifyStoreOf(t *testing.T, a Adapter) notify.Store {
	t.Helper()
	n, ok := a.(notifyAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Notify() notify.Store method", a)
	}
	return n.Notify()
}

var notifySender = custos.Access{Actor: custos.Actor{ID: "svc-notify", Role: "workflow"}, Purpose: "breach-notice", RequestID: "INC-7"}

// outboxMessage is a pending message numbered i, to a customer (even i)
// or an organisation (odd i), due at t0 plus i seconds.
func outboxMessage(i int) notify.Stored {
	key := fmt.Sprintf("breach-INC-7/%04d", i)
	m := notify.Stored{
		ID: notify.MessageID(key), Key: key, To: notify.Customer(custos.SubjectID(fmt.Sprintf("C%07d", i))), Channel: notify.ChannelEmail,
		Template: notify.BreachNotice, Params: notify.Params{"categories": "手机号码, names", "discovered": "2026-01-02", "n": fmt.Sprint(i)},
		Sender: notifySender, State: notify.StatePending, NextAt: t0.Add(time.Duration(i) * time.Second), Created: t0, Updated: t0,
	}
	if i%2 == 1 {
		m.To = notify.Organisation("regulator-cac")
		m.Sender.RequestID = ""
	}
	return m
}

func enqueueAll(t *testing.T, s notify.Store, ms ...notify.Stored) {
	t.Helper()
	for _, m := range ms {
		_, added, err := s.Enqueue(context.Background(), m)
		require.NoError(t, err)
		require.True(t, added)
	}
}

func ids(ms []notify.Stored) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func runNotifyStore(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("enqueue-get", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		m0, m1 := outboxMessage(0), outboxMessage(1)
		enqueueAll(t, s, m0, m1)
		for _, m := range []notify.Stored{m0, m1} {
			got, err := s.Get(ctx, m.ID)
			require.NoError(t, err)
			assert.Equal(t, m, got)
		}
		_, err := s.Get(ctx, notify.MessageID("absent"))
		assert.ErrorIs(t, err, notify.ErrNotFound)
		_, err = s.Attempts(ctx, notify.MessageID("absent"))
		assert.ErrorIs(t, err, notify.ErrNotFound)

		// The same key again changes nothing and returns the first message.
		dup := m0
		dup.Params = notify.Params{"other": "x"}
		got, added, err := s.Enqueue(ctx, dup)
		require.NoError(t, err)
		assert.False(t, added)
		assert.Equal(t, m0, got)
		got, err = s.Get(ctx, m0.ID)
		require.NoError(t, err)
		assert.Equal(t, m0, got)
	})

	t.Run("claim-order-and-lease", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		enqueueAll(t, s, outboxMessage(2), outboxMessage(0), outboxMessage(1), outboxMessage(5))
		now := t0.Add(2 * time.Second) // 0, 1 and 2 are due, 5 is not
		got, err := s.Claim(ctx, notify.Claim{Owner: "d1", Now: now, Until: now.Add(time.Minute), Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, []string{outboxMessage(0).ID, outboxMessage(1).ID}, ids(got), "oldest due first, at most Limit")
		for _, m := range got {
			assert.Equal(t, notify.StateClaimed, m.State)
			assert.Equal(t, "d1", m.Owner)
			assert.Equal(t, now.Add(time.Minute), m.LeaseUntil)
			assert.Equal(t, 1, m.Attempts)
		}
		got, err = s.Claim(ctx, notify.Claim{Owner: "d2", Now: now, Until: now.Add(time.Minute), Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{outboxMessage(2).ID}, ids(got), "claimed messages are not claimed again under their lease")

		// After the lease, another dispatcher claims them again; the first
		// attempt is marked abandoned.
		later := now.Add(time.Minute)
		got, err = s.Claim(ctx, notify.Claim{Owner: "d2", Now: later, Until: later.Add(time.Minute), Limit: 10})
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{outboxMessage(0).ID, outboxMessage(1).ID, outboxMessage(2).ID, outboxMessage(5).ID}, ids(got))
		as, err := s.Attempts(ctx, outboxMessage(0).ID)
		require.NoError(t, err)
		require.Len(t, as, 2)
		assert.Equal(t, notify.Attempt{Message: outboxMessage(0).ID, N: 1, Owner: "d1", Channel: notify.ChannelEmail, Started: now, Finished: later, Result: notify.ResultAbandoned, Reason: "lease-expired"}, as[0])
		assert.Equal(t, notify.Attempt{Message: outboxMessage(0).ID, N: 2, Owner: "d2", Channel: notify.ChannelEmail, Started: later, Result: notify.ResultInFlight}, as[1])
		m, err := s.Get(ctx, outboxMessage(0).ID)
		require.NoError(t, err)
		assert.Equal(t, 2, m.Attempts)
		assert.Equal(t, "d2", m.Owner)
	})

	t.Run("finish", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		enqueueAll(t, s, outboxMessage(0), outboxMessage(1), outboxMessage(2))
		got, err := s.Claim(ctx, notify.Claim{Owner: "d1", Now: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour), Limit: 10})
		require.NoError(t, err)
		require.Len(t, got, 3)
		done := t0.Add(time.Hour + time.Second)
		sent := notify.Attempt{Finished: done, Result: notify.ResultSent, ProviderID: "<m-1@custos>", Language: "zh-Hans", Asked: "zh-CN", Confidence: "Exact"}
		id0 := outboxMessage(0).ID

		// A finish by another owner or for another attempt changes nothing.
		for _, bad := range []notify.Finish{
			{ID: id0, Owner: "d2", N: 1, Attempt: sent, State: notify.StateSent},
			{ID: id0, Owner: "d1", N: 2, Attempt: sent, State: notify.StateSent},
			{ID: notify.MessageID("absent"), Owner: "d1", N: 1, Attempt: sent, State: notify.StateSent},
		} {
			assert.ErrorIs(t, s.Finish(ctx, bad), notify.ErrLeaseLost)
		}
		m, err := s.Get(ctx, id0)
		require.NoError(t, err)
		assert.Equal(t, notify.StateClaimed, m.State)

		require.NoError(t, s.Finish(ctx, notify.Finish{ID: id0, Owner: "d1", N: 1, Attempt: sent, State: notify.StateSent}))
		assert.ErrorIs(t, s.Finish(ctx, notify.Finish{ID: id0, Owner: "d1", N: 1, Attempt: sent, State: notify.StateSent}), notify.ErrLeaseLost, "a claim is finished once")
		retry := done.Add(30 * time.Second)
		require.NoError(t, s.Finish(ctx, notify.Finish{ID: outboxMessage(1).ID, Owner: "d1", N: 1,
			Attempt: notify.Attempt{Finished: done, Result: notify.ResultTemporary, Reason: "smtp-451"}, State: notify.StatePending, NextAt: retry}))
		require.NoError(t, s.Finish(ctx, notify.Finish{ID: outboxMessage(2).ID, Owner: "d1", N: 1,
			Attempt: notify.Attempt{Finished: done, Result: notify.ResultPermanent, Reason: "smtp-550"}, State: notify.StateDead, Reason: "smtp-550"}))

		m, err = s.Get(ctx, id0)
		require.NoError(t, err)
		assert.Equal(t, notify.StateSent, m.State)
		assert.Equal(t, "", m.Owner)
		assert.True(t, m.LeaseUntil.IsZero())
		as, err := s.Attempts(ctx, id0)
		require.NoError(t, err)
		assert.Equal(t, []notify.Attempt{{Message: id0, N: 1, Owner: "d1", Channel: notify.ChannelEmail, Started: t0.Add(time.Hour),
			Finished: done, Result: notify.ResultSent, ProviderID: "<m-1@custos>", Language: "zh-Hans", Asked: "zh-CN", Confidence: "Exact"}}, as)

		m, err = s.Get(ctx, outboxMessage(1).ID)
		require.NoError(t, err)
		assert.Equal(t, notify.StatePending, m.State)
		assert.Equal(t, retry, m.NextAt)
		got, err = s.Claim(ctx, notify.Claim{Owner: "d1", Now: retry.Add(-time.Microsecond), Until: retry.Add(time.Hour), Limit: 10})
		require.NoError(t, err)
		assert.Empty(t, got, "not due before NextAt; sent and dead messages are never due")
		got, err = s.Claim(ctx, notify.Claim{Owner: "d1", Now: retry, Until: retry.Add(time.Hour), Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{outboxMessage(1).ID}, ids(got))
		assert.Equal(t, 2, got[0].Attempts)

		m, err = s.Get(ctx, outboxMessage(2).ID)
		require.NoError(t, err)
		assert.Equal(t, notify.StateDead, m.State)
		assert.Equal(t, "smtp-550", m.Reason)
	})

	t.Run("counts-list-retry", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		c, err := s.Counts(ctx)
		require.NoError(t, err)
		assert.Empty(t, c.ByState)
		assert.True(t, c.OldestPending.IsZero())
		var ms []notify.Stored
		for i := range 6 {
			m := outboxMessage(i)
			m.Created = t0.Add(time.Duration(i) * time.Minute)
			ms = append(ms, m)
		}
		enqueueAll(t, s, ms...)
		got, err := s.Claim(ctx, notify.Claim{Owner: "d1", Now: t0.Add(3 * time.Second), Until: t0.Add(time.Hour), Limit: 4})
		require.NoError(t, err)
		require.Len(t, got, 4)
		for _, m := range got[:3] {
			require.NoError(t, s.Finish(ctx, notify.Finish{ID: m.ID, Owner: "d1", N: 1, Attempt: notify.Attempt{Finished: t0.Add(4 * time.Second), Result: notify.ResultPermanent, Reason: "no-address"}, State: notify.StateDead, Reason: "no-address"}))
		}
		c, err = s.Counts(ctx)
		require.NoError(t, err)
		assert.Equal(t, map[notify.State]int{notify.StateDead: 3, notify.StateClaimed: 1, notify.StatePending: 2}, c.ByState)
		assert.Equal(t, t0.Add(3*time.Minute), c.OldestPending)

		dead := ids(got[:3])
		var all []string
		after := ""
		for {
			page, err := s.List(ctx, notify.StateDead, after, 2)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				assert.Equal(t, "no-address", m.Reason)
			}
			all = append(all, ids(page)...)
			after = page[len(page)-1].ID
		}
		assert.ElementsMatch(t, dead, all)
		assert.IsIncreasing(t, all)

		assert.ErrorIs(t, s.Retry(ctx, got[3].ID, t0), notify.ErrNotDead)
		assert.ErrorIs(t, s.Retry(ctx, notify.MessageID("absent"), t0), notify.ErrNotFound)
		at := t0.Add(time.Hour)
		require.NoError(t, s.Retry(ctx, dead[0], at))
		m, err := s.Get(ctx, dead[0])
		require.NoError(t, err)
		assert.Equal(t, notify.StatePending, m.State)
		assert.Equal(t, "", m.Reason)
		assert.Equal(t, 1, m.Base)
		assert.Equal(t, at, m.NextAt)
		assert.ErrorIs(t, s.Retry(ctx, dead[0], at), notify.ErrNotDead, "retried once")
		again, err := s.Claim(ctx, notify.Claim{Owner: "d1", Now: at, Until: at.Add(time.Minute), Limit: 10})
		require.NoError(t, err)
		assert.Contains(t, ids(again), dead[0])
	})

	t.Run("erase-subject", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		m0, m2 := outboxMessage(0), outboxMessage(2)
		other := outboxMessage(4)
		m2.To = m0.To // two messages to one customer
		enqueueAll(t, s, m0, m2, other, outboxMessage(1))
		_, err := s.Claim(ctx, notify.Claim{Owner: "d1", Now: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour), Limit: 10})
		require.NoError(t, err)
		n, err := s.EraseSubject(ctx, m0.To.Subject)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		for _, id := range []string{m0.ID, m2.ID} {
			_, err := s.Get(ctx, id)
			assert.ErrorIs(t, err, notify.ErrNotFound)
			_, err = s.Attempts(ctx, id)
			assert.ErrorIs(t, err, notify.ErrNotFound)
		}
		_, err = s.Get(ctx, other.ID)
		assert.NoError(t, err, "other customers' messages stay")
		n, err = s.EraseSubject(ctx, m0.To.Subject)
		require.NoError(t, err)
		assert.Zero(t, n, "idempotent")
		assert.ErrorIs(t, s.Finish(ctx, notify.Finish{ID: m0.ID, Owner: "d1", N: 1, Attempt: notify.Attempt{Result: notify.ResultSent}, State: notify.StateSent}), notify.ErrLeaseLost)
		// The key may be used again after the erasure.
		_, added, err := s.Enqueue(ctx, m0)
		require.NoError(t, err)
		assert.True(t, added)
	})

	t.Run("concurrent-claims", func(t *testing.T) {
		s := notifyStoreOf(t, openT(t, open))
		const n = 40
		for i := range n {
			enqueueAll(t, s, outboxMessage(i))
		}
		var mu sync.Mutex
		claimed := map[string]int{}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for {
					got, err := s.Claim(ctx, notify.Claim{Owner: fmt.Sprintf("d%d", g), Now: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour), Limit: 3})
					if !assert.NoError(t, err) || len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						claimed[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		assert.Len(t, claimed, n)
		for id, k := range claimed {
			assert.Equal(t, 1, k, "message %s claimed %d times under one lease", id, k)
		}
	})
}
