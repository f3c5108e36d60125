package kind

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// maxScale is the most decimal places an Amount holds: an int64 has 18
// full decimal digits.
const maxScale = 18

// Amount is an exact decimal amount of money: Units() × 10^-Scale() of the
// ISO 4217 currency Currency(). It holds no floating-point number, so
// 0.10 CNY is exactly one jiao. The zero Amount is 0 with no currency.
//
// Amounts are compared with == only after [Money] has canonicalised them:
// 1.5 and 1.50 CNY are different Amounts with the same value.
type Amount struct {
	units    int64
	scale    int
	currency string
}

// NewAmount returns units × 10^-scale of currency, such as
// NewAmount(12500000, 2, "CNY") for 125000.00 CNY. The currency is three
// letters, upper-cased; scale is 0 to 18. Errors wrap [ErrInvalid].
func NewAmount(units int64, scale int, currency string) (Amount, error) {
	if scale < 0 || scale > maxScale {
		return Amount{}, invalid(moneyName, "too many decimal places")
	}
	code, ok := currencyCode(currency)
	if !ok {
		return Amount{}, invalid(moneyName, "currency code is not three letters")
	}
	return Amount{units: units, scale: scale, currency: code}, nil
}

// ParseAmount reads an amount and its ISO 4217 code in either order, such
// as "125000.00 CNY", "CNY 125,000.00" or "-3.5 usd". Commas may separate
// thousands and then must group the integer digits by three, so that the
// European "1,5" is rejected rather than read as 15. Currency signs such as
// "¥" are not read: "¥" is both the yuan and the yen. Full-width
// characters are read as ASCII. The currency is not checked against a
// table; [Money] does that. Errors wrap [ErrInvalid] and never hold s.
func ParseAmount(s string) (Amount, error) {
	s, err := folded(moneyName, s)
	if err != nil {
		return Amount{}, err
	}
	s = strings.TrimSpace(s)
	var code, number string
	switch {
	case len(s) >= 3 && isASCIILetters(s[:3]):
		code, number = s[:3], s[3:]
	case len(s) >= 3 && isASCIILetters(s[len(s)-3:]):
		number, code = s[:len(s)-3], s[len(s)-3:]
	default:
		return Amount{}, invalid(moneyName, "currency code is not three letters")
	}
	code, _ = currencyCode(code)
	units, scale, err := parseDecimal(strings.TrimSpace(number))
	if err != nil {
		return Amount{}, err
	}
	return Amount{units: units, scale: scale, currency: code}, nil
}

// Units returns the amount in units of 10^-Scale().
func (a Amount) Units() int64 { return a.units }

// Scale returns the number of decimal places of Units().
func (a Amount) Scale() int { return a.scale }

// Currency returns the upper-case ISO 4217 code, or "" for the zero Amount.
func (a Amount) Currency() string { return a.currency }

// String returns the amount with Scale() decimal places and no thousands
// separators, then a space and the currency code: "125000.00 CNY".
func (a Amount) String() string {
	digits := strconv.FormatInt(a.units, 10)
	sign := ""
	if a.units < 0 {
		sign, digits = "-", digits[1:]
	}
	if a.scale > 0 {
		if len(digits) <= a.scale {
			digits = strings.Repeat("0", a.scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-a.scale] + "." + digits[len(digits)-a.scale:]
	}
	if a.currency == "" {
		return sign + digits
	}
	return sign + digits + " " + a.currency
}

// rescale returns a with the given scale, or an error when digits would
// be lost or the units would overflow.
func (a Amount) rescale(scale int) (Amount, error) {
	for a.scale > scale {
		if a.units%10 != 0 {
			return Amount{}, invalid(moneyName, "more decimal places than the currency has")
		}
		a.units /= 10
		a.scale--
	}
	for a.scale < scale {
		if a.units > math.MaxInt64/10 || a.units < math.MinInt64/10 {
			return Amount{}, invalid(moneyName, "amount out of range")
		}
		a.units *= 10
		a.scale++
	}
	return a, nil
}

// parseDecimal reads an optionally signed decimal number with optional
// thousands separators.
func parseDecimal(s string) (units int64, scale int, err error) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = strings.TrimLeftFunc(s[1:], unicode.IsSpace)
	} else if rest, ok := strings.CutPrefix(s, "\u2212"); ok { // MINUS SIGN
		neg, s = true, strings.TrimLeftFunc(rest, unicode.IsSpace)
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if hasPoint && !isDigits(frac) {
		return 0, 0, invalid(moneyName, "not a decimal amount")
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		for i, g := range groups {
			if i == 0 && (len(g) < 1 || len(g) > 3) || i > 0 && len(g) != 3 {
				return 0, 0, invalid(moneyName, "misplaced thousands separator")
			}
		}
		whole = strings.Join(groups, "")
	}
	if !isDigits(whole) {
		return 0, 0, invalid(moneyName, "not a decimal amount")
	}
	if len(frac) > maxScale {
		return 0, 0, invalid(moneyName, "too many decimal places")
	}
	for _, c := range whole + frac {
		d := int64(c - '0')
		if units > (math.MaxInt64-d)/10 {
			return 0, 0, invalid(moneyName, "amount out of range")
		}
		units = units*10 + d
	}
	if neg {
		units = -units
	}
	return units, len(frac), nil
}

// currencyCode returns s upper-cased when it is three ASCII letters.
func currencyCode(s string) (string, bool) {
	if len(s) != 3 || !isASCIILetters(s) {
		return "", false
	}
	return strings.ToUpper(s), true
}

// isASCIILetters reports whether s holds only ASCII letters.
func isASCIILetters(s string) bool {
	for i := range len(s) {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
