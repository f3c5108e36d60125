package kind

import (
	"math"
	"strconv"
)

// Integer is a whole number that fits in an int64, such as a count of
// months. Canonical accepts any Go integer type; readers receive int64. Its
// canonical form is the decimal notation without leading zeros or plus sign.
//
// The rules a [RuleError] names are "out of the int64 range", "out of its
// declared range", "stored text is not a decimal integer" and "stored text
// is not canonical".
type Integer struct {
	// Min and Max bound the value when Min < Max; the zero value accepts
	// every int64.
	Min, Max int64
}

// Name returns "integer".
func (Integer) Name() string { return "integer" }

// Canonical validates v and returns its decimal form.
func (k Integer) Canonical(v any) (string, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case uint8:
		n = int64(x)
	case uint16:
		n = int64(x)
	case uint32:
		n = int64(x)
	case uint:
		if uint64(x) > math.MaxInt64 {
			return "", invalid(k.Name(), "out of the int64 range")
		}
		n = int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return "", invalid(k.Name(), "out of the int64 range")
		}
		n = int64(x)
	default:
		return "", wrongType(k.Name(), v, "a Go integer type")
	}
	if err := k.check(n); err != nil {
		return "", err
	}
	return strconv.FormatInt(n, 10), nil
}

func (k Integer) check(n int64) error {
	if k.Min < k.Max && (n < k.Min || n > k.Max) {
		return invalid(k.Name(), "out of its declared range")
	}
	return nil
}

// Value parses the decimal form into an int64. It does not apply Min and
// Max, so that narrowing them never makes stored values unreadable.
func (k Integer) Value(canonical string) (any, error) {
	n, err := strconv.ParseInt(canonical, 10, 64)
	if err != nil {
		return nil, invalid(k.Name(), "stored text is not a decimal integer")
	}
	if strconv.FormatInt(n, 10) != canonical {
		return nil, invalid(k.Name(), "stored text is not canonical")
	}
	return n, nil
}

var _ Kind = Integer{}
