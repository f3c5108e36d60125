package retention

import "fmt"

// EventKind names the event that starts, or restarts, a retention clock.
// The host reports events (see Retention.Report); consent withdrawals reach
// retention on their own through the consent registry's audit events.
type EventKind uint8

const (
	eventNone EventKind = iota
	// EventCollected: the record was collected (first stored).
	EventCollected
	// EventRelationshipEnded: the business relationship with the customer
	// ended, such as a lease paid off or terminated. AML Art. 34 counts
	// customer identity records from it.
	EventRelationshipEnded
	// EventTransaction: a transaction took place. AML Art. 34 counts each
	// transaction record from it; a later transaction restarts the clock.
	EventTransaction
	// EventContractEnded: the contract the processing was necessary for
	// ended (PIPL Art. 13(2), 47(1)(2)).
	EventContractEnded
	// EventConsentWithdrawn: the customer withdrew, or the handler ended,
	// the consent for the rule's Start.Purpose (PIPL Art. 15, 47(1)(3)).
	EventConsentWithdrawn
	// EventLastActivity: the customer was last active, such as a login or
	// a payment; each new activity restarts the clock.
	EventLastActivity
)

var eventNames = [...]string{
	eventNone:              "none",
	EventCollected:         "collected",
	EventRelationshipEnded: "relationship-ended",
	EventTransaction:       "transaction",
	EventContractEnded:     "contract-ended",
	EventConsentWithdrawn:  "consent-withdrawn",
	EventLastActivity:      "last-activity",
}

// String returns the event's stable name, as stored.
func (k EventKind) String() string { return nameOf(eventNames[:], uint8(k), "event") }

// Validate reports whether k is one of the declared values.
func (k EventKind) Validate() error {
	if !declared(eventNames[:], uint8(k)) {
		return fmt.Errorf("%w: clock-start event %d is not declared", ErrPolicy, uint8(k))
	}
	return nil
}

// ParseEventKind returns the value whose String is name.
func ParseEventKind(name string) (EventKind, error) {
	if i, ok := parseName(eventNames[:], name); ok {
		return EventKind(i), nil
	}
	return eventNone, fmt.Errorf("retention: unknown event name")
}
