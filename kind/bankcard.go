package kind

// BankCard is a payment card or bank account card number (PAN): 12 to 19
// digits whose last digit is the Luhn check digit of ISO/IEC 7812-1.
//
// Canonical accepts a string. It ignores white space and dashes and reads
// full-width digits as ASCII. The canonical form is the digits alone. The
// rules a [RuleError] names are "not valid UTF-8", "non-digit", "wrong
// length" and "bad check digit".
//
// A card number is account data of class C2 under JR/T 0171-2020 (rule
// T10) and a financial account, sensitive under PIPL Art. 28 (rule L8). It
// is not card verification data (the CVV is C3 and has no kind:
// it must not be stored).
type BankCard struct{}

// Name returns "bank-card".
func (BankCard) Name() string { return "bank-card" }

// Canonical validates v, a string, and returns its digits.
func (k BankCard) Canonical(v any) (string, error) {
	return parsed(k.Name(), v, k.parse)
}

// Value checks that canonical is a canonical card number and returns it as
// a string.
func (k BankCard) Value(canonical string) (any, error) {
	return storedText(k.Name(), canonical, k.parse)
}

// Mask keeps the first six and last four digits, the most PCI DSS
// (requirement 3.4.1) lets a display show and the default of rule T10:
// "621700*********0004".
func (BankCard) Mask(canonical string) string {
	return maskMiddle(canonical, 6, 4)
}

func (k BankCard) parse(s string) (string, error) {
	s, err := folded(k.Name(), s)
	if err != nil {
		return "", err
	}
	s = removeFunc(s, isSeparator)
	if !isDigits(s) {
		return "", invalid(k.Name(), "non-digit")
	}
	if len(s) < 12 || len(s) > 19 {
		return "", invalid(k.Name(), "wrong length")
	}
	if !luhn(s) {
		return "", invalid(k.Name(), "bad check digit")
	}
	return s, nil
}

// luhn reports whether the ASCII digits d end in their Luhn check digit.
func luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

var _ interface {
	Kind
	Masker
} = BankCard{}
