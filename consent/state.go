package consent

import "fmt"

// State is the status of a consent record, from the W3C Data Privacy
// Vocabulary (DPV) consent status concepts (rule L10). Only [StateGiven]
// and [StateRenewed] permit processing; every other state refuses it.
type State uint8

// The consent states of DPV.
const (
	// StateUnknown: nothing is known about the customer's consent
	// (dpv:ConsentUnknown). The zero value, and the state of a customer who
	// was never asked.
	StateUnknown State = iota
	// StateRequested: consent was asked for, no answer yet
	// (dpv:ConsentRequested).
	StateRequested
	// StateDeferred: the person postponed the decision (dpv:ConsentDeferred).
	StateDeferred
	// StateGiven: the person gave consent (dpv:ConsentGiven). Permits
	// processing.
	StateGiven
	// StateRenewed: the person renewed an earlier consent
	// (dpv:RenewedConsentGiven). Permits processing.
	StateRenewed
	// StateRefused: the person refused (dpv:ConsentRefused).
	StateRefused
	// StateWithdrawn: the person withdrew consent (dpv:ConsentWithdrawn,
	// PIPL Art. 15; GDPR Art. 7(3)).
	StateWithdrawn
	// StateRevoked: someone other than the person, such as the handler,
	// ended the consent (dpv:ConsentRevoked).
	StateRevoked
	// StateExpired: the consent's validity period ended (dpv:ConsentExpired).
	StateExpired
	// StateInvalidated: the consent no longer covers the processing, because
	// the purpose, method or categories of data changed since it was given
	// (dpv:ConsentInvalidated; PIPL Art. 14 ¶2).
	StateInvalidated
)

var stateNames = [...]string{
	StateUnknown:     "unknown",
	StateRequested:   "requested",
	StateDeferred:    "deferred",
	StateGiven:       "given",
	StateRenewed:     "renewed",
	StateRefused:     "refused",
	StateWithdrawn:   "withdrawn",
	StateRevoked:     "revoked",
	StateExpired:     "expired",
	StateInvalidated: "invalidated",
}

var stateDPV = [...]string{
	StateUnknown:     "dpv:ConsentUnknown",
	StateRequested:   "dpv:ConsentRequested",
	StateDeferred:    "dpv:ConsentDeferred",
	StateGiven:       "dpv:ConsentGiven",
	StateRenewed:     "dpv:RenewedConsentGiven",
	StateRefused:     "dpv:ConsentRefused",
	StateWithdrawn:   "dpv:ConsentWithdrawn",
	StateRevoked:     "dpv:ConsentRevoked",
	StateExpired:     "dpv:ConsentExpired",
	StateInvalidated: "dpv:ConsentInvalidated",
}

// String returns the state's stable name, as stored and written in
// receipts.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// DPV returns the state's W3C DPV concept, such as "dpv:ConsentGiven".
func (s State) DPV() string {
	if int(s) < len(stateDPV) {
		return stateDPV[s]
	}
	return ""
}

// Permits reports whether the state permits processing under a consent
// basis: only Given and Renewed do (rule L10; GDPR Art. 7(1)).
func (s State) Permits() bool { return s == StateGiven || s == StateRenewed }

// ParseState returns the state whose String is name.
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if n == name {
			return State(i), nil
		}
	}
	return StateUnknown, fmt.Errorf("consent: unknown state name")
}
