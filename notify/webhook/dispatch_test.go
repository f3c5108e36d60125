package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/webhook"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

type noCustomers struct{}

func (noCustomers) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectUnknown, nil
}

// TestDispatchThroughWebhook: the dispatcher delivers correction notices
// to organisations' endpoints; a 503 and a 429 are retried after the
// backoff and then delivered under the same webhook-id, a 404 makes a dead
// letter at once, and every request the receiver accepted verifies.
func TestDispatchThroughWebhook(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	calls := map[string]int{}
	var ids []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !verify(r, body) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		calls[r.URL.Path]++
		switch {
		case r.URL.Path == "/gone":
			w.WriteHeader(http.StatusNotFound)
			return
		case r.URL.Path == "/busy" && calls[r.URL.Path] == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case r.URL.Path == "/limited" && calls[r.URL.Path] == 1:
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		var ev webhook.Event
		if json.Unmarshal(body, &ev) != nil || ev.ID != r.Header.Get("webhook-id") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ids = append(ids, r.Header.Get("webhook-id"))
	}))
	defer srv.Close()
	n := newNotifier(t, srv, nil)
	clock := storetest.NewClock(t0)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: memstore.New().Notify(), Recorder: &storetest.Recorder{}, Subjects: noCustomers{}, Clock: clock.Now})
	require.NoError(t, err)
	orgs := map[string]map[notify.Channel]notify.Contact{}
	for org, path := range map[string]string{"acquirer": "/busy", "partner": "/limited", "old-processor": "/gone"} {
		orgs[org] = map[notify.Channel]notify.Contact{notify.ChannelWebhook: {Address: notify.Address(srv.URL + path), Language: "en"}}
	}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelWebhook: n},
		Directory: notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
			return notify.Contact{}, notify.ErrNoAddress
		}),
		Organisations: orgs, Owner: "d1", Lease: time.Minute, SendTimeout: 10 * time.Second, MaxAttempts: 3,
		Backoff: notify.Backoff{Base: 10 * time.Second, Max: time.Minute}, Jitter: func() float64 { return 0 }, Clock: clock.Now})
	require.NoError(t, err)
	sender := custos.Access{Actor: custos.Actor{ID: "svc-rights", Role: "workflow"}, Purpose: "correction-notice", RequestID: "R-1"}
	msgID := map[string]string{}
	for org := range orgs {
		msgID[org], err = outbox.Enqueue(ctx, notify.Message{To: notify.Organisation(org), Channel: notify.ChannelWebhook, Template: notify.CorrectionNotice,
			Key: "R-1/" + org, Sender: sender, Params: notify.Params{"reference": "R-1", "records": "3", "fields": "address", "corrected": "2026-03-05"}})
		require.NoError(t, err)
	}

	rep, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 3, Retried: 2, Dead: 1}, rep)
	dead, err := outbox.Get(ctx, msgID["old-processor"])
	require.NoError(t, err)
	assert.Equal(t, notify.StateDead, dead.State)
	assert.Equal(t, "http-404", dead.Reason)

	clock.Advance(5 * time.Second)
	rep, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, notify.Report{Claimed: 2, Sent: 2}, rep)
	assert.ElementsMatch(t, []string{msgID["acquirer"], msgID["partner"]}, ids, "delivered under the message ids")
	for org, code := range map[string]string{"acquirer": "http-503", "partner": "http-429"} {
		as, err := outbox.Attempts(ctx, msgID[org])
		require.NoError(t, err)
		require.Len(t, as, 2)
		assert.Equal(t, notify.ResultTemporary, as[0].Result)
		assert.Equal(t, code, as[0].Reason)
		assert.Equal(t, notify.ResultSent, as[1].Result)
		assert.Equal(t, msgID[org], as[1].ProviderID)
	}
	assert.Equal(t, 1, calls["/gone"], "a 404 is not retried")
}
