package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"golang.org/x/text/language"
)

// Notifier delivers a rendered message over one channel: the one interface
// a host implements for SMS, WeChat, an in-app inbox. Send must pass
// d.Key to the receiver (as a message id, a header, a field) so that a
// resend after a crash is recognised, and must return a *Failure (see
// Permanent and Temporary) whose code names a failure without repeating
// the address or the text. An error that is no *Failure counts as
// temporary. Send must be safe for concurrent use.
type Notifier interface {
	Send(ctx context.Context, d Delivery) (Receipt, error)
}

// Address is where a message goes: an e-mail address, a mobile number, a
// URL. A customer's address is personal data read from the vault for one
// send; it prints redacted.
type Address string

// String redacts the address.
func (a Address) String() string { return "address(redacted)" }

// GoString redacts the address in %#v.
func (a Address) GoString() string { return `notify.Address("redacted")` }

// Format redacts the address whatever the verb.
func (a Address) Format(f fmt.State, _ rune) { io.WriteString(f, a.String()) }

// LogValue redacts the address in log/slog output.
func (a Address) LogValue() slog.Value { return slog.StringValue(a.String()) }

// Delivery is one attempt at sending a message, as a Notifier gets it.
type Delivery struct {
	// ID is the message's id, Key its idempotency key: the same for every
	// attempt.
	ID, Key string
	// Attempt numbers the attempts of the message from 1.
	Attempt int
	Channel Channel
	// To is the address, read for this send; Organisation names the
	// recipient when it is one.
	To           Address
	Organisation string
	// Template, Language, Subject and Body are the rendered text.
	Template TemplateID
	Language language.Tag
	Subject  string
	Body     string
}

// LogValue renders the delivery without the address or the text.
func (d Delivery) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", d.ID), slog.String("key", d.Key), slog.Int("attempt", d.Attempt),
		slog.String("channel", string(d.Channel)), slog.String("template", string(d.Template)), slog.String("language", d.Language.String()))
}

// Receipt is what the channel said when it accepted a message.
type Receipt struct {
	// ProviderID is the id the channel gave the message (an SMTP
	// Message-ID, a provider's message id), kept in the delivery record.
	ProviderID string
}

// Failure is a failed send, classified: Permanent failures make the
// message a dead letter at once, temporary ones are retried with backoff.
// Code is a short machine-readable code, such as "smtp-550" or "http-429",
// kept in the delivery record; Error returns only the code, so that a
// server's reply echoing the address never reaches a log or the store.
type Failure struct {
	Code      string
	Permanent bool
	Err       error
}

// Permanent returns a permanent failure with code, wrapping err.
func Permanent(code string, err error) error { return &Failure{Code: code, Permanent: true, Err: err} }

// Temporary returns a temporary failure with code, wrapping err.
func Temporary(code string, err error) error { return &Failure{Code: code, Err: err} }

func (f *Failure) Error() string {
	kind := "temporary"
	if f.Permanent {
		kind = "permanent"
	}
	return "notify: " + kind + " failure: " + f.Code
}

// Unwrap returns the underlying error.
func (f *Failure) Unwrap() error { return f.Err }

// classify returns the result and code of a send error.
func classify(err error) (Result, string) {
	var f *Failure
	switch {
	case errors.As(err, &f):
		code := f.Code
		if checkName("code", code) != nil {
			code = "unspecified"
		}
		if f.Permanent {
			return ResultPermanent, code
		}
		return ResultTemporary, code
	case errors.Is(err, context.DeadlineExceeded):
		return ResultTemporary, "timeout"
	}
	return ResultTemporary, "error"
}
