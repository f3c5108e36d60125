package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/custos-go/custos"
)

// Actions of the notify package in the audit log.
const (
	ActionEnqueue custos.Action = "notify.enqueue"
	ActionDeliver custos.Action = "notify.deliver"
	ActionRetry   custos.Action = "notify.retry"
	ActionErase   custos.Action = "notify.erase"
)

// recordType names outbox messages in audit events.
const recordType = "notify.message"

// OutboxConfig configures an Outbox. Store, Recorder and Subjects are
// required.
type OutboxConfig struct {
	// Store persists the messages.
	Store Store
	// Templates are the templates messages may use; nil means Standard().
	Templates *Templates
	// Recorder durably records the audit event of every enqueue, retry
	// and erasure.
	Recorder custos.Recorder
	// Subjects tells whether a customer is held: messages to a customer
	// the vault does not hold or forgot are refused.
	Subjects custos.Subjects
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
}

// Outbox is the durable queue of notifications: it validates and enqueues
// messages, answers their status and delivery records, and erases a
// forgotten customer's messages. A Dispatcher drains it. Build it with
// NewOutbox; it is safe for concurrent use.
type Outbox struct {
	store     Store
	templates *Templates
	rec       custos.Recorder
	subjects  custos.Subjects
	clock     custos.Clock
}

var _ custos.Eraser = (*Outbox)(nil)

// NewOutbox validates cfg and returns an Outbox.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	case cfg.Subjects == nil:
		return nil, fmt.Errorf("%w: no Subjects", ErrConfig)
	}
	if cfg.Templates == nil {
		cfg.Templates = Standard()
	}
	return &Outbox{store: cfg.Store, templates: cfg.Templates, rec: cfg.Recorder, subjects: cfg.Subjects, clock: cfg.Clock}, nil
}

// Templates returns the outbox's templates.
func (o *Outbox) Templates() *Templates { return o.templates }

// MessageID returns the id of the message enqueued under an idempotency
// key: a hash of the key, so that a rerun of an interrupted enqueue finds
// the same message.
func MessageID(key string) string {
	h := sha256.Sum256([]byte("custos/notify/message\x00" + key))
	return hex.EncodeToString(h[:16])
}

// Enqueue validates m and adds it to the outbox, pending and due now, and
// returns its id. Everything that would make it undeliverable by its own
// content is refused here, not at send time: a bad recipient, channel, key
// or sender (ErrInvalidMessage), an unknown template (ErrUnknownTemplate),
// a missing, extra or malformed parameter (ErrParam), a parameter holding
// personal data (ErrPersonalData), a customer the vault does not hold or
// forgot (ErrNoAddress, ErrForgotten). Nothing is enqueued then.
//
// Enqueue is idempotent: the same message under the same key returns the
// same id and enqueues nothing more; another message under a used key is
// refused with ErrConflict.
//
// The enqueue's audit event is recorded before the message is stored;
// when it cannot be, nothing is stored and the error wraps ErrAudit.
func (o *Outbox) Enqueue(ctx context.Context, m Message) (string, error) {
	if err := m.validate(); err != nil {
		return "", err
	}
	if err := o.templates.Check(m.Template, m.Params); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	if m.To.Subject != "" {
		if err := o.held(ctx, m.To.Subject); err != nil {
			return "", err
		}
	}
	now := o.clock.Now()
	s := Stored{
		ID: MessageID(m.Key), Key: m.Key, To: m.To, Channel: m.Channel, Template: m.Template,
		Params: maps.Clone(m.Params), Sender: m.Sender, State: StatePending, NextAt: now, Created: now, Updated: now,
	}
	if s.Params == nil {
		s.Params = Params{}
	}
	ev := o.event(ActionEnqueue, m.Sender, s, custos.OutcomeAllowed, "")
	if err := o.rec.Record(ctx, ev); err != nil {
		return "", fmt.Errorf("%w: %w", ErrAudit, err)
	}
	got, added, err := o.store.Enqueue(ctx, s)
	if err != nil {
		o.notCommitted(ctx, ev)
		return "", fmt.Errorf("notify: enqueue: %w", err)
	}
	if !added && !same(got, s) {
		return "", fmt.Errorf("%w: key of message %s", ErrConflict, got.ID)
	}
	return s.ID, nil
}

// held refuses a customer the vault does not hold or forgot.
func (o *Outbox) held(ctx context.Context, subject custos.SubjectID) error {
	st, err := o.subjects.SubjectState(ctx, subject)
	switch {
	case err != nil:
		return fmt.Errorf("notify: customer state: %w", err)
	case st == custos.SubjectForgotten:
		return ErrForgotten
	case st == custos.SubjectUnknown:
		return fmt.Errorf("%w: the vault does not hold the customer", ErrNoAddress)
	}
	return nil
}

// same reports whether two stored messages are the same message.
func same(a, b Stored) bool {
	return a.Key == b.Key && a.To == b.To && a.Channel == b.Channel && a.Template == b.Template &&
		maps.Equal(a.Params, b.Params) && a.Sender == b.Sender
}

// event builds an audit event of the outbox about message s.
func (o *Outbox) event(a custos.Action, acc custos.Access, s Stored, out custos.Outcome, reason string) custos.Event {
	return custos.Event{
		Time: o.clock.Now(), Action: a, Access: acc, Subject: s.To.Subject, RecordType: recordType,
		Outcome: out, Reason: reason, Detail: detail(map[string]any{"id": s.ID, "template": s.Template, "channel": s.Channel, "organisation": s.To.Organisation}),
	}
}

// notCommitted records, best effort, that the change of ev did not commit.
func (o *Outbox) notCommitted(ctx context.Context, ev custos.Event) {
	ev.Outcome, ev.Reason = custos.OutcomeError, "not-committed"
	_ = o.rec.Record(context.WithoutCancel(ctx), ev)
}

// detail encodes an event's detail.
func detail(v map[string]any) string {
	for k, x := range v {
		if x == "" {
			delete(v, k)
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Get returns a message of the outbox, or ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id string) (Stored, error) {
	s, err := o.store.Get(ctx, id)
	if err != nil {
		return Stored{}, wrapStore("get", err)
	}
	return s, nil
}

// Attempts returns the delivery records of a message, first attempt
// first.
func (o *Outbox) Attempts(ctx context.Context, id string) ([]Attempt, error) {
	a, err := o.store.Attempts(ctx, id)
	if err != nil {
		return nil, wrapStore("attempts", err)
	}
	return a, nil
}

// Status returns the number of messages in each state and the creation
// time of the oldest one not yet delivered.
func (o *Outbox) Status(ctx context.Context) (Counts, error) {
	c, err := o.store.Counts(ctx)
	if err != nil {
		return Counts{}, wrapStore("status", err)
	}
	return c, nil
}

// Dead returns up to limit dead letters with id greater than after, by id,
// each with its reason.
func (o *Outbox) Dead(ctx context.Context, after string, limit int) ([]Stored, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("%w: limit must be positive", ErrInvalidMessage)
	}
	d, err := o.store.List(ctx, StateDead, after, limit)
	if err != nil {
		return nil, wrapStore("list dead letters", err)
	}
	return d, nil
}

// Retry makes a dead letter pending again, due now, with a fresh budget of
// attempts; acc is the operator's access, recorded in the audit log before
// the change. ErrNotDead for a message that is not a dead letter.
func (o *Outbox) Retry(ctx context.Context, acc custos.Access, id string) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	s, err := o.store.Get(ctx, id)
	if err != nil {
		return wrapStore("get", err)
	}
	if s.State != StateDead {
		return fmt.Errorf("%w: it is %s", ErrNotDead, s.State)
	}
	ev := o.event(ActionRetry, acc, s, custos.OutcomeAllowed, "")
	if err := o.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	if err := o.store.Retry(ctx, id, o.clock.Now()); err != nil {
		o.notCommitted(ctx, ev)
		return wrapStore("retry", err)
	}
	return nil
}

// EraseSubject deletes every message to a forgotten customer, with its
// delivery records (PIPL Art. 47; GDPR Art. 17): the vault calls it as a
// custos.Eraser before it destroys the customer's key. A pending message
// is never sent after it. The audit log keeps the pseudonymous events of
// every enqueue and delivery. It is idempotent.
//
// The messages are deleted before the erasure's event is recorded, so an
// audit outage never keeps them: the event is then recorded best effort
// and the error wraps ErrAudit.
func (o *Outbox) EraseSubject(ctx context.Context, acc custos.Access, subject custos.SubjectID) (custos.Erased, error) {
	if err := acc.Validate(); err != nil {
		return custos.Erased{}, err
	}
	if err := subject.Validate(); err != nil {
		return custos.Erased{}, err
	}
	n, err := o.store.EraseSubject(ctx, subject)
	if err != nil {
		return custos.Erased{}, wrapStore("erase", err)
	}
	ev := custos.Event{Time: o.clock.Now(), Action: ActionErase, Access: acc, Subject: subject, RecordType: recordType,
		Outcome: custos.OutcomeAllowed, Detail: detail(map[string]any{"removed": n})}
	out := custos.Erased{Component: "notify", Removed: n}
	if err := o.rec.Record(ctx, ev); err != nil {
		return out, fmt.Errorf("%w: %w", ErrAudit, err)
	}
	return out, nil
}

// wrapStore wraps a store error, keeping the package's sentinels.
func wrapStore(op string, err error) error {
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotDead) || errors.Is(err, ErrLeaseLost) {
		return err
	}
	return fmt.Errorf("notify: %s: %w", op, err)
}
