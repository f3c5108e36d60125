package vault_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

func TestErasureValidate(t *testing.T) {
	const secret = "13912345678"
	tests := []struct {
		name    string
		erasure vault.Erasure
		want    []error
	}{
		{"ground", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"}, nil},
		{"ground and policy", vault.Erasure{Ground: "GDPR 17(1)(b): consent withdrawn", Policy: "aml-identity-10y"}, nil},
		{"Han ground", vault.Erasure{Ground: "个人信息保护法第四十七条"}, nil},
		{"longest ground", vault.Erasure{Ground: strings.Repeat("x", 512)}, nil},
		{"no ground", vault.Erasure{Policy: "aml-identity-10y"}, []error{vault.ErrMissingField, custos.ErrInvalidText}},
		{"blank ground", vault.Erasure{Ground: " \t "}, []error{vault.ErrMissingField, custos.ErrInvalidText}},
		{"ground of 5 MiB", vault.Erasure{Ground: strings.Repeat(secret, 5<<20/len(secret))}, []error{custos.ErrInvalidText}},
		{"ground of 513 bytes", vault.Erasure{Ground: strings.Repeat("x", 513)}, []error{custos.ErrInvalidText}},
		{"NUL in ground", vault.Erasure{Ground: "PIPL 47 " + secret + "\x00"}, []error{custos.ErrInvalidText}},
		{"line feed in ground", vault.Erasure{Ground: "PIPL 47\n" + secret}, []error{custos.ErrInvalidText}},
		{"invalid UTF-8 in ground", vault.Erasure{Ground: "PIPL 47 " + secret + "\xff"}, []error{custos.ErrInvalidText}},
		{"right-to-left override in ground", vault.Erasure{Ground: "PIPL 47 \u202e" + secret}, []error{custos.ErrInvalidText}},
		{"zero-width space in ground", vault.Erasure{Ground: "PIPL\u200b47 " + secret}, []error{custos.ErrInvalidText}},
		{"policy too long", vault.Erasure{Ground: "PIPL 47", Policy: strings.Repeat(secret, 12)}, []error{custos.ErrInvalidText}},
		{"NUL in policy", vault.Erasure{Ground: "PIPL 47", Policy: secret + "\x00"}, []error{custos.ErrInvalidText}},
		{"byte-order mark in policy", vault.Erasure{Ground: "PIPL 47", Policy: "\ufeff" + secret}, []error{custos.ErrInvalidText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.erasure.Validate()
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tt.want {
				assert.ErrorIs(t, err, want)
			}
			assert.NotContains(t, err.Error(), secret, "the error never repeats the text")
			assert.Less(t, len(err.Error()), 200)
		})
	}
}
