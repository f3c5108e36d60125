package kind

import (
	"fmt"
	"strings"
)

// Validator is implemented by kinds whose configuration can be wrong, so
// that a vault schema rejects, at start-up, a kind that would reject every
// value or mask nothing.
type Validator interface {
	Validate() error
}

// errConfig reports a kind configured so that it cannot work.
func errConfig(kind, problem string) error {
	return fmt.Errorf("kind: %s is misconfigured: %s", kind, problem)
}

func (r *Reveal) validate(kind string) error {
	if r != nil && (r.First < 0 || r.Last < 0) {
		return errConfig(kind, "a mask reveals a negative number of characters")
	}
	return nil
}

// Validate reports a negative maximum length.
func (t Text) Validate() error {
	if t.MaxRunes < 0 {
		return errConfig(t.Name(), "negative MaxRunes")
	}
	return nil
}

// Validate reports a range whose Min is above its Max when both are set.
func (k Integer) Validate() error {
	if k.Min > k.Max && k.Max != 0 {
		return errConfig(k.Name(), "Min is above Max")
	}
	return nil
}

// Validate reports a Min after Max, which would reject every date.
func (k Date) Validate() error {
	if !k.Min.IsZero() && !k.Max.IsZero() && k.Min.After(k.Max) {
		return errConfig(k.Name(), "Min is after Max")
	}
	return nil
}

// Validate reports a currency that is not a three-letter code or whose
// minor digits are outside 0 to 4.
func (k Money) Validate() error {
	for code, digits := range k.Currencies {
		if c, ok := currencyCode(code); !ok || c != code || digits < 0 || digits > 4 {
			return errConfig(k.Name(), "a currency is not a 3-letter code with 0 to 4 minor digits")
		}
	}
	return nil
}

// Validate reports a negative maximum length or mask count.
func (k Address) Validate() error {
	if k.MaxRunes < 0 {
		return errConfig(k.Name(), "negative MaxRunes")
	}
	return k.MaskReveal.validate(k.Name())
}

// Validate reports a negative maximum length.
func (k PersonName) Validate() error {
	if k.MaxRunes < 0 {
		return errConfig(k.Name(), "negative MaxRunes")
	}
	return nil
}

// Validate reports a negative mask count and an extra type that is not two
// characters of the code set.
func (k USCC) Validate() error {
	for _, t := range k.ExtraTypes {
		if len(t) != 2 || strings.IndexByte(usccChars, t[0]) < 0 || strings.IndexByte(usccChars, t[1]) < 0 {
			return errConfig(k.Name(), "an extra type is not two characters of the code set")
		}
	}
	return k.MaskReveal.validate(k.Name())
}
