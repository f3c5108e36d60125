package custos

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIdentifiers(t *testing.T) {
	cases := []struct {
		name, id string
		ok       bool
	}{
		{"customer number", "C0000042", true},
		{"non-ASCII letters", "客户-42", true},
		{"empty", "", false},
		{"space", "C 42", false},
		{"tab", "C\t42", false},
		{"delete character", "C\x7f42", false},
		{"ideographic space", "客户\u300042", false},
		{"line separator", "C\u202842", false},
		{"invalid UTF-8", "C\xff42", false},
		{"too long", strings.Repeat("C", MaxIdentifierBytes+1), false},
		{"longest", strings.Repeat("C", MaxIdentifierBytes), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := SubjectID(c.id).Validate()
			if c.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrInvalidSubject)
			if c.id != "" {
				assert.NotContains(t, err.Error(), c.id, "the error never repeats the identifier")
			}
		})
	}
}

func TestAccessNeedsActorAndPurpose(t *testing.T) {
	ok := Access{Actor: Actor{ID: "staff-1", Role: "clerk"}, Purpose: "servicing"}
	assert.NoError(t, ok.Validate())
	for name, c := range map[string]struct {
		a    Access
		want error
	}{
		"no actor":   {Access{Actor: Actor{Role: "clerk"}, Purpose: "servicing"}, ErrNoActor},
		"no role":    {Access{Actor: Actor{ID: "staff-1"}, Purpose: "servicing"}, ErrNoActor},
		"no purpose": {Access{Actor: Actor{ID: "staff-1", Role: "clerk"}}, ErrNoPurpose},
	} {
		t.Run(name, func(t *testing.T) { assert.ErrorIs(t, c.a.Validate(), c.want) })
	}
}

func TestLegalBasesFollowPIPL13(t *testing.T) {
	for b := BasisConsent; b <= BasisOtherLaw; b++ {
		assert.NoError(t, b.Validate())
		assert.Contains(t, b.PIPL(), "PIPL 13(")
		assert.Contains(t, b.GDPR(), "GDPR 6(1)(")
		got, err := ParseLegalBasis(b.String())
		assert.NoError(t, err)
		assert.Equal(t, b, got)
	}
	assert.Error(t, BasisUnknown.Validate())
	assert.Error(t, LegalBasis(99).Validate())
	_, err := ParseLegalBasis("unknown")
	assert.Error(t, err)
}

func TestSubjectsAreRedactedInOutput(t *testing.T) {
	s := SubjectID("C0000042")
	assert.NotContains(t, s.String(), "42")
	assert.NotContains(t, s.LogValue().String(), "42")
}
