package vault

import (
	"fmt"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/kind"
)

// Visibility is what a role sees of a field.
type Visibility uint8

const (
	// Plain shows the value.
	Plain Visibility = iota
	// Masked shows the value through its mask, such as 138****1234. A field
	// whose kind has no mask and that sets none is hidden instead.
	Masked
	// Hidden withholds the field; the record lists it in Hidden.
	Hidden
)

// String returns "plain", "masked" or "hidden".
func (v Visibility) String() string {
	switch v {
	case Plain:
		return "plain"
	case Masked:
		return "masked"
	case Hidden:
		return "hidden"
	}
	return fmt.Sprintf("visibility(%d)", uint8(v))
}

// Masking says, role by role, what each field shows on reads (JR/T
// 0171-2020 access control; PIPL Art. 51(3)). The vault applies it on every
// Get and Find, so a host cannot forget to. Export, which answers the
// customer's own access request, is never masked.
type Masking struct {
	// Rules maps a role to the visibility of fields, named
	// "record_type.field". Fields a role's rules do not name show Default.
	Rules map[custos.Role]map[string]Visibility
	// Default is the visibility of fields no rule names; the zero value is
	// Plain, so set it to Masked or Hidden to show only what rules allow.
	Default Visibility
}

// compileMasking checks that every rule names a declared field.
func compileMasking(m *Masking, s *schema) error {
	if m == nil {
		return nil
	}
	if m.Default > Hidden {
		return fmt.Errorf("%w: masking: invalid default visibility", ErrConfig)
	}
	for role, rules := range m.Rules {
		for name, vis := range rules {
			typ, field, ok := strings.Cut(name, ".")
			t, err := s.recordType(typ)
			if !ok || err != nil || t.fields[field] == nil {
				return fmt.Errorf("%w: masking: role %q names unknown field %q", ErrConfig, role, name)
			}
			if vis > Hidden {
				return fmt.Errorf("%w: masking: role %q: invalid visibility for %q", ErrConfig, role, name)
			}
		}
	}
	return nil
}

// visibility returns what role sees of a field.
func (m *Masking) visibility(role custos.Role, t *recordType, field string) Visibility {
	if m == nil {
		return Plain
	}
	if vis, ok := m.Rules[role][t.name+"."+field]; ok {
		return vis
	}
	return m.Default
}

// shows returns what role sees of field f of t: Masked only when the
// field has a mask, else Hidden.
func (m *Masking) shows(role custos.Role, t *recordType, f *Field) Visibility {
	vis := m.visibility(role, t, f.Name)
	if vis == Masked && f.masker() == nil {
		return Hidden
	}
	return vis
}

// masker returns the field's mask: its own, else its kind's, else nil.
func (f *Field) masker() kind.Masker {
	if f.Mask != nil {
		return f.Mask
	}
	m, _ := f.Kind.(kind.Masker)
	return m
}

// mask returns the masked form of a canonical value of f, which has a mask.
func (f *Field) mask(canonical string) string { return f.masker().Mask(canonical) }

// searchable refuses a search by a field the role does not see in full:
// matching a masked or hidden field would reveal what the mask withholds,
// one guess at a time.
func (m *Masking) searchable(role custos.Role, t *recordType, query []string) error {
	for _, name := range query {
		if m.visibility(role, t, name) != Plain {
			return &denial{reason: "search-field-masked", also: ErrMaskedSearch, detail: t.name + "." + name}
		}
	}
	return nil
}
