package retention

import (
	"fmt"
	"regexp"

	"github.com/custos-go/custos"
)

// Rule is how long one record type is kept, and what happens then (rules
// T1–T4). It is plain data: a host declares its rules once, in code or
// from a file, and Policy.Validate checks them as a whole.
//
// PIPL Art. 19 and GDPR Art. 5(1)(e): a record type is kept no longer than
// its purpose needs, so every rule has a maximum. AML Art. 34: customer
// identity records are kept at least 10 years after the business
// relationship ends and transaction records at least 10 years after each
// transaction, so a rule may carry a statutory minimum that no erasure
// request shortens (PIPL Art. 47 ¶2). PIPL Art. 47(1) and NDSR Art. 24:
// when the period expires, the records are destroyed, restricted then
// destroyed, or handed over, as Expiry says.
type Rule struct {
	// Name identifies the rule in clocks, certificates and errors, such as
	// "aml-identity": lower-case letters, digits, '-' and '_', starting
	// with a letter, at most 64 bytes.
	Name string
	// RecordType is the vault record type the rule keeps.
	RecordType string
	// Purpose, if set, limits the rule to the record type's use for that
	// purpose; rules of one record type for different purposes run
	// separate clocks, and the record type goes only when all of them
	// allow it.
	Purpose custos.PurposeID
	// Start is the event that starts, and restarts, the clock.
	Start Start
	// Min is the statutory minimum: the records are kept at least this
	// long after Start, whatever the customer asks (PIPL Art. 47 ¶2; AML
	// Art. 34). Zero means no minimum.
	Min Period
	// Max is the longest the records are kept after Start (PIPL Art. 19;
	// GDPR Art. 5(1)(e)); required, and not below Min.
	Max Period
	// Expiry is what happens when Max has run.
	Expiry Expiry
	// RestrictAfter, for RestrictThenDestroy, is when after Start the
	// customer is restricted to storage only; zero means as soon as the
	// clock starts. It must be shorter than Max. Other actions leave it
	// zero.
	RestrictAfter Period
	// Body, for HandOver, names the body the records go to, such as the
	// institution the State Council designates (AML Art. 34). Other
	// actions leave it empty.
	Body string
	// Law is the rule's source, such as "AML Art. 34" or "PIPL Art. 19";
	// required, one line.
	Law string
}

// Start is the event that starts a rule's clock.
type Start struct {
	// Event is the kind of event.
	Event EventKind
	// Purpose, for EventConsentWithdrawn, is the consent-based purpose
	// whose withdrawal starts the clock; empty for other events.
	Purpose custos.PurposeID
}

// String returns "consent-withdrawn(marketing)" or the event's name.
func (s Start) String() string {
	if s.Purpose != "" {
		return fmt.Sprintf("%s(%s)", s.Event, s.Purpose)
	}
	return s.Event.String()
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// lawRule bounds a rule's Law and Body: one short line.
var lawRule = custos.TextRule{MaxBytes: 256}

// Validate reports whether the rule is complete and consistent on its own:
// a valid name and record type, a declared start event (naming a purpose
// exactly when it is a consent withdrawal), a positive and bounded Max, a
// Min that is zero or positive, bounded and not above Max, a declared
// expiry action with the fields it needs, and a Law. The error wraps
// ErrPolicy and names the rule.
func (r Rule) Validate() error {
	if !namePattern.MatchString(r.Name) {
		return fmt.Errorf("%w: rule name is not a valid name (lower-case letters, digits, '-', '_', at most 64 bytes)", ErrPolicy)
	}
	if err := r.validate(); err != nil {
		return fmt.Errorf("rule %q: %w", r.Name, err)
	}
	return nil
}

func (r Rule) validate() error {
	if !namePattern.MatchString(r.RecordType) {
		return fmt.Errorf("%w: record type is not a valid name", ErrPolicy)
	}
	if r.Purpose != "" {
		if err := checkPurpose(r.Purpose); err != nil {
			return fmt.Errorf("purpose: %w", err)
		}
	}
	if err := r.Start.validate(); err != nil {
		return err
	}
	if err := r.Max.check(); err != nil {
		return fmt.Errorf("max: %w", err)
	}
	if !r.Min.IsZero() {
		if err := r.Min.check(); err != nil {
			return fmt.Errorf("min: %w", err)
		}
		if shorter(r.Max, r.Min) {
			return fmt.Errorf("%w: max %s is below the statutory min %s", ErrPolicy, r.Max, r.Min)
		}
	}
	if err := r.Expiry.Validate(); err != nil {
		return err
	}
	if err := r.checkExpiry(); err != nil {
		return err
	}
	if err := lawRule.Check(r.Law); err != nil {
		return fmt.Errorf("%w: law: %w", ErrPolicy, err)
	}
	return nil
}

// checkExpiry checks the fields only some expiry actions use.
func (r Rule) checkExpiry() error {
	if r.Expiry == RestrictThenDestroy {
		if !r.RestrictAfter.IsZero() {
			if err := r.RestrictAfter.check(); err != nil {
				return fmt.Errorf("restrict-after: %w", err)
			}
		}
		if !shorter(r.RestrictAfter, r.Max) || shorter(r.Max, r.RestrictAfter) {
			return fmt.Errorf("%w: restrict-after %s is not shorter than max %s", ErrPolicy, r.RestrictAfter, r.Max)
		}
	} else if !r.RestrictAfter.IsZero() {
		return fmt.Errorf("%w: restrict-after is set but the expiry action is %s", ErrPolicy, r.Expiry)
	}
	if r.Expiry == HandOver {
		if err := lawRule.Check(r.Body); err != nil {
			return fmt.Errorf("%w: hand-over names no body: %w", ErrPolicy, err)
		}
	} else if r.Body != "" {
		return fmt.Errorf("%w: body is set but the expiry action is %s", ErrPolicy, r.Expiry)
	}
	return nil
}

func (s Start) validate() error {
	if err := s.Event.Validate(); err != nil {
		return err
	}
	switch {
	case s.Event == EventConsentWithdrawn && s.Purpose == "":
		return fmt.Errorf("%w: a consent-withdrawn start names no purpose", ErrPolicy)
	case s.Event != EventConsentWithdrawn && s.Purpose != "":
		return fmt.Errorf("%w: start %s names a purpose; only consent-withdrawn does", ErrPolicy, s.Event)
	case s.Purpose != "":
		if err := checkPurpose(s.Purpose); err != nil {
			return fmt.Errorf("start purpose: %w", err)
		}
	}
	return nil
}

// checkPurpose checks a purpose id with the identifier rule custos.Access
// applies to purposes, so that a rule names only purposes an access can.
func checkPurpose(p custos.PurposeID) error {
	acc := custos.Access{Actor: custos.Actor{ID: "retention", Role: "retention"}, Purpose: p}
	if err := acc.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	return nil
}
