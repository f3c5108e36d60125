package keys

import (
	"context"
	"errors"
	"fmt"
)

// ErasureComplete reports whether the erasure epoch (group, epoch) a Shred
// reported (Shredded.Group and Epoch) is closed and its key's material
// gone, DestroyDelay included: from then on no copy of the store together
// with every key custos still holds can decrypt the customers shredded in
// it. It reads the group as stored, not as cached.
//
// It returns ErrConfig without EpochConfig or for a group or epoch below
// 1, and ErrNotFound for a group never created or an epoch it has not
// reached.
func (r *Keyring) ErasureComplete(ctx context.Context, group, epoch int64) (bool, error) {
	if r.epochs == nil {
		return false, fmt.Errorf("%w: no EpochConfig", ErrConfig)
	}
	if group < 1 || epoch < 1 {
		return false, fmt.Errorf("%w: erasure group and epoch start at 1", ErrConfig)
	}
	g, err := r.store.GetGroup(ctx, group)
	if errors.Is(err, ErrNotFound) {
		return false, fmt.Errorf("%w: no erasure group %d", ErrNotFound, group)
	}
	if err != nil {
		return false, fmt.Errorf("keys: read group: %w", err)
	}
	if epoch > g.Epoch {
		return false, fmt.Errorf("%w: erasure group %d has not reached epoch %d", ErrNotFound, group, epoch)
	}
	destroyedBelow := g.Epoch // every epoch before the current one is closed
	if g.Retiring != "" {
		destroyedBelow-- // but the last one's key is still being retired
	}
	if epoch >= destroyedBelow {
		return false, nil
	}
	// The latest close is the one that may still wait for the Source's
	// destruction delay; an older epoch's key went before it.
	return !r.now().Before(g.Closed.Add(r.epochs.cfg.DestroyDelay)), nil
}
