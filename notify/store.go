package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// State is where a message is in the outbox.
type State uint8

const (
	// StatePending: waiting for its next attempt, due at NextAt.
	StatePending State = iota + 1
	// StateClaimed: a dispatcher holds it under a lease until LeaseUntil;
	// after that another dispatcher may claim it again.
	StateClaimed
	// StateSent: an adapter accepted it.
	StateSent
	// StateDead: a dead letter, with the reason; it is not tried again
	// unless an operator retries it.
	StateDead
	// StateCancelled: it will never be sent, with the reason, such as a
	// customer forgotten after it was enqueued.
	StateCancelled
)

var stateNames = [...]string{"", "pending", "claimed", "sent", "dead", "cancelled"}

// String returns "pending", "claimed", "sent", "dead" or "cancelled".
func (s State) String() string {
	if int(s) < len(stateNames) && s != 0 {
		return stateNames[s]
	}
	return "invalid"
}

// States lists every state, in order.
func States() []State {
	return []State{StatePending, StateClaimed, StateSent, StateDead, StateCancelled}
}

// Stored is one message as the outbox holds it: the customer's SubjectID,
// the template and its non-personal parameters, never an address.
type Stored struct {
	// ID is derived from Key (see MessageID), so that the same message
	// enqueued twice has one id.
	ID       string
	Key      string
	To       Recipient
	Channel  Channel
	Template TemplateID
	Params   Params
	Sender   custos.Access
	State    State
	// Attempts counts the attempts started, Base those started before an
	// operator's last retry: the dispatcher gives up after
	// Attempts-Base attempts.
	Attempts, Base int
	// NextAt is when a pending message is next due.
	NextAt time.Time
	// Owner and LeaseUntil name the dispatcher holding a claimed message
	// and until when.
	Owner      string
	LeaseUntil time.Time
	// Reason says why a message is dead or cancelled, as a short code.
	Reason           string
	Created, Updated time.Time
}

// LogValue renders the message without the customer or the parameters.
func (s Stored) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", s.ID), slog.Any("to", s.To), slog.String("channel", string(s.Channel)),
		slog.String("template", string(s.Template)), slog.String("state", s.State.String()),
		slog.Int("attempts", s.Attempts), slog.String("reason", s.Reason),
	)
}

// Result is how one delivery attempt ended.
type Result uint8

const (
	// ResultInFlight: started, no result recorded yet.
	ResultInFlight Result = iota + 1
	// ResultSent: the adapter accepted the message.
	ResultSent
	// ResultTemporary: a failure worth retrying (a 4xx SMTP reply, an HTTP
	// 5xx or 429, a network error).
	ResultTemporary
	// ResultPermanent: a failure no retry cures (a 5xx SMTP reply, an HTTP
	// 4xx, no address on file, an invalid address).
	ResultPermanent
	// ResultAbandoned: the dispatcher's lease ran out before it recorded a
	// result, as when it crashed between sending and recording; the
	// message may have been sent, and the next attempt carries the same
	// idempotency key.
	ResultAbandoned
	// ResultCancelled: the message was cancelled at this attempt, before
	// any address was read.
	ResultCancelled
)

var resultNames = [...]string{"", "in-flight", "sent", "temporary", "permanent", "abandoned", "cancelled"}

// String returns the result's name, such as "sent" or "temporary".
func (r Result) String() string {
	if int(r) < len(resultNames) && r != 0 {
		return resultNames[r]
	}
	return "invalid"
}

// Attempt is the delivery record of one attempt, what a host shows an
// auditor: when, over which channel, with which result and the provider's
// message id. It holds no address and no text.
type Attempt struct {
	// Message is the message's id; N numbers its attempts from 1.
	Message string
	N       int
	// Owner is the dispatcher that made it.
	Owner   string
	Channel Channel
	// Started and Finished bound it; Finished is zero while in flight.
	Started, Finished time.Time
	Result            Result
	// Reason is a short code of a failure, such as "smtp-550" or
	// "no-address".
	Reason string
	// ProviderID is the id the channel gave the message, such as the
	// SMTP Message-ID.
	ProviderID string
	// Language is the language the text was rendered in, Asked the
	// customer's preferred language as stored, and Confidence the
	// matcher's ("No" when it fell back).
	Language, Asked, Confidence string
}

// Claim asks the store for due messages.
type Claim struct {
	// Owner names the dispatcher claiming.
	Owner string
	// Now is the dispatcher's time: pending messages with NextAt ≤ Now and
	// claimed messages with LeaseUntil ≤ Now are due.
	Now time.Time
	// Until is the end of the lease of the messages claimed.
	Until time.Time
	// Limit bounds how many are claimed.
	Limit int
}

// Finish records the result of an attempt and the message's next state.
type Finish struct {
	// ID, Owner and N identify the claim: the store applies Finish only
	// while the message is claimed by Owner at attempt N, and returns
	// ErrLeaseLost otherwise.
	ID    string
	Owner string
	N     int
	// Attempt holds the result: Finished, Result, Reason, ProviderID and
	// language of the attempt.
	Attempt Attempt
	// State is the message's next state: StatePending (retried at NextAt),
	// StateSent, StateDead or StateCancelled (with Reason).
	State  State
	NextAt time.Time
	Reason string
}

// Counts is the outbox's status: messages per state and the creation time
// of the oldest not yet delivered (pending or claimed), zero if none.
type Counts struct {
	ByState       map[State]int
	OldestPending time.Time
}

// Store persists the outbox. Implementations are dumb: every rule is in
// Outbox and Dispatcher. All methods are safe for concurrent use, also
// from several processes sharing one database, and each is atomic.
type Store interface {
	// Enqueue adds m, which is pending, unless a message with m.Key
	// exists: then it changes nothing and returns that message with
	// added false.
	Enqueue(ctx context.Context, m Stored) (existing Stored, added bool, err error)
	// Get returns a message, or ErrNotFound.
	Get(ctx context.Context, id string) (Stored, error)
	// Claim claims up to c.Limit due messages for c.Owner until c.Until,
	// oldest NextAt first: it sets their state to claimed, increments
	// Attempts, adds an in-flight Attempt numbered Attempts (Started
	// c.Now), and marks a previous in-flight attempt of a message whose
	// lease ran out ResultAbandoned. Two claims never return one message
	// under the same lease.
	Claim(ctx context.Context, c Claim) ([]Stored, error)
	// Finish applies f to the attempt and the message together, or returns
	// ErrLeaseLost when the message is not claimed by f.Owner at attempt
	// f.N.
	Finish(ctx context.Context, f Finish) error
	// Attempts returns the delivery records of a message, by N.
	Attempts(ctx context.Context, id string) ([]Attempt, error)
	// Counts returns the outbox's status.
	Counts(ctx context.Context) (Counts, error)
	// List returns up to limit messages in state st with ID > after, by
	// ID.
	List(ctx context.Context, st State, after string, limit int) ([]Stored, error)
	// Retry makes a dead message pending, due at now, with Base set to
	// Attempts; ErrNotDead if it is not dead, ErrNotFound if absent.
	Retry(ctx context.Context, id string, now time.Time) error
	// EraseSubject deletes every message to the customer and their
	// attempts, and returns how many messages it deleted.
	EraseSubject(ctx context.Context, subject custos.SubjectID) (int, error)
}
