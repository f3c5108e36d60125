package rights

import (
	"fmt"
	"slices"
)

// RequesterKind says who made a request.
type RequesterKind uint8

const (
	requesterNone RequesterKind = iota
	// Self: the customer.
	Self
	// Agent: someone the customer authorised, such as a lawyer; the
	// authority is checked by the Verifier.
	Agent
	// Relative: a close relative of a deceased customer, exercising for
	// their own lawful, legitimate interests the rights of access, copy,
	// correction and erasure (PIPL Art. 49).
	Relative
	requesterEnd
)

var requesterNames = [...]string{requesterNone: "none", Self: "self", Agent: "agent", Relative: "relative"}

// String returns the stable name.
func (k RequesterKind) String() string {
	if k < requesterEnd {
		return requesterNames[k]
	}
	return fmt.Sprintf("requester(%d)", uint8(k))
}

// ParseRequesterKind returns the requester kind named s.
func ParseRequesterKind(s string) (RequesterKind, error) {
	for k := Self; k < requesterEnd; k++ {
		if requesterNames[k] == s {
			return k, nil
		}
	}
	return requesterNone, fmt.Errorf("%w: unknown requester", ErrInvalidRequest)
}

// Relations are the close relatives (近亲属) of PRC Civil Code Art. 1045 ¶2,
// whom PIPL Art. 49 lets exercise a deceased person's rights: spouse,
// parents, children, siblings, grandparents and grandchildren.
var Relations = []string{"spouse", "parent", "child", "sibling", "grandparent", "grandchild"}

// relativeKinds are the rights PIPL Art. 49 gives close relatives: to
// consult, copy, correct and delete the deceased's information.
var relativeKinds = []Kind{Access, Copy, Correction, Erasure}

// Requester is who made a request. It holds codes and references, never
// the person's name or documents.
type Requester struct {
	// Kind is who asked.
	Kind RequesterKind `json:"kind"`
	// Relation is, for a Relative, one of Relations. Required for a
	// Relative and empty otherwise.
	Relation string `json:"relation,omitempty"`
	// Authority references the host's proof that an agent or relative may
	// act (a power of attorney, a death certificate, a household register
	// entry), such as "doc:2026/0412": a reference, never the document.
	// Required for an Agent or a Relative.
	Authority string `json:"authority,omitempty"`
}

// validate checks the requester for a request of kind k.
func (r Requester) validate(k Kind) error {
	switch r.Kind {
	case Self:
		if r.Relation != "" || r.Authority != "" {
			return fmt.Errorf("%w: the customer's own request names a relation or authority", ErrInvalidRequest)
		}
		return nil
	case Agent:
		if r.Relation != "" {
			return fmt.Errorf("%w: an agent's request names a relation", ErrInvalidRequest)
		}
		return checkReference("agent's authority", r.Authority)
	case Relative:
		switch {
		case r.Relation == "":
			return fmt.Errorf("%w: no relation stated (PIPL Art. 49)", ErrRelation)
		case !slices.Contains(Relations, r.Relation):
			return fmt.Errorf("%w: relation is not a close relative of Civil Code Art. 1045", ErrRelation)
		case !slices.Contains(relativeKinds, k):
			return fmt.Errorf("%w: PIPL Art. 49 gives relatives access, copy, correction and erasure, not %s", ErrRelation, k)
		}
		if err := checkReference("relative's authority", r.Authority); err != nil {
			return fmt.Errorf("%w: %w", ErrRelation, err)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown requester", ErrInvalidRequest)
}
