package custos

import (
	"context"
	"time"
)

// SubjectState is what a component may know of a customer without reading
// any of their data: whether the vault holds them, restricted or not, or
// forgot them.
type SubjectState uint8

const (
	// SubjectUnknown: the vault holds no record of the customer and never
	// forgot them.
	SubjectUnknown SubjectState = iota
	// SubjectActive: the vault holds the customer, not restricted.
	SubjectActive
	// SubjectRestricted: the vault holds the customer in restricted,
	// storage-only state (PIPL Art. 47 ¶2; GDPR Art. 18).
	SubjectRestricted
	// SubjectForgotten: the customer was forgotten by crypto-shredding; no
	// component may write anything of theirs again.
	SubjectForgotten
)

// String returns "unknown", "active", "restricted" or "forgotten".
func (s SubjectState) String() string {
	switch s {
	case SubjectUnknown:
		return "unknown"
	case SubjectActive:
		return "active"
	case SubjectRestricted:
		return "restricted"
	case SubjectForgotten:
		return "forgotten"
	}
	return "invalid"
}

// Subjects tells a component the state of a customer, so that it refuses
// acts on a customer the vault does not hold or has forgotten. The vault
// implements it; the answer is part of an operation the component audits
// itself, not a read of personal data.
type Subjects interface {
	SubjectState(ctx context.Context, subject SubjectID) (SubjectState, error)
}

// Eraser is a component that keeps its own records about customers (consent
// records, notification outboxes, requests) and erases them when the vault
// forgets the customer (PIPL Art. 47; GDPR Art. 17). The vault calls every
// configured Eraser before it destroys the customer's key, and lists what
// each erased and kept on the destruction certificate.
//
// EraseSubject must be idempotent: a Forget interrupted and run again calls
// it again, and the second call finds nothing more to erase but reports what
// it keeps.
type Eraser interface {
	EraseSubject(ctx context.Context, acc Access, subject SubjectID) (Erased, error)
}

// Erased is what one Eraser did for a forgotten customer.
type Erased struct {
	// Component names the component, such as "consent".
	Component string `json:"component"`
	// Removed counts the records deleted.
	Removed int `json:"removed"`
	// Kept lists what the component keeps, pseudonymous only, because a
	// named rule requires it as proof.
	Kept []Kept `json:"kept,omitempty"`
}

// Kept is one kind of record kept after an erasure, as proof a rule
// requires, holding no personal data.
type Kept struct {
	// What describes the records, such as "consent history of purpose
	// marketing, keyed by pseudonymous reference".
	What string `json:"what"`
	// Count is how many records.
	Count int `json:"count"`
	// Rule names the rule requiring them, with its article, such as
	// "GDPR Art. 7(1): proof of consent".
	Rule string `json:"rule"`
	// Until is when the rule stops requiring them; zero when the host's
	// retention policy decides.
	Until time.Time `json:"until,omitzero"`
}
