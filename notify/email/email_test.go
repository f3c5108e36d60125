package email_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email"
	"github.com/custos-go/custos/notify/email/emailtest"
)

func start(t testing.TB, mode emailtest.Mode) *emailtest.Server {
	t.Helper()
	s, err := emailtest.Start(mode)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func notifier(t testing.TB, s *emailtest.Server, edit func(*email.Config)) *email.Notifier {
	t.Helper()
	cfg := email.Config{Host: s.Host, Port: s.Port, From: "notices@lessor.example", FromName: "Lessor 租赁", MessageIDDomain: "lessor.example", TLSConfig: s.ClientTLS}
	if edit != nil {
		edit(&cfg)
	}
	n, err := email.New(cfg)
	require.NoError(t, err)
	return n
}

func delivery(to string) notify.Delivery {
	r, err := notify.Standard().Render(notify.TransferNotice, notify.Params{"recipient": "收购方融资租赁有限公司", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}, "zh-CN")
	if err != nil {
		panic(err)
	}
	return notify.Delivery{ID: notify.MessageID("t1/C0000001"), Key: "t1/C0000001", Attempt: 1, Channel: notify.ChannelEmail,
		To: notify.Address(to), Template: notify.TransferNotice, Language: r.Choice.Language, Subject: r.Subject, Body: r.Body}
}

// parse reads a received message as a mail client would, decoding the
// MIME-encoded subject and the quoted-printable body.
func parse(t *testing.T, raw []byte) (*mail.Message, string, string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	body, err := io.ReadAll(m.Body)
	require.NoError(t, err)
	if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		dec, err := io.ReadAll(qpReader(string(body)))
		require.NoError(t, err)
		body = dec
	}
	return m, subject, string(body)
}

// TestSendTLS: over STARTTLS and implicit TLS the message arrives with its
// UTF-8 subject MIME-encoded, its body intact, and a Message-ID derived
// from the idempotency key, the same on a resend.
func TestSendTLS(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode emailtest.Mode
		sec  email.Security
	}{
		{"STARTTLS", emailtest.StartTLS, email.STARTTLS},
		{"implicit TLS", emailtest.ImplicitTLS, email.ImplicitTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, tc.mode)
			n := notifier(t, s, func(c *email.Config) { c.Security = tc.sec })
			d := delivery("customer1@mail.example")
			rec, err := n.Send(context.Background(), d)
			require.NoError(t, err)
			d.Attempt = 2
			again, err := n.Send(context.Background(), d)
			require.NoError(t, err)
			assert.Equal(t, rec.ProviderID, again.ProviderID, "a resend carries the same Message-ID")
			assert.Equal(t, n.MessageID(d.Key), rec.ProviderID)

			got := s.Received()
			require.Len(t, got, 2)
			assert.Equal(t, []string{"customer1@mail.example"}, got[0].To)
			assert.Equal(t, "notices@lessor.example", got[0].From)
			raw := string(got[0].Data)
			assert.NotContains(t, raw, "收购方", "non-ASCII text is MIME-encoded, not raw")
			m, subject, body := parse(t, got[0].Data)
			assert.Equal(t, d.Subject, subject)
			assert.Equal(t, strings.ReplaceAll(d.Body, "\n", "\r\n"), strings.TrimRight(body, "\r\n"))
			assert.Equal(t, "<"+rec.ProviderID+">", m.Header.Get("Message-Id"))
			assert.Equal(t, "zh-Hans", m.Header.Get("Content-Language"))
			assert.Equal(t, d.Key, m.Header.Get("X-Custos-Idempotency-Key"))
			assert.Contains(t, m.Header.Get("Content-Type"), "charset=UTF-8")
			from, err := (&mime.WordDecoder{}).DecodeHeader(m.Header.Get("From"))
			require.NoError(t, err)
			assert.Contains(t, from, "Lessor 租赁")
		})
	}
}

// TestSendFailures: each failure is classified as the dispatcher needs
// it, with a code that holds no address and no server text.
func TestSendFailures(t *testing.T) {
	ctx := context.Background()
	refusing := func(code int) *emailtest.Server {
		s := start(t, emailtest.StartTLS)
		s.Refuse = func(string) *emailtest.Reply {
			return &emailtest.Reply{Code: code, Message: "mailbox customer1@mail.example is full"}
		}
		return s
	}
	plain := start(t, emailtest.Plain)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	for _, tc := range []struct {
		name      string
		n         func() *email.Notifier
		to        string
		code      string
		permanent bool
	}{
		{"4xx reply", func() *email.Notifier { return notifier(t, refusing(451), nil) }, "customer1@mail.example", "smtp-451", false},
		{"5xx reply", func() *email.Notifier { return notifier(t, refusing(550), nil) }, "customer1@mail.example", "smtp-550", true},
		{"invalid address", func() *email.Notifier { return notifier(t, start(t, emailtest.StartTLS), nil) }, "not an address", "invalid-address", true},
		{"connection refused", func() *email.Notifier {
			return notifier(t, plain, func(c *email.Config) { c.Port = closedPort })
		}, "customer1@mail.example", "network", false},
		{"server without STARTTLS", func() *email.Notifier { return notifier(t, plain, nil) }, "customer1@mail.example", "tls-unavailable", false},
		{"untrusted certificate", func() *email.Notifier {
			return notifier(t, start(t, emailtest.StartTLS), func(c *email.Config) { c.TLSConfig = &tls.Config{ServerName: "127.0.0.1"} })
		}, "customer1@mail.example", "tls", false},
		{"implicit TLS to a plain server", func() *email.Notifier {
			return notifier(t, plain, func(c *email.Config) { c.Security = email.ImplicitTLS })
		}, "customer1@mail.example", "tls", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.n().Send(ctx, delivery(tc.to))
			var f *notify.Failure
			require.True(t, errors.As(err, &f), "%v", err)
			assert.Equal(t, tc.code, f.Code)
			assert.Equal(t, tc.permanent, f.Permanent)
			assert.NotContains(t, err.Error(), "@", "the error names no address")
			assert.NotContains(t, err.Error(), "is full", "nor the server's text")
		})
	}
	assert.Empty(t, plain.Received())
}

// TestPlaintextForDevelopment: plain SMTP needs the loudly named option.
func TestPlaintextForDevelopment(t *testing.T) {
	s := start(t, emailtest.Plain)
	n := notifier(t, s, func(c *email.Config) { c.Security = email.InsecurePlaintextForDevelopment })
	_, err := n.Send(context.Background(), delivery("customer1@mail.example"))
	require.NoError(t, err)
	assert.Len(t, s.Received(), 1)
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  email.Config
		says string
	}{
		{"no host", email.Config{Port: 25, From: "a@lessor.example", MessageIDDomain: "lessor.example"}, "Host and Port"},
		{"bad port", email.Config{Host: "h", Port: 70000, From: "a@lessor.example", MessageIDDomain: "lessor.example"}, "Host and Port"},
		{"no domain", email.Config{Host: "h", Port: 25, From: "a@lessor.example"}, "MessageIDDomain"},
		{"bad from", email.Config{Host: "h", Port: 25, From: "lessor", MessageIDDomain: "lessor.example"}, "From"},
		{"password in clear", email.Config{Host: "h", Port: 25, From: "a@lessor.example", MessageIDDomain: "lessor.example", Username: "u", Security: email.InsecurePlaintextForDevelopment}, "in clear"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := email.New(tc.cfg)
			require.ErrorIs(t, err, email.ErrConfig)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}
