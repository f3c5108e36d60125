package consent

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Purpose is one processing purpose as policy data: why the data is used,
// on which legal basis, which fields of which record types it needs and
// which actions it performs (the minimum necessary, PIPL Art. 6; GDPR Art.
// 5(1)(c)), the notice that describes it, and whether it needs separate
// consent. The registry validates every purpose at start-up.
type Purpose struct {
	// ID names the purpose; every access names it.
	ID custos.PurposeID
	// Description says what the purpose is, in both languages.
	Description Text
	// Basis is the purpose's one legal basis from the closed list of PIPL
	// Art. 13, with its GDPR Art. 6(1) counterpart (rule L1). Consent is
	// sought and checked only under custos.BasisConsent.
	Basis custos.LegalBasis
	// Law cites the provision a purpose on custos.BasisLegalDuty or
	// custos.BasisOtherLaw rests on, such as "AML Art. 34". Required for
	// those bases (PIPL Art. 13(3), 13(7)), ignored for others.
	Law string
	// Notice is the ID of the notice that describes the purpose (PIPL Art.
	// 17). Required.
	Notice string
	// Actions are the operations the purpose may perform, such as
	// custos.ActionGet.
	Actions []custos.Action
	// Fields maps record types to the fields the purpose may read or
	// write: the data categories it covers.
	Fields map[string][]string
	// Separate lists the processings of the purpose that need separate
	// consent (rule L7). Only a consent-based purpose may list any; one
	// that touches a sensitive field must list TriggerSensitive.
	Separate []Trigger
	// Recipients are the other handlers the purpose provides data to;
	// required with TriggerProvision or TriggerCrossBorder.
	Recipients []Recipient
	// Necessity and Impact state why sensitive information is needed and
	// how its processing affects the person (PIPL Art. 30); required with
	// TriggerSensitive.
	Necessity, Impact Text
	// Validity is how long a consent lasts once given or renewed; 0 means
	// until withdrawn. After it, the consent is expired and permits nothing
	// until renewed.
	Validity time.Duration
	// Condition, if set, is checked on every access of a purpose that does
	// not rest on consent: the basis's own condition for this customer now,
	// such as "has a lease contract in force" for custos.BasisContract. A
	// consent-based purpose may not set it: its condition is the consent.
	Condition Condition
}

// Condition reports whether a non-consent legal basis holds for the
// customer now. It returns an error only when it cannot decide.
type Condition func(ctx context.Context, subject custos.SubjectID) (bool, error)

// Separately reports whether the purpose needs separate consent.
func (p Purpose) Separately() bool { return len(p.Separate) > 0 }

// recordActions are the actions that touch fields of a record type.
var recordActions = []custos.Action{custos.ActionGet, custos.ActionFind, custos.ActionPut, custos.ActionUpdate, custos.ActionExport}

// validate checks the purpose against the field classes. Each check names
// the rule it enforces.
func (p Purpose) validate(classes FieldClasses) error {
	if err := (custos.Access{Actor: custos.Actor{ID: "x", Role: "x"}, Purpose: p.ID}).Validate(); err != nil {
		return fmt.Errorf("%w: purpose id: %v", ErrConfig, err)
	}
	if err := requireText(p.Description, fmt.Sprintf("purpose %q description", p.ID)); err != nil {
		return err
	}
	if err := p.checkBasis(); err != nil {
		return err
	}
	if p.Notice == "" {
		return fmt.Errorf("%w: purpose %q names no notice (PIPL Art. 17)", ErrConfig, p.ID)
	}
	if p.Validity < 0 {
		return fmt.Errorf("%w: purpose %q has a negative validity", ErrConfig, p.ID)
	}
	if err := p.checkFields(classes); err != nil {
		return err
	}
	return p.checkSeparate(classes)
}

// checkBasis enforces rule L1: exactly one basis from PIPL Art. 13, a
// cited law for the statutory bases, and no condition hook on consent.
func (p Purpose) checkBasis() error {
	if err := p.Basis.Validate(); err != nil {
		return fmt.Errorf("%w: purpose %q: %v", ErrConfig, p.ID, err)
	}
	switch p.Basis {
	case custos.BasisLegalDuty, custos.BasisOtherLaw:
		if strings.TrimSpace(p.Law) == "" {
			return fmt.Errorf("%w: purpose %q rests on %s but cites no law", ErrConfig, p.ID, p.Basis.PIPL())
		}
	case custos.BasisConsent:
		if p.Condition != nil {
			return fmt.Errorf("%w: purpose %q rests on consent and may not set a Condition", ErrConfig, p.ID)
		}
	}
	return nil
}

// checkFields enforces minimum necessary: every action declared once,
// every field declared by the schema, and fields for every record action.
func (p Purpose) checkFields(classes FieldClasses) error {
	if len(p.Actions) == 0 {
		return fmt.Errorf("%w: purpose %q allows no action", ErrConfig, p.ID)
	}
	touches := false
	for i, a := range p.Actions {
		if a == "" || slices.Contains(p.Actions[:i], a) {
			return fmt.Errorf("%w: purpose %q: empty or repeated action", ErrConfig, p.ID)
		}
		touches = touches || slices.Contains(recordActions, a)
	}
	if touches && len(p.Fields) == 0 {
		return fmt.Errorf("%w: purpose %q reads or writes records but names no field (minimum necessary)", ErrConfig, p.ID)
	}
	for typ, names := range p.Fields {
		known, ok := classes[typ]
		if !ok {
			return fmt.Errorf("%w: purpose %q: unknown record type %q", ErrConfig, p.ID, typ)
		}
		if len(names) == 0 {
			return fmt.Errorf("%w: purpose %q: record type %q with no field", ErrConfig, p.ID, typ)
		}
		for i, n := range names {
			if _, ok := known[n]; !ok {
				return fmt.Errorf("%w: purpose %q: %s has no field %q", ErrConfig, p.ID, typ, n)
			}
			if slices.Contains(names[:i], n) {
				return fmt.Errorf("%w: purpose %q: field %s.%s named twice", ErrConfig, p.ID, typ, n)
			}
		}
	}
	return nil
}

// checkSeparate enforces rules L7 and L8: separate-consent triggers only on
// consent-based purposes (PIPL Art. 13 ¶2), TriggerSensitive on every
// consent-based purpose that touches a sensitive field (PIPL Art. 29) with
// its necessity and impact stated (PIPL Art. 30), and named recipients for
// provision and cross-border transfer (PIPL Art. 23, 39).
func (p Purpose) checkSeparate(classes FieldClasses) error {
	for i, t := range p.Separate {
		if err := t.Validate(); err != nil {
			return fmt.Errorf("%w: purpose %q: %v", ErrConfig, p.ID, err)
		}
		if slices.Contains(p.Separate[:i], t) {
			return fmt.Errorf("%w: purpose %q: trigger %s listed twice", ErrConfig, p.ID, t)
		}
	}
	if p.Basis != custos.BasisConsent {
		if len(p.Separate) > 0 {
			return fmt.Errorf("%w: purpose %q lists separate-consent triggers but rests on %s, not consent", ErrConfig, p.ID, p.Basis.PIPL())
		}
		return nil
	}
	if f, ok := p.sensitiveField(classes); ok && !slices.Contains(p.Separate, TriggerSensitive) {
		return fmt.Errorf("%w: purpose %q touches sensitive field %s but is not marked for separate consent (PIPL Art. 29)", ErrConfig, p.ID, f)
	}
	if slices.Contains(p.Separate, TriggerSensitive) {
		if err := requireText(p.Necessity, fmt.Sprintf("purpose %q necessity (PIPL Art. 30)", p.ID)); err != nil {
			return err
		}
		if err := requireText(p.Impact, fmt.Sprintf("purpose %q impact (PIPL Art. 30)", p.ID)); err != nil {
			return err
		}
	}
	provides := slices.Contains(p.Separate, TriggerProvision)
	abroad := slices.Contains(p.Separate, TriggerCrossBorder)
	if (provides || abroad) && len(p.Recipients) == 0 {
		return fmt.Errorf("%w: purpose %q provides data to others but names no recipient (PIPL Art. 23, 39)", ErrConfig, p.ID)
	}
	for _, r := range p.Recipients {
		if err := r.validate(fmt.Sprintf("purpose %q recipient", p.ID)); err != nil {
			return err
		}
		if abroad && !validCountry(r.Country) {
			return fmt.Errorf("%w: purpose %q: a cross-border recipient needs an ISO 3166 country (PIPL Art. 39)", ErrConfig, p.ID)
		}
	}
	return nil
}

// sensitiveField returns the first sensitive field the purpose touches.
func (p Purpose) sensitiveField(classes FieldClasses) (string, bool) {
	types := make([]string, 0, len(p.Fields))
	for typ := range p.Fields {
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range types {
		for _, n := range p.Fields[typ] {
			if classes[typ][n].Sensitive {
				return typ + "." + n, true
			}
		}
	}
	return "", false
}

// categories returns the purpose's fields as sorted "type.field" names.
func (p Purpose) categories() []string {
	var out []string
	for typ, names := range p.Fields {
		for _, n := range names {
			out = append(out, typ+"."+n)
		}
	}
	slices.Sort(out)
	return out
}
