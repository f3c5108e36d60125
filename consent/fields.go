package consent

import (
	"fmt"

	"github.com/custos-go/custos"
)

// FieldClasses tells the registry how each field of each record type is
// classified: record type → field name → class. The registry needs it to
// check purposes against the fields they read: that every field exists,
// and that a consent-based purpose touching a sensitive field asks for
// separate consent (PIPL Art. 29).
//
// It is a plain map rather than the vault's Schema so that package consent
// stays below package vault and can be tested alone. Build it from the same
// schema the vault is given, so the two never disagree:
//
//	classes := consent.FieldClasses{}
//	for _, t := range schema.Types {
//		classes[t.Name] = map[string]custos.Class{}
//		for _, f := range t.Fields {
//			classes[t.Name][f.Name] = f.Class
//		}
//	}
type FieldClasses map[string]map[string]custos.Class

// validate reports a record type or field without a valid class.
func (fc FieldClasses) validate() error {
	if len(fc) == 0 {
		return fmt.Errorf("%w: no field classes", ErrConfig)
	}
	for typ, fields := range fc {
		if typ == "" || len(fields) == 0 {
			return fmt.Errorf("%w: field classes: record type %q has no field", ErrConfig, typ)
		}
		for name, c := range fields {
			if err := c.Validate(); err != nil {
				return fmt.Errorf("%w: field classes: %s.%s: %v", ErrConfig, typ, name, err)
			}
		}
	}
	return nil
}
