package notify

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/custos-go/custos"
)

// Channel names a delivery channel, such as "email", "sms" or "webhook". A
// Dispatcher holds one Notifier per channel.
type Channel string

// The channels of the adapters shipped with this package.
const (
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
)

// Recipient is who a message is for: a customer, named by SubjectID only,
// whose address the Directory reads from the vault at send time; or an
// organisation (a regulator, an acquirer, a recipient of corrections) named
// by the key under which the host declared its address. Exactly one is set.
type Recipient struct {
	Subject      custos.SubjectID
	Organisation string
}

// Customer returns the recipient for a customer.
func Customer(s custos.SubjectID) Recipient { return Recipient{Subject: s} }

// Organisation returns the recipient for a declared organisation.
func Organisation(name string) Recipient { return Recipient{Organisation: name} }

// Validate reports whether exactly one of Subject and Organisation is set,
// as a valid identifier. The error wraps ErrInvalidMessage.
func (r Recipient) Validate() error {
	switch {
	case r.Subject == "" && r.Organisation == "":
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	case r.Subject != "" && r.Organisation != "":
		return fmt.Errorf("%w: both a customer and an organisation as recipient", ErrInvalidMessage)
	case r.Subject != "":
		if err := r.Subject.Validate(); err != nil {
			return fmt.Errorf("%w: recipient: %w", ErrInvalidMessage, err)
		}
	default:
		if err := checkName("organisation", r.Organisation); err != nil {
			return err
		}
	}
	return nil
}

// LogValue redacts the customer.
func (r Recipient) LogValue() slog.Value {
	if r.Subject != "" {
		return slog.StringValue("subject(redacted)")
	}
	return slog.StringValue("organisation:" + r.Organisation)
}

// Params are a message's template parameters, by name. They are stored in
// the outbox, outside the vault, and so hold no personal data: a
// parameter that reads as a resident ID, mobile, bank card number or e-mail
// address is refused (ErrPersonalData). Numbers are decimal integers and
// dates are YYYY-MM-DD, as the template declares; Render formats them for
// the reader's language.
type Params map[string]string

// Message is a notification to enqueue.
type Message struct {
	// To is the recipient.
	To Recipient
	// Channel is how to deliver it.
	Channel Channel
	// Template names the text; Params fill it.
	Template TemplateID
	Params   Params
	// Key is the idempotency key: enqueueing the same message twice under
	// one key enqueues it once, and every adapter passes the key on
	// (Message-ID, webhook-id) so that a receiver recognises a resend.
	// Build it from the host's own stable ids, such as
	// "transfer-T1/C0000001"; it is stored in clear and so holds no
	// personal data.
	Key string
	// Sender is who sends it and for what purpose. The dispatcher reads a
	// customer's address from the vault under this access, so its purpose
	// must be registered with a legal basis that covers the read: a legal
	// duty to notify (PIPL Art. 13(3); PIPL Art. 22, 57; GDPR Art. 19, 34)
	// or the contract.
	Sender custos.Access
}

// LogValue renders the message without the customer or the parameters'
// values.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("to", m.To), slog.String("channel", string(m.Channel)),
		slog.String("template", string(m.Template)), slog.Any("params", slices.Sorted(maps.Keys(m.Params))),
		slog.String("key", m.Key), slog.Any("sender", m.Sender),
	)
}

// validate checks everything of m but its template and parameters.
func (m Message) validate() error {
	if err := m.To.Validate(); err != nil {
		return err
	}
	if err := checkName("channel", string(m.Channel)); err != nil {
		return err
	}
	if err := checkName("idempotency key", m.Key); err != nil {
		return err
	}
	if err := m.Sender.Validate(); err != nil {
		return fmt.Errorf("%w: sender: %w", ErrInvalidMessage, err)
	}
	return nil
}

// checkName checks an identifier of a message (organisation, channel,
// key): 1 to custos.MaxIdentifierBytes of printable text without spaces,
// and no personal data.
func checkName(what, s string) error {
	if err := custos.SubjectID(s).Validate(); err != nil {
		msg := err.Error()
		reason := msg[strings.LastIndex(msg, ": ")+2:]
		return fmt.Errorf("%w: %s %s", ErrInvalidMessage, what, reason)
	}
	if found := personalFind(s); found != "" {
		return fmt.Errorf("%w: %s holds %s", ErrInvalidMessage, what, found)
	}
	return nil
}
