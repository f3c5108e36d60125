package keys

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// NamedKeyInfo describes a stored named keyset without unwrapping it.
type NamedKeyInfo struct {
	Name    string
	KEKID   string
	Created time.Time
}

// NamedKeysets lists the stored named keysets whose names start with
// prefix, sorted by name.
func (r *Keyring) NamedKeysets(ctx context.Context, prefix string) ([]NamedKeyInfo, error) {
	all, err := r.store.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys: list keys: %w", err)
	}
	var out []NamedKeyInfo
	for _, k := range all {
		if strings.HasPrefix(k.Name, prefix) {
			out = append(out, NamedKeyInfo{Name: k.Name, KEKID: k.KEKID, Created: k.Created})
		}
	}
	return out, nil
}

// DeleteNamedKeyset destroys a named keyset: whatever it protected or
// computed can no longer be decrypted or recomputed. It refuses the
// pseudonymous-reference key, without which shredded customers could not be
// recognized. Deleting a keyset that does not exist returns ErrNotFound.
func (r *Keyring) DeleteNamedKeyset(ctx context.Context, name string) error {
	if name == ReferenceKeyName {
		return fmt.Errorf("%w: the reference key cannot be deleted", ErrConfig)
	}
	err := r.store.DeleteKey(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("keys: delete key: %w", err)
	}
	return err
}
