package retention

import "fmt"

// Expiry is what happens to a customer's records when a rule's clock runs
// out.
type Expiry uint8

const (
	expiryNone Expiry = iota
	// Destroy crypto-shreds the customer (vault.Forget) once every clock
	// of theirs allows it, and keeps the destruction certificate (PIPL Art.
	// 47(1); NDSR Art. 24; GDPR Art. 17).
	Destroy
	// RestrictThenDestroy puts the customer in restricted, storage-only
	// state (vault.Restrict) when the rule's RestrictAfter has run, and
	// destroys them when its Max has run (PIPL Art. 47 ¶2; NDSR Art. 24).
	RestrictThenDestroy
	// HandOver restricts the customer when the clock runs out and never
	// destroys them: the records go to the body the State Council
	// designates, as AML Art. 34 requires of a financial institution that
	// is dissolved or declared bankrupt. The rule names the body.
	HandOver
)

var expiryNames = [...]string{
	expiryNone:          "none",
	Destroy:             "destroy",
	RestrictThenDestroy: "restrict-then-destroy",
	HandOver:            "hand-over",
}

// String returns the expiry action's stable name, as stored.
func (e Expiry) String() string { return nameOf(expiryNames[:], uint8(e), "expiry") }

// Validate reports whether e is one of the declared values.
func (e Expiry) Validate() error {
	if !declared(expiryNames[:], uint8(e)) {
		return fmt.Errorf("%w: expiry action %d is not declared", ErrPolicy, uint8(e))
	}
	return nil
}

// ParseExpiry returns the value whose String is name.
func ParseExpiry(name string) (Expiry, error) {
	if i, ok := parseName(expiryNames[:], name); ok {
		return Expiry(i), nil
	}
	return expiryNone, fmt.Errorf("retention: unknown expiry action name")
}
