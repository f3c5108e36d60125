package vault

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/kind"
)

// Schema declares, in code, the record types the vault stores. It is
// validated by New; a Schema must not be changed after it is given to New.
type Schema struct {
	// Types are the record types, such as "customer" or "lease".
	Types []RecordType
}

// RecordType declares one kind of record and its fields.
type RecordType struct {
	// Name identifies the type: lower-case letters, digits, '-' and '_',
	// starting with a letter, at most 64 bytes.
	Name string
	// Fields are the fields of the type; at least one.
	Fields []Field
	// Indexes are compound blind indexes, such as name + birth date: Find
	// with exactly these fields uses the index. A Field marked Searchable
	// has a one-field index of its own name and needs no entry here.
	Indexes []Index
}

// Index declares a blind index over one or more fields of a record type.
type Index struct {
	// Name identifies the index within its type, with the syntax of a
	// field name, and must not be the name of a Searchable field.
	Name string
	// Fields are the fields whose values together are indexed; one to
	// four, distinct.
	Fields []string
}

// Field declares one field of a record type.
type Field struct {
	// Name identifies the field within its type, with the same syntax as
	// a type name.
	Name string
	// Kind is the value kind: what values the field takes and their
	// canonical form.
	Kind kind.Kind
	// Class says how sensitive the field is (PIPL Art. 28; JR/T 0171).
	Class custos.Class
	// Required fields must be given to every Put.
	Required bool
	// MaxBytes limits the canonical value's length; 0 means the vault's
	// Config.MaxValueBytes.
	MaxBytes int
	// Searchable gives the field a blind index, so that Find can look a
	// customer up by an exact value of it.
	Searchable bool
	// Mask, if set, replaces the kind's default mask for this field.
	Mask kind.Masker
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// schema is the validated, indexed form of a Schema.
type schema struct {
	types map[string]*recordType
	order []string
}

type recordType struct {
	name    string
	fields  map[string]*Field
	order   []string // field names, sorted
	byOrder []*Field // the fields in the order of order
	header  header   // the encoded names of order, for envelope walks
	indexes map[string]*index
}

// index is a compiled Index.
type index struct {
	name   string
	fields []string // sorted
}

func compileSchema(s Schema, maxValue int) (*schema, error) {
	if len(s.Types) == 0 {
		return nil, fmt.Errorf("%w: schema declares no record type", ErrConfig)
	}
	out := &schema{types: map[string]*recordType{}}
	for _, t := range s.Types {
		if !namePattern.MatchString(t.Name) {
			return nil, fmt.Errorf("%w: record type name %q is not a valid name", ErrConfig, t.Name)
		}
		if out.types[t.Name] != nil {
			return nil, fmt.Errorf("%w: record type %q declared twice", ErrConfig, t.Name)
		}
		if len(t.Fields) == 0 {
			return nil, fmt.Errorf("%w: record type %q has no field", ErrConfig, t.Name)
		}
		rt := &recordType{name: t.Name, fields: map[string]*Field{}}
		for i := range t.Fields {
			f := t.Fields[i]
			switch {
			case !namePattern.MatchString(f.Name):
				return nil, fmt.Errorf("%w: %s: field name %q is not a valid name", ErrConfig, t.Name, f.Name)
			case rt.fields[f.Name] != nil:
				return nil, fmt.Errorf("%w: %s: field %q declared twice", ErrConfig, t.Name, f.Name)
			case f.Kind == nil:
				return nil, fmt.Errorf("%w: %s.%s: no kind", ErrConfig, t.Name, f.Name)
			case f.MaxBytes < 0:
				return nil, fmt.Errorf("%w: %s.%s: negative MaxBytes", ErrConfig, t.Name, f.Name)
			}
			if kv, ok := f.Kind.(kind.Validator); ok {
				if err := kv.Validate(); err != nil {
					return nil, fmt.Errorf("%w: %s.%s: %v", ErrConfig, t.Name, f.Name, err)
				}
			}
			if err := f.Class.Validate(); err != nil {
				return nil, fmt.Errorf("%w: %s.%s: %v", ErrConfig, t.Name, f.Name, err)
			}
			if f.MaxBytes == 0 {
				f.MaxBytes = maxValue
			}
			rt.fields[f.Name] = &f
			rt.order = append(rt.order, f.Name)
		}
		slices.Sort(rt.order)
		for _, n := range rt.order {
			rt.byOrder = append(rt.byOrder, rt.fields[n])
		}
		rt.header = compileHeader(rt.order)
		if err := rt.compileIndexes(t); err != nil {
			return nil, err
		}
		out.types[t.Name] = rt
		out.order = append(out.order, t.Name)
	}
	return out, nil
}

// recordType returns the named type or ErrUnknownRecordType.
func (s *schema) recordType(name string) (*recordType, error) {
	t, ok := s.types[name]
	if !ok {
		return nil, ErrUnknownRecordType
	}
	return t, nil
}

// checkFields verifies that names are distinct fields of t and returns
// them sorted, with their declarations in the same order. The error names
// the offending field name (a schema name, never a value).
func (t *recordType) checkFields(names []string) ([]string, []*Field, error) {
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%w: no field named", ErrMissingField)
	}
	sorted := names
	if !slices.IsSorted(names) {
		sorted = slices.Clone(names)
		slices.Sort(sorted)
	}
	sel := make([]*Field, len(sorted))
	j := 0 // merge with t.order, which is sorted too
	for i, n := range sorted {
		if i > 0 && sorted[i-1] == n {
			return nil, nil, fmt.Errorf("%w: field %q named twice", ErrUnknownField, n)
		}
		for j < len(t.order) && t.order[j] != n && t.order[j] < n {
			j++
		}
		if j == len(t.order) || t.order[j] != n {
			return nil, nil, fmt.Errorf("%w: %s has no field %q", ErrUnknownField, t.name, safeName(n))
		}
		sel[i] = t.byOrder[j]
	}
	return sorted, sel, nil
}

// safeName returns n if it is a valid schema name, else a placeholder, so
// that a caller who passed a value where a field name belongs does not see
// it echoed in an error.
func safeName(n string) string {
	if namePattern.MatchString(n) {
		return n
	}
	return "(invalid name)"
}

// maxIndexFields bounds the fields of a compound index.
const maxIndexFields = 4

func (rt *recordType) compileIndexes(t RecordType) error {
	rt.indexes = map[string]*index{}
	for _, n := range rt.order {
		if rt.fields[n].Searchable {
			rt.indexes[n] = &index{name: n, fields: []string{n}}
		}
	}
	for _, ix := range t.Indexes {
		switch {
		case !namePattern.MatchString(ix.Name):
			return fmt.Errorf("%w: %s: index name %q is not a valid name", ErrConfig, t.Name, ix.Name)
		case rt.indexes[ix.Name] != nil:
			return fmt.Errorf("%w: %s: index %q declared twice or named like a searchable field", ErrConfig, t.Name, ix.Name)
		case len(ix.Fields) == 0 || len(ix.Fields) > maxIndexFields:
			return fmt.Errorf("%w: %s: index %q must have 1 to %d fields", ErrConfig, t.Name, ix.Name, maxIndexFields)
		}
		fields := slices.Clone(ix.Fields)
		slices.Sort(fields)
		for i, f := range fields {
			if rt.fields[f] == nil {
				return fmt.Errorf("%w: %s: index %q names unknown field %q", ErrConfig, t.Name, ix.Name, f)
			}
			if i > 0 && fields[i-1] == f {
				return fmt.Errorf("%w: %s: index %q names field %q twice", ErrConfig, t.Name, ix.Name, f)
			}
		}
		for _, other := range rt.indexes {
			if slices.Equal(other.fields, fields) {
				return fmt.Errorf("%w: %s: indexes %q and %q cover the same fields", ErrConfig, t.Name, other.name, ix.Name)
			}
		}
		rt.indexes[ix.Name] = &index{name: ix.Name, fields: fields}
	}
	return nil
}

// indexFor returns the index whose fields are exactly names (sorted).
func (rt *recordType) indexFor(names []string) *index {
	for _, ix := range rt.indexes {
		if slices.Equal(ix.fields, names) {
			return ix
		}
	}
	return nil
}

// hasIndexes reports whether any type declares an index.
func (s *schema) hasIndexes() bool {
	for _, t := range s.types {
		if len(t.indexes) > 0 {
			return true
		}
	}
	return false
}
