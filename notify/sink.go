package notify

import (
	"context"
	"slices"
	"sync"
)

// Sink is a Notifier that keeps what it is sent in memory, for tests,
// examples and incident drills. Fail, when set, decides each send: the
// error it returns fails the send (wrap it with Permanent or Temporary),
// nil accepts it. The zero value accepts everything; it is safe for
// concurrent use.
type Sink struct {
	Fail func(Delivery) error

	mu   sync.Mutex
	sent []Delivery
}

var _ Notifier = (*Sink)(nil)

// Send keeps d unless Fail fails it, and returns the message id as the
// provider's id.
func (s *Sink) Send(ctx context.Context, d Delivery) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, err
	}
	if s.Fail != nil {
		if err := s.Fail(d); err != nil {
			return Receipt{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, d)
	return Receipt{ProviderID: "sink-" + d.ID}, nil
}

// Sent returns the deliveries accepted, in order.
func (s *Sink) Sent() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// ByKey counts the deliveries accepted per idempotency key.
func (s *Sink) ByKey() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, d := range s.sent {
		out[d.Key]++
	}
	return out
}
