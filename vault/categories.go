package vault

import "fmt"

// categories lists the fields that hold data in records, with their
// classes.
func (v *Vault) categories(records []Stored) ([]Category, error) {
	var cats []Category
	for _, r := range records {
		t, err := v.schema.recordType(r.Type)
		if err != nil {
			return nil, fmt.Errorf("%w: stored record of a type the schema does not declare", ErrCorrupt)
		}
		env, err := decodeEnvelope(r.Envelope)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		for _, f := range env {
			fd := t.fields[f.name]
			if fd == nil {
				return nil, fmt.Errorf("%w: stored field the schema does not declare", ErrCorrupt)
			}
			cats = append(cats, Category{RecordType: t.name, Field: f.name, Level: fd.Class.Level.String(), Sensitive: fd.Class.Sensitive})
		}
	}
	return cats, nil
}
