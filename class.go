package custos

import "fmt"

// Level is a data security level of the financial-industry standard JR/T
// 0171-2020 (rule T10). Higher levels need stronger protection.
type Level uint8

const (
	// LevelNone is the zero value; every field must declare a level.
	LevelNone Level = iota
	// C1: internal data such as account-opening time or branch.
	C1
	// C2: identity and account data such as resident ID number, mobile
	// number, account number, balance and transactions: encrypted at rest,
	// strict access.
	C2
	// C3: authentication data such as passwords, card verification codes
	// and biometric templates: highest protection, never shared.
	C3
)

// String returns "C1", "C2" or "C3".
func (l Level) String() string {
	switch l {
	case C1, C2, C3:
		return fmt.Sprintf("C%d", uint8(l))
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Class classifies a field for the rules that depend on what it holds.
type Class struct {
	// Sensitive marks sensitive personal information under PIPL Art. 28:
	// financial accounts, biometrics, identity-linked data, whereabouts,
	// and all personal information of minors under 14. Processing it needs
	// separate consent (PIPL 29) and a notice of necessity and impact (PIPL
	// 30).
	Sensitive bool
	// Level is the JR/T 0171-2020 security level.
	Level Level
}

// Validate reports whether the class names a JR/T 0171 level.
func (c Class) Validate() error {
	switch c.Level {
	case C1, C2, C3:
		return nil
	}
	return fmt.Errorf("custos: class level %d is not C1, C2 or C3 (JR/T 0171-2020)", uint8(c.Level))
}

// String returns e.g. "C2" or "C2/sensitive".
func (c Class) String() string {
	if c.Sensitive {
		return c.Level.String() + "/sensitive"
	}
	return c.Level.String()
}
