package synth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/kind"
)

func TestCustomersAreValidAndReproducible(t *testing.T) {
	a, b := New(7), New(7)
	seen := map[string]bool{}
	for range 2000 {
		c := a.Next()
		assert.Equal(t, c, b.Next(), "same seed, same customers")
		for _, check := range []struct {
			k kind.Kind
			v string
		}{
			{kind.ResidentID{}, c.ResidentID}, {kind.Mobile{}, c.Mobile}, {kind.BankCard{}, c.BankCard},
			{kind.PersonName{}, c.Name}, {kind.Address{}, c.Address}, {kind.Money{}, c.Amount},
		} {
			got, err := check.k.Canonical(check.v)
			require.NoError(t, err, check.k.Name())
			assert.Equal(t, check.v, got, "generated in canonical form: %s", check.k.Name())
		}
		seen[c.ResidentID] = true
	}
	assert.Greater(t, len(seen), 1990, "resident IDs are nearly all distinct")
}
