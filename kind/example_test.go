package kind_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos/kind"
)

// A mobile number typed with a country code, spaces and full-width digits
// has the same canonical form as the bare eleven digits; its display mask
// keeps the first three and last four digits.
func ExampleMobile() {
	k := kind.Mobile{}
	for _, in := range []string{"+86 138 1234 5678", "１３８－１２３４－５６７８"} {
		c, err := k.Canonical(in)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c, k.Mask(c))
	}
	// Output:
	// 13812345678 138****5678
	// 13812345678 138****5678
}

// A resident ID with a lower-case check character and spaces becomes 18
// characters with an upper-case X; its display mask keeps the region code
// and the last four characters. The number is synthetic: region 110105,
// birth date 1949-12-31, sequence 002, check character X.
func ExampleResidentID() {
	k := kind.ResidentID{Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }}
	c, err := k.Canonical("110105 19491231 002x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	fmt.Println(k.Mask(c))

	_, err = k.Canonical("110105194912310021")
	fmt.Println(err)
	var re *kind.RuleError
	fmt.Println(errors.Is(err, kind.ErrInvalid), errors.As(err, &re) && re.Rule == "bad check character")
	// Output:
	// 11010519491231002X
	// 110105********002X
	// kind: invalid value: cn-resident-id: bad check character
	// true true
}

// Amounts are exact decimals held in minor units; the canonical text has
// the currency's minor digits and no separators.
func ExampleMoney() {
	k := kind.Money{}
	c, err := k.Canonical("CNY 125,000")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := k.Value(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	a := v.(kind.Amount)
	fmt.Println(c, "|", a.Units(), a.Scale(), a.Currency(), "|", k.Mask(c))

	_, err = k.Canonical(125000.00)
	fmt.Println(errors.Is(err, kind.ErrWrongType))
	// Output:
	// 125000.00 CNY | 12500000 2 CNY | ***.** CNY
	// true
}

// The canonical form of a name keeps its case; Fold gives the key under
// which names equal but for case match, as a blind index needs.
func ExamplePersonName_Fold() {
	k := kind.PersonName{}
	a, _ := k.Canonical("Zoë  O’Brien")
	b, _ := k.Canonical("ZOË O'BRIEN")
	fmt.Println(a, "|", b)
	fmt.Println(k.Fold(a) == k.Fold(b), k.Fold(a))
	fmt.Println(k.Mask(a))
	// Output:
	// Zoë O'Brien | ZOË O'BRIEN
	// true zoë o'brien
	// Z* O*
}

// The dots typed between the parts of a transliterated name are one
// separator, names in the scripts of China's minorities are names, and a
// name with an invisible character is refused.
func ExamplePersonName() {
	k := kind.PersonName{}
	for _, in := range []string{"阿卜杜．热合曼", "阿卜杜。热合曼", "ཚེ་རིང་", "ئابدۇرېـھىم", "Jane\u200bDoe", "张Jane"} {
		c, err := k.Canonical(in)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c, k.Mask(c))
	}
	// Output:
	// 阿卜杜·热合曼 阿**
	// 阿卜杜·热合曼 阿**
	// ཚེ་རིང ཚ*
	// ئابدۇرېھىم ئ*
	// kind: invalid value: person-name: contains an invisible formatting character
	// kind: invalid value: person-name: mixed scripts
}

// A USCC's check character, registration authority, organisation type and
// region are checked.
func ExampleUSCC() {
	k := kind.USCC{}
	for _, in := range []string{"91110108ma01abcd1e", "99110108MA01ABCD1M", "91710000MA01ABCD1X"} {
		c, err := k.Canonical(in)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c, k.Mask(c))
	}
	// Output:
	// 91110108MA01ABCD1E 91110108********1E
	// kind: invalid value: cn-uscc: organisation type not valid for its authority
	// kind: invalid value: cn-uscc: region code is not an administrative division
}
