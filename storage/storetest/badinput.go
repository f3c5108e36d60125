package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

// secret is a value the bad inputs carry; no error may repeat it.
const secret = "13912345678"

func testBadInput(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	before := f.snapshot("C1")
	other := f.snapshot("C2")

	cases := []struct {
		name string
		op   func() error
		want error
	}{
		{"unknown record type", func() error {
			return f.vault.Put(ctx, clerk, "C1", "spaceship", vault.Values{"name": secret})
		}, vault.ErrUnknownRecordType},
		{"unknown field on put", func() error {
			return f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "x", "shoe_size": secret})
		}, vault.ErrUnknownField},
		{"unknown field on update", func() error {
			return f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"shoe_size": secret})
		}, vault.ErrUnknownField},
		{"unknown field on get", func() error {
			_, err := f.vault.Get(ctx, clerk, "C1", "customer", "name", "shoe_size")
			return err
		}, vault.ErrUnknownField},
		{"value given where a field name belongs", func() error {
			_, err := f.vault.Get(ctx, clerk, "C1", "customer", secret)
			return err
		}, vault.ErrUnknownField},
		{"field named twice", func() error {
			_, err := f.vault.Get(ctx, clerk, "C1", "customer", "name", "name")
			return err
		}, vault.ErrUnknownField},
		{"no field named", func() error {
			_, err := f.vault.Get(ctx, clerk, "C1", "customer")
			return err
		}, vault.ErrMissingField},
		{"required field missing", func() error {
			return f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"mobile": secret})
		}, vault.ErrMissingField},
		{"wrong value kind", func() error {
			return f.vault.Put(ctx, clerk, "C1", "lease", vault.Values{"contract": "L-1", "months": secret})
		}, kind.ErrWrongType},
		{"value its kind rejects", func() error {
			return f.vault.Update(ctx, clerk, "C1", "lease", vault.Values{"months": 1000})
		}, kind.ErrInvalid},
		{"empty value", func() error {
			return f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "  "})
		}, kind.ErrInvalid},
		{"value over its size limit", func() error {
			return f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"note": strings.Repeat(secret, 4)})
		}, vault.ErrValueTooLarge},
		{"empty customer id", func() error {
			return f.vault.Put(ctx, clerk, "", "customer", vault.Values{"name": secret})
		}, custos.ErrInvalidSubject},
		{"customer id with a space", func() error {
			_, err := f.vault.Get(ctx, clerk, "C 1", "customer", "name")
			return err
		}, custos.ErrInvalidSubject},
		{"missing actor", func() error {
			_, err := f.vault.Get(ctx, noActor, "C1", "customer", "name")
			return err
		}, custos.ErrNoActor},
		{"missing purpose", func() error {
			_, err := f.vault.Get(ctx, noWhy, "C1", "customer", "name")
			return err
		}, custos.ErrNoPurpose},
		{"missing actor on put", func() error {
			return f.vault.Put(ctx, noActor, "C1", "customer", vault.Values{"name": secret})
		}, custos.ErrNoActor},
		{"purpose not allowed the field", func() error {
			_, err := f.vault.Get(ctx, market, "C1", "customer", "name", "resident_id")
			return err
		}, vault.ErrDenied},
		{"purpose not allowed the action", func() error {
			return f.vault.Update(ctx, market, "C1", "customer", vault.Values{"mobile": secret})
		}, vault.ErrDenied},
		{"unregistered purpose", func() error {
			acc := clerk
			acc.Purpose = "curiosity"
			_, err := f.vault.Get(ctx, acc, "C1", "customer", "name")
			return err
		}, vault.ErrDenied},
		{"erasure without a ground", func() error {
			_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{})
			return err
		}, vault.ErrMissingField},
		{"erasure ground with a right-to-left override", func() error {
			_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47 \u202e" + secret})
			return err
		}, custos.ErrInvalidText},
		{"erasure ground with NUL", func() error {
			_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47 " + secret + "\x00"})
			return err
		}, custos.ErrInvalidText},
		{"erasure policy over its bound", func() error {
			_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47", Policy: strings.Repeat("p", 4096)})
			return err
		}, custos.ErrInvalidText},
		{"erasure of a customer id with a space", func() error {
			_, err := f.vault.Forget(ctx, dpo, "C 1", vault.Erasure{Ground: "PIPL 47"})
			return err
		}, custos.ErrInvalidSubject},
		{"erasure by a purpose not allowed it", func() error {
			_, err := f.vault.Forget(ctx, clerk, "C1", vault.Erasure{Ground: "PIPL 47"})
			return err
		}, vault.ErrDenied},
		{"restriction ground of 5 MiB", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", strings.Repeat(secret, 5<<20/len(secret)))
		}, custos.ErrInvalidText},
		{"restriction ground one byte over the bound", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", secret+strings.Repeat("x", custos.GroundRule.MaxBytes+1-len(secret)))
		}, custos.ErrInvalidText},
		{"restriction ground with NUL", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34 "+secret+"\x00")
		}, custos.ErrInvalidText},
		{"restriction ground not UTF-8", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34 "+secret+"\xff\xfe")
		}, custos.ErrInvalidText},
		{"restriction ground with a right-to-left override", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34 \u202e"+secret)
		}, custos.ErrInvalidText},
		{"restriction ground with a zero-width space", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", "AML\u200bArt. 34 "+secret)
		}, custos.ErrInvalidText},
		{"restriction ground on two lines", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34\n"+secret)
		}, custos.ErrInvalidText},
		{"restriction without a ground", func() error {
			return f.vault.Restrict(ctx, dpo, "C1", " \t ")
		}, vault.ErrMissingField},
		{"put refused for a new customer", func() error {
			return f.vault.Put(ctx, market, "C2", "customer", vault.Values{"name": "Someone", "mobile": secret})
		}, vault.ErrDenied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.op()
			require.ErrorIs(t, err, c.want)
			assert.NotContains(t, err.Error(), secret, "the error repeats no value")
			assert.Equal(t, before, f.snapshot("C1"), "nothing changed")
			assert.Equal(t, other, f.snapshot("C2"), "nothing created")
		})
	}
	r, err := f.vault.Get(ctx, clerk, "C1", "customer", "name", "mobile")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": nameOf("C1"), "mobile": "13800000000"}, r.Values)
}
