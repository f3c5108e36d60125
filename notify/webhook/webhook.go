// Package webhook is the signed-webhook adapter of notify: it POSTs each
// rendered message as a JSON event to the recipient's URL, signed the
// Standard Webhooks way (webhook-id, webhook-timestamp and
// webhook-signature headers, HMAC-SHA256 through
// github.com/standard-webhooks/standard-webhooks/libraries), so that the
// receiver verifies it came from the handler and was not altered.
//
// The webhook-id is the message's id, derived from its idempotency key,
// and the event carries the key: a resend after a crash has the same id.
// Replies are classified: 2xx sent; 429 and 5xx temporary ("http-503");
// other 4xx permanent ("http-404"); a redirect is not followed and is
// permanent ("http-redirect"), since a signed notice goes to the
// configured endpoint only; network errors and timeouts temporary.
//
// # Concurrency
//
// A Notifier is safe for concurrent use.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// ErrConfig reports an invalid Config.
var ErrConfig = errors.New("webhook: invalid configuration")

// EventType is the type of every event sent.
const EventType = "custos.notification"

// Config configures a Notifier. Secret is required.
type Config struct {
	// Secret is the signing secret in the Standard Webhooks form
	// "whsec_" + base64, shared with the receiver.
	Secret string
	// Client sends the requests; nil means a client with Timeout. Its
	// redirects are never followed.
	Client *http.Client
	// Timeout bounds one request when Client is nil; 0 means 10 s.
	Timeout time.Duration
	// InsecureHTTPForDevelopment allows http:// URLs; otherwise only
	// https:// is accepted.
	InsecureHTTPForDevelopment bool
	// Clock gives the signature's timestamp; nil means time.Now.
	Clock custos.Clock
}

// Notifier sends notifications as signed webhooks. Build it with New.
type Notifier struct {
	wh     *standardwebhooks.Webhook
	client *http.Client
	plain  bool
	clock  custos.Clock
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and returns a Notifier.
func New(cfg Config) (*Notifier, error) {
	wh, err := standardwebhooks.NewWebhook(cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("%w: the secret is not whsec_ and base64", ErrConfig)
	}
	c := http.Client{Timeout: cfg.Timeout}
	if cfg.Client != nil {
		c = *cfg.Client
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Notifier{wh: wh, client: &c, plain: cfg.InsecureHTTPForDevelopment, clock: cfg.Clock}, nil
}

// Event is the JSON body of a webhook.
type Event struct {
	Type           string `json:"type"`
	ID             string `json:"id"`
	IdempotencyKey string `json:"idempotency_key"`
	Attempt        int    `json:"attempt"`
	Template       string `json:"template"`
	Language       string `json:"language"`
	Organisation   string `json:"organisation,omitempty"`
	Subject        string `json:"subject"`
	Body           string `json:"body"`
}

// Send POSTs d to the URL d.To.
func (n *Notifier) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	u, err := url.Parse(string(d.To))
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(n.plain && u.Scheme == "http")) {
		return notify.Receipt{}, notify.Permanent("invalid-url", nil)
	}
	body, err := json.Marshal(Event{Type: EventType, ID: d.ID, IdempotencyKey: d.Key, Attempt: d.Attempt, Template: string(d.Template),
		Language: d.Language.String(), Organisation: d.Organisation, Subject: d.Subject, Body: d.Body})
	if err != nil {
		return notify.Receipt{}, notify.Permanent("encode", err)
	}
	now := n.clock.Now()
	sig, err := n.wh.Sign(d.ID, now, body)
	if err != nil {
		return notify.Receipt{}, notify.Permanent("sign", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("invalid-url", nil)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(standardwebhooks.HeaderWebhookID, d.ID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := n.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ue) && ue.Timeout()) {
			return notify.Receipt{}, notify.Temporary("timeout", nil)
		}
		return notify.Receipt{}, notify.Temporary("network", nil) // the error would name the URL
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := "http-" + strconv.Itoa(resp.StatusCode)
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return notify.Receipt{ProviderID: d.ID}, nil
	case s >= 300 && s < 400:
		return notify.Receipt{}, notify.Permanent("http-redirect", nil)
	case s == http.StatusTooManyRequests || s >= 500:
		return notify.Receipt{}, notify.Temporary(code, nil)
	}
	return notify.Receipt{}, notify.Permanent(code, nil)
}
