package keys

import (
	"context"
	"errors"
	"fmt"
)

// HasNamedKeyset reports whether a named keyset is stored, without
// unwrapping it: false for one never created or already deleted.
func (r *Keyring) HasNamedKeyset(ctx context.Context, name string) (bool, error) {
	_, err := r.store.GetKey(ctx, name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("keys: read key: %w", err)
}
