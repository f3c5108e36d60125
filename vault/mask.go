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

// reveal turns a field's canonical text into what the reader may see, and
// says how it was shown.
func (v *Vault) reveal(role custos.Role, t *recordType, f *Field, canonical string) (any, Visibility, error) {
	name := f.Name
	vis := v.masking.visibility(role, t, name)
	if vis == Masked {
		m := f.Mask
		if m == nil {
			m, _ = f.Kind.(kind.Masker)
		}
		if m == nil {
			return nil, Hidden, nil
		}
		return m.Mask(canonical), Masked, nil
	}
	if vis == Hidden {
		return nil, Hidden, nil
	}
	val, err := f.Kind.Value(canonical)
	if err != nil {
		return nil, Plain, fmt.Errorf("%w: field %s.%s does not decode", ErrCorrupt, t.name, name)
	}
	return val, Plain, nil
}

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
