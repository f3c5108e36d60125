package rights

import "fmt"

// Kind is the right a request exercises. The names are stable: they are
// stored and written into audit events.
type Kind uint8

const (
	kindNone Kind = iota
	// Access: to know what is held and have it explained, with the
	// information GDPR Art. 15(1) lists (PIPL Art. 44, 45 ¶1; GDPR Art. 15).
	Access
	// Copy: a copy of the personal information (PIPL Art. 45 ¶1; GDPR Art.
	// 15(3)).
	Copy
	// Portability: the information in a structured, machine-readable form
	// for a handler the person names (PIPL Art. 45 ¶3; NDSR Art. 25; GDPR
	// Art. 20).
	Portability
	// Correction of inaccurate or incomplete information (PIPL Art. 46;
	// GDPR Art. 16), told to every recipient (GDPR Art. 19).
	Correction
	// Erasure (PIPL Art. 47; GDPR Art. 17).
	Erasure
	// Restriction of processing (PIPL Art. 44; GDPR Art. 18).
	Restriction
	// Objection to processing for a purpose (PIPL Art. 44; GDPR Art. 21).
	Objection
	// Explanation of the processing rules (PIPL Art. 48).
	Explanation
	// Withdrawal of consent (PIPL Art. 15; GDPR Art. 7(3)).
	Withdrawal
	kindEnd
)

var kindNames = [...]string{
	kindNone: "none", Access: "access", Copy: "copy", Portability: "portability", Correction: "correction",
	Erasure: "erasure", Restriction: "restriction", Objection: "objection", Explanation: "explanation", Withdrawal: "withdrawal",
}

// String returns the kind's stable name.
func (k Kind) String() string {
	if k < kindEnd {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is one of the declared kinds.
func (k Kind) Valid() bool { return k > kindNone && k < kindEnd }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for k := Access; k < kindEnd; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return kindNone, fmt.Errorf("%w: unknown kind", ErrInvalidRequest)
}

// Article returns the provisions the kind implements.
func (k Kind) Article() string {
	switch k {
	case Access:
		return "PIPL Art. 44, 45; GDPR Art. 15"
	case Copy:
		return "PIPL Art. 45; GDPR Art. 15(3)"
	case Portability:
		return "PIPL Art. 45 ¶3; GDPR Art. 20"
	case Correction:
		return "PIPL Art. 46; GDPR Art. 16, 19"
	case Erasure:
		return "PIPL Art. 47; GDPR Art. 17"
	case Restriction:
		return "PIPL Art. 44; GDPR Art. 18"
	case Objection:
		return "PIPL Art. 44; GDPR Art. 21"
	case Explanation:
		return "PIPL Art. 48"
	case Withdrawal:
		return "PIPL Art. 15; GDPR Art. 7(3)"
	}
	return ""
}
