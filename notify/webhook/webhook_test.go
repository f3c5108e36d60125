package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/webhook"
)

var (
	rawSecret = []byte("synthetic-secret-of-32-bytes!!!!")
	secret    = "whsec_" + base64.StdEncoding.EncodeToString(rawSecret)
	t0        = time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
)

// verify checks a request's signature by the Standard Webhooks rules
// written out here, independently of the library that signed it: HMAC-
// SHA256 over "id.timestamp.body", base64, as "v1,<sig>".
func verify(r *http.Request, body []byte) bool {
	id, ts, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return false
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return false
	}
	mac := hmac.New(sha256.New, rawSecret)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func delivery(url string) notify.Delivery {
	return notify.Delivery{ID: notify.MessageID("corr-1"), Key: "corr-1", Attempt: 1, Channel: notify.ChannelWebhook, To: notify.Address(url),
		Organisation: "acquirer", Template: notify.CorrectionNotice, Language: language.English, Subject: "Correction (R-1)", Body: "On 5 March 2026 we corrected…"}
}

func newNotifier(t *testing.T, srv *httptest.Server, edit func(*webhook.Config)) *webhook.Notifier {
	t.Helper()
	cfg := webhook.Config{Secret: secret, Client: srv.Client(), Clock: func() time.Time { return t0 }}
	if edit != nil {
		edit(&cfg)
	}
	n, err := webhook.New(cfg)
	require.NoError(t, err)
	return n
}

// TestSendSigned: the receiver gets a JSON event whose signature verifies
// by the standard's rules, with the message id as webhook-id and the
// idempotency key in the event.
func TestSendSigned(t *testing.T) {
	var got []webhook.Event
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !verify(r, body) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		lib, _ := standardwebhooks.NewWebhook(secret)
		if lib.VerifyIgnoringTimestamp(body, r.Header) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		require.NoError(t, json.Unmarshal(body, &ev))
		got = append(got, ev)
		assert.Equal(t, ev.ID, r.Header.Get("webhook-id"))
		assert.Equal(t, strconv.FormatInt(t0.Unix(), 10), r.Header.Get("webhook-timestamp"))
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}))
	defer srv.Close()
	n := newNotifier(t, srv, nil)
	d := delivery(srv.URL + "/hooks/custos")
	rec, err := n.Send(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, d.ID, rec.ProviderID)
	require.Len(t, got, 1)
	assert.Equal(t, webhook.Event{Type: webhook.EventType, ID: d.ID, IdempotencyKey: "corr-1", Attempt: 1, Template: "correction-notice",
		Language: "en", Organisation: "acquirer", Subject: d.Subject, Body: d.Body}, got[0])

	// A wrong secret fails the receiver's check: a 401, permanent.
	other := newNotifier(t, srv, func(c *webhook.Config) {
		c.Secret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("another-secret"))
	})
	_, err = other.Send(context.Background(), d)
	var f *notify.Failure
	require.ErrorAs(t, err, &f)
	assert.Equal(t, "http-401", f.Code)
	assert.True(t, f.Permanent)
	assert.Len(t, got, 1)
}

// TestSendFailures: 5xx and 429 are retried, other 4xx and redirects are
// not, timeouts and network errors are retried.
func TestSendFailures(t *testing.T) {
	var followed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/503", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(429) })
	mux.HandleFunc("/404", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { followed.Add(1) })
	release := make(chan struct{})
	mux.HandleFunc("/slow", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	defer close(release) // before Close, which waits for handlers
	closed := httptest.NewTLSServer(mux)
	closedURL := closed.URL
	closed.Close()
	short := func(c *webhook.Config) { c.Timeout = 50 * time.Millisecond; c.Client.Timeout = 50 * time.Millisecond }
	for _, tc := range []struct {
		name, url, code string
		permanent       bool
		edit            func(*webhook.Config)
	}{
		{"500", srv.URL + "/500", "http-500", false, nil},
		{"503", srv.URL + "/503", "http-503", false, nil},
		{"429", srv.URL + "/429", "http-429", false, nil},
		{"404", srv.URL + "/404", "http-404", true, nil},
		{"redirect", srv.URL + "/redirect", "http-redirect", true, nil},
		{"timeout", srv.URL + "/slow", "timeout", false, short},
		{"connection refused", closedURL + "/x", "network", false, nil},
		{"plain http refused", strings.Replace(srv.URL, "https", "http", 1) + "/500", "invalid-url", true, nil},
		{"not a URL", "customer inbox", "invalid-url", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newNotifier(t, srv, tc.edit)
			_, err := n.Send(context.Background(), delivery(tc.url))
			var f *notify.Failure
			require.True(t, errors.As(err, &f), "%v", err)
			assert.Equal(t, tc.code, f.Code)
			assert.Equal(t, tc.permanent, f.Permanent)
			assert.NotContains(t, err.Error(), "127.0.0.1", "the error names no URL")
		})
	}
	assert.Zero(t, followed.Load(), "redirects are not followed")
}

func TestConfig(t *testing.T) {
	for _, s := range []string{"", "whsec_", "whsec_not base64!"} {
		_, err := webhook.New(webhook.Config{Secret: s})
		assert.ErrorIs(t, err, webhook.ErrConfig, "%q", s)
	}
}
