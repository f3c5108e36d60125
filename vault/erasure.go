package vault

import (
	"fmt"
	"strings"

	"github.com/custos-go/custos"
)

// Validate reports whether the erasure can be written on a destruction
// certificate: Ground is required and follows custos.GroundRule (one line
// of at most 512 bytes of valid UTF-8, no control or invisible formatting
// characters); Policy is optional and follows the same rules within 128
// bytes. The error wraps custos.ErrInvalidText, and ErrMissingField as well
// when Ground is empty or blank; it never contains the text.
func (e Erasure) Validate() error {
	if err := checkGround("erasure", e.Ground); err != nil {
		return err
	}
	policy := custos.TextRule{MaxBytes: custos.MaxIdentifierBytes, Optional: true} // a name
	if err := policy.Check(e.Policy); err != nil {
		return fmt.Errorf("vault: erasure policy: %w", err)
	}
	return nil
}

// checkGround validates the legal ground of an erasure or a restriction
// (what names which) with custos.GroundRule. A ground is stored beside the
// customer's records and written on certificates and in exports, so it is
// bounded and shows exactly what it holds. A missing ground wraps
// ErrMissingField, as it always has, and custos.ErrInvalidText; any other
// problem wraps custos.ErrInvalidText.
func checkGround(what, ground string) error {
	if strings.TrimSpace(ground) == "" {
		return fmt.Errorf("%w: %s names no ground (%w)", ErrMissingField, what, custos.ErrInvalidText)
	}
	if err := custos.GroundRule.Check(ground); err != nil {
		return fmt.Errorf("vault: %s ground: %w", what, err)
	}
	return nil
}
