package rights

import "fmt"

// State is where a request stands in its lifecycle:
//
//	Received → Verified → InProgress → Fulfilled | PartiallyFulfilled | Refused
//
// A request may also be refused from Received or Verified (the identity
// could not be verified, the request is manifestly unfounded, GDPR Art.
// 12(5)), and its period extended once in any open state before the first
// period ends (GDPR Art. 12(3)). Fulfilled, PartiallyFulfilled and Refused
// are final.
type State uint8

const (
	stateNone State = iota
	// Received: submitted, the clock running.
	Received
	// Verified: the requester's identity was verified (rule R8).
	Verified
	// InProgress: fulfilment has begun.
	InProgress
	// Fulfilled: done as asked.
	Fulfilled
	// PartiallyFulfilled: done in part, with the reason of what was not
	// (such as an erasure answered by restriction while a statutory
	// period runs, PIPL Art. 47 ¶2).
	PartiallyFulfilled
	// Refused: not done, with the reason and the right to complain or sue
	// (PIPL Art. 50; GDPR Art. 12(4)).
	Refused
	stateEnd
)

var stateNames = [...]string{
	stateNone: "none", Received: "received", Verified: "verified", InProgress: "in-progress",
	Fulfilled: "fulfilled", PartiallyFulfilled: "partially-fulfilled", Refused: "refused",
}

// String returns the state's stable name.
func (s State) String() string {
	if s < stateEnd {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Valid reports whether s is a declared state.
func (s State) Valid() bool { return s > stateNone && s < stateEnd }

// ParseState returns the state named s.
func ParseState(s string) (State, error) {
	for st := Received; st < stateEnd; st++ {
		if stateNames[st] == s {
			return st, nil
		}
	}
	return stateNone, fmt.Errorf("rights: unknown state")
}

// Closed reports whether the request is answered: no step may follow.
func (s State) Closed() bool { return s == Fulfilled || s == PartiallyFulfilled || s == Refused }

// next lists the states each state may move to.
var next = map[State][]State{
	Received:   {Verified, Refused},
	Verified:   {InProgress, Refused},
	InProgress: {Fulfilled, PartiallyFulfilled, Refused},
}

// allows reports whether the lifecycle lets s move to t.
func (s State) allows(t State) bool {
	for _, n := range next[s] {
		if n == t {
			return true
		}
	}
	return false
}
