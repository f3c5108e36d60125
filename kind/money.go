package kind

import "strings"

const moneyName = "money"

// Money is an amount of money in an ISO 4217 currency, exact to the
// currency's minor unit: 125000.00 CNY, 980 JPY. No floating-point number
// is accepted or produced.
//
// Canonical accepts an [Amount] or a string that [ParseAmount] reads, such
// as "125000.00 CNY" or "CNY 125,000.00". A float64 is rejected with
// [ErrWrongType]: binary floating point cannot hold most decimal amounts. The
// canonical form is the amount with exactly the currency's minor digits, no
// thousands separators, a space and the code: "125000.00 CNY". Trailing zeros
// beyond the minor digits are dropped; other digits beyond them are an error,
// never rounded. Value returns an [Amount] at the currency's scale.
//
// Known currencies and their minor digits (ISO 4217): AUD 2, CAD 2, CHF 2,
// CNY 2, EUR 2, GBP 2, HKD 2, JPY 0, KRW 0, MOP 2, SGD 2, USD 2. Other codes
// are rejected unless listed in Currencies, since a wrong number of minor
// digits would change amounts silently.
//
// The rules a [RuleError] names are "not valid UTF-8", "currency code is not
// three letters", "not a decimal amount", "misplaced thousands separator",
// "too many decimal places", "amount out of range", "unknown currency",
// "more decimal places than the currency has" and "negative amount".
//
// A balance or transaction amount is account data of class C2 under JR/T
// 0171-2020 (rule T10).
type Money struct {
	// Currencies adds currencies to the known ones or overrides them,
	// mapping an upper-case ISO 4217 code to its minor digits, 0 to 4. An
	// entry with other digits is ignored. The map must not change once
	// the kind is in use.
	Currencies map[string]int
	// AllowNegative accepts amounts below zero, such as refunds.
	AllowNegative bool
}

// Name returns "money".
func (Money) Name() string { return moneyName }

// Canonical validates v, an Amount or a string, and returns its canonical
// form.
func (k Money) Canonical(v any) (string, error) {
	var a Amount
	switch x := v.(type) {
	case Amount:
		a = x
	case string:
		var err error
		if a, err = ParseAmount(x); err != nil {
			return "", err
		}
	default:
		return "", wrongType(k.Name(), v, "kind.Amount or string")
	}
	digits, ok := k.minorDigits(a.currency)
	if !ok {
		return "", invalid(k.Name(), "unknown currency")
	}
	if a.units < 0 && !k.AllowNegative {
		return "", invalid(k.Name(), "negative amount")
	}
	a, err := a.rescale(digits)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// Value parses a canonical amount into an [Amount] at the currency's
// scale. It does not apply AllowNegative and reads a currency no longer
// known at its stored scale, so that a configuration change never makes
// stored amounts unreadable.
func (k Money) Value(canonical string) (any, error) {
	a, err := ParseAmount(canonical)
	if err != nil {
		return nil, err
	}
	digits, known := k.minorDigits(a.currency)
	if known && a.scale != digits || a.String() != canonical {
		return nil, invalid(k.Name(), "stored text is not canonical")
	}
	return a, nil
}

// Mask hides the amount and keeps its currency and number of minor
// digits: "***.** CNY".
func (Money) Mask(canonical string) string {
	number, code, ok := strings.Cut(canonical, " ")
	if !ok || !isASCIILetters(code) || len(code) != 3 {
		return "***"
	}
	if _, frac, ok := strings.Cut(number, "."); ok {
		return "***." + strings.Repeat("*", min(len(frac), maxScale)) + " " + code
	}
	return "*** " + code
}

// minorDigits returns the number of decimal places of currency code.
func (k Money) minorDigits(code string) (int, bool) {
	if d, ok := k.Currencies[code]; ok && d >= 0 && d <= 4 {
		return d, true
	}
	switch code {
	case "JPY", "KRW":
		return 0, true
	case "AUD", "CAD", "CHF", "CNY", "EUR", "GBP", "HKD", "MOP", "SGD", "USD":
		return 2, true
	}
	return 0, false
}

var _ interface {
	Kind
	Masker
} = Money{}
