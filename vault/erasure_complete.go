package vault

import (
	"context"
	"fmt"
)

// ErasureComplete reports whether the erasure a certificate records has
// reached every copy: the erasure epoch that held the customer's DEK is
// closed and its key destroyed, so no copy of the store (live file, WAL,
// free pages, any backup) together with every key custos still holds can
// decrypt the customer (PIPL Art. 47; GDPR Art. 17). A certificate without
// a deadline (DEK wrapped by the KEK) is never complete by custos's
// means. It returns an error wrapping keys.ErrConfig or keys.ErrNotFound
// for a certificate naming an epoch the keyring does not know.
func (v *Vault) ErasureComplete(ctx context.Context, c Certificate) (bool, error) {
	switch {
	case c.KeyEpoch != 0 || c.KeyGroup != 0:
		ok, err := v.keys.ErasureComplete(ctx, c.KeyGroup, c.KeyEpoch)
		if err != nil {
			return false, fmt.Errorf("vault: %w", err)
		}
		return ok, nil
	case c.CompleteBy.IsZero():
		return false, nil
	default:
		return !v.now().Before(c.CompleteBy), nil
	}
}
