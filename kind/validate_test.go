package kind

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestValidateConfiguration(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2000, 1, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name string
		k    Validator
		ok   bool
	}{
		{"text default", Text{}, true},
		{"text negative length", Text{MaxRunes: -1}, false},
		{"integer default", Integer{}, true},
		{"integer range", Integer{Min: 1, Max: 9}, true},
		{"integer inverted range", Integer{Min: 9, Max: 1}, false},
		{"date open range", Date{Min: day(2)}, true},
		{"date inverted range", Date{Min: day(3), Max: day(2)}, false},
		{"money extra currency", Money{Currencies: map[string]int{"THB": 2}}, true},
		{"money lower-case code", Money{Currencies: map[string]int{"thb": 2}}, false},
		{"money five minor digits", Money{Currencies: map[string]int{"XYZ": 5}}, false},
		{"address negative reveal", Address{MaskReveal: &Reveal{First: -1}}, false},
		{"address negative length", Address{MaxRunes: -1}, false},
		{"person name negative length", PersonName{MaxRunes: -2}, false},
		{"uscc negative reveal", USCC{MaskReveal: &Reveal{Last: -1}}, false},
		{"uscc default", USCC{}, true},
		{"uscc extra type", USCC{ExtraTypes: []string{"G1"}}, true},
		{"uscc extra type of one character", USCC{ExtraTypes: []string{"G"}}, false},
		{"uscc extra type outside the code set", USCC{ExtraTypes: []string{"S1"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.k.Validate()
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
