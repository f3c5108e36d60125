package retention

import (
	"fmt"
	"slices"
	"strings"

	"github.com/custos-go/custos/vault"
)

// Policy is the whole retention policy of a host: one or more rules for
// every record type the vault stores. It is plain data, validated as a
// whole by Validate against the vault's schema, and must not be changed
// after it is given to New.
type Policy struct {
	// Rules are the retention rules, each with a distinct name.
	Rules []Rule
	// Reviews are the accuracy-review intervals, at most one per record
	// type; a record type without one is not reviewed.
	Reviews []ReviewRule
}

// Validate reports whether the policy can run over the vault schema s:
//
//   - every rule is valid on its own (Rule.Validate) and names a record
//     type of s, and no two rules share a name;
//   - every record type of s has at least one rule: PIPL Art. 19 and GDPR
//     Art. 5(1)(e) allow no category of data without a period (rule T1);
//   - no rule's maximum falls below the statutory minimum of another rule
//     of the same record type and purpose: the records could not be both
//     destroyed by one and kept by the other (AML Art. 34 against PIPL Art.
//     19); the error names both rules;
//   - every review rule is valid, names a record type of s, and no record
//     type has two.
//
// The error wraps ErrPolicy and names rules and record types, never a
// customer.
func (p Policy) Validate(s vault.Schema) error {
	types := map[string]bool{}
	for _, t := range s.Types {
		types[t.Name] = true
	}
	names := map[string]bool{}
	covered := map[string]bool{}
	for _, r := range p.Rules {
		if err := r.Validate(); err != nil {
			return err
		}
		if names[r.Name] {
			return fmt.Errorf("%w: rule %q declared twice", ErrPolicy, r.Name)
		}
		names[r.Name] = true
		if !types[r.RecordType] {
			return fmt.Errorf("%w: rule %q names record type %q, which the vault schema does not declare", ErrPolicy, r.Name, r.RecordType)
		}
		covered[r.RecordType] = true
	}
	for _, t := range s.Types {
		if !covered[t.Name] {
			return fmt.Errorf("%w: record type %q has no retention rule (PIPL Art. 19)", ErrPolicy, t.Name)
		}
	}
	reviewed := map[string]bool{}
	for _, rv := range p.Reviews {
		if err := rv.Validate(); err != nil {
			return err
		}
		if !types[rv.RecordType] {
			return fmt.Errorf("%w: review rule names record type %q, which the vault schema does not declare", ErrPolicy, rv.RecordType)
		}
		if reviewed[rv.RecordType] {
			return fmt.Errorf("%w: record type %q has two review rules", ErrPolicy, rv.RecordType)
		}
		reviewed[rv.RecordType] = true
	}
	return p.checkConflicts()
}

// checkConflicts finds a maximum below another rule's statutory minimum
// for the same record type and purpose.
func (p Policy) checkConflicts() error {
	rules := slices.Clone(p.Rules)
	slices.SortFunc(rules, func(a, b Rule) int { return strings.Compare(a.Name, b.Name) })
	for _, a := range rules {
		for _, b := range rules {
			if a.Name == b.Name || a.RecordType != b.RecordType || a.Purpose != b.Purpose || b.Min.IsZero() {
				continue
			}
			if shorter(a.Max, b.Min) {
				return fmt.Errorf("%w: rule %q keeps record type %q at most %s, below the statutory minimum %s of rule %q",
					ErrPolicy, a.Name, a.RecordType, a.Max, b.Min, b.Name)
			}
		}
	}
	return nil
}
