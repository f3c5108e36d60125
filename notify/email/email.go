// Package email is the SMTP adapter of notify: it sends a rendered message
// as a UTF-8 e-mail through github.com/wneessen/go-mail, over STARTTLS or
// implicit TLS. Plain text without TLS needs the loudly named
// InsecurePlaintextForDevelopment.
//
// The Message-ID is derived from the message's idempotency key, so that a
// resend after a crash carries the same Message-ID and the receiver (or
// its mail system) can drop the duplicate. SMTP replies are classified:
// 4xx and network failures are temporary ("smtp-451", "network"), 5xx are
// permanent ("smtp-550"), an invalid address is permanent
// ("invalid-address"), a failed TLS handshake is temporary ("tls").
// Failure codes never hold the address or the server's text.
//
// # Concurrency
//
// A Notifier is safe for concurrent use; each Send opens its own
// connection.
package email

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
)

// ErrConfig reports an invalid Config.
var ErrConfig = errors.New("email: invalid configuration")

// Security is how the connection to the SMTP server is protected.
type Security uint8

const (
	// STARTTLS upgrades the connection with STARTTLS and fails when the
	// server does not offer it. The default.
	STARTTLS Security = iota
	// ImplicitTLS connects with TLS from the first byte (port 465).
	ImplicitTLS
	// InsecurePlaintextForDevelopment sends without TLS: addresses and
	// texts cross the network readable. For a local development server
	// only.
	InsecurePlaintextForDevelopment
)

// Config configures a Notifier. Host, Port, From and MessageIDDomain are
// required.
type Config struct {
	Host string
	Port int
	// From is the sender address: the handler's notification mailbox.
	From string
	// FromName is shown beside From, such as the handler's name.
	FromName string
	// MessageIDDomain is the right-hand side of Message-IDs, such as the
	// handler's mail domain.
	MessageIDDomain string
	// Username and Password authenticate with SMTP AUTH PLAIN when set;
	// they are sent only over TLS.
	Username, Password string
	// Security protects the connection; zero means STARTTLS.
	Security Security
	// TLSConfig verifies the server; nil means the system roots and Host
	// as server name.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each command; 0 means 30 s.
	Timeout time.Duration
}

// Notifier sends notifications as e-mail. Build it with New.
type Notifier struct {
	cfg  Config
	opts []mail.Option
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and returns a Notifier.
func New(cfg Config) (*Notifier, error) {
	switch {
	case cfg.Host == "" || cfg.Port <= 0 || cfg.Port > 65535:
		return nil, fmt.Errorf("%w: Host and Port are required", ErrConfig)
	case cfg.MessageIDDomain == "":
		return nil, fmt.Errorf("%w: MessageIDDomain is required", ErrConfig)
	case cfg.Security > InsecurePlaintextForDevelopment:
		return nil, fmt.Errorf("%w: unknown Security", ErrConfig)
	case cfg.Security == InsecurePlaintextForDevelopment && cfg.Username != "":
		return nil, fmt.Errorf("%w: SMTP AUTH without TLS would send the password in clear", ErrConfig)
	}
	if _, err := (kind.Email{}).Canonical(cfg.From); err != nil {
		return nil, fmt.Errorf("%w: From is not an e-mail address", ErrConfig)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	tc := cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{mail.WithPort(cfg.Port), mail.WithTimeout(cfg.Timeout), mail.WithTLSConfig(tc), mail.WithHELO(cfg.MessageIDDomain)}
	switch cfg.Security {
	case STARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, mail.WithSSL())
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	return &Notifier{cfg: cfg, opts: opts}, nil
}

// MessageID returns the Message-ID (without angle brackets) of the message
// with idempotency key key: the same for every attempt.
func (n *Notifier) MessageID(key string) string {
	h := sha256.Sum256([]byte("custos/notify/email\x00" + key))
	return hex.EncodeToString(h[:16]) + "@" + n.cfg.MessageIDDomain
}

// Send delivers d to d.To. The receipt's ProviderID is the Message-ID.
func (n *Notifier) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	to, err := (kind.Email{}).Canonical(string(d.To))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("invalid-address", nil)
	}
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if n.cfg.FromName != "" {
		err = m.FromFormat(n.cfg.FromName, n.cfg.From)
	} else {
		err = m.From(n.cfg.From)
	}
	if err != nil {
		return notify.Receipt{}, notify.Permanent("invalid-sender", nil)
	}
	if err := m.To(to); err != nil {
		return notify.Receipt{}, notify.Permanent("invalid-address", nil)
	}
	id := n.MessageID(d.Key)
	m.SetMessageIDWithValue(id)
	m.SetDate()
	m.SetGenHeader("Content-Language", d.Language.String())
	m.SetGenHeader("X-Custos-Idempotency-Key", d.Key)
	m.Subject(d.Subject)
	m.SetBodyString(mail.TypeTextPlain, d.Body)

	c, err := mail.NewClient(n.cfg.Host, n.opts...)
	if err != nil {
		return notify.Receipt{}, notify.Permanent("client", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return notify.Receipt{}, classify(err)
	}
	return notify.Receipt{ProviderID: id}, nil
}

// classify turns a go-mail error into a notify failure whose code holds
// no address and no server text.
func classify(err error) error {
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		code := "smtp-" + strconv.Itoa(se.ErrorCode())
		if se.ErrorCode() >= 500 {
			return notify.Permanent(code, err)
		}
		return notify.Temporary(code, err)
	}
	var (
		rec  tls.RecordHeaderError
		cert *tls.CertificateVerificationError
		ne   net.Error
	)
	switch {
	case errors.As(err, &rec), errors.As(err, &cert):
		return notify.Temporary("tls", err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return notify.Temporary("timeout", err)
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		return notify.Temporary("tls-unavailable", err)
	}
	return notify.Temporary("network", err)
}
