package keys

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// epochs is a Keyring's view of the erasure groups: the configuration, the
// group rows last read, and the epoch-key AEADs last obtained from the
// Source.
type epochs struct {
	cfg    EpochConfig
	maxAge time.Duration

	mu     sync.Mutex
	groups map[int64]Group
	aeads  map[string]sourceKey
}

type sourceKey struct {
	aead   tink.AEAD
	loaded time.Time
}

func newEpochs(cfg EpochConfig, maxAge time.Duration) *epochs {
	if maxAge == 0 {
		maxAge = defaultCacheAge
	}
	return &epochs{cfg: cfg, maxAge: maxAge, groups: map[int64]Group{}, aeads: map[string]sourceKey{}}
}

// groupOf is the group of the customer with pseudonymous reference ref:
// the reference is a PRF output, so groups fill evenly.
func (e *epochs) groupOf(ref []byte) int64 {
	return int64(binary.BigEndian.Uint64(ref[:8])%uint64(e.cfg.Groups)) + 1
}

// wrapKey is the key a keyset is written under.
type wrapKey struct {
	group int64 // 0: the KEK
	id    string
	aead  tink.AEAD
}

// target is the key a DEK with reference ref is written under now: the
// current epoch key of its group, or the KEK without epochs.
func (r *Keyring) target(ctx context.Context, ref []byte) (wrapKey, error) {
	if r.epochs == nil {
		return wrapKey{id: r.kek.ID, aead: r.kek.AEAD}, nil
	}
	g, err := r.group(ctx, r.epochs.groupOf(ref))
	if err != nil {
		return wrapKey{}, err
	}
	a, err := r.sourceAEAD(ctx, g.Key)
	if err != nil {
		return wrapKey{}, err
	}
	return wrapKey{group: g.ID, id: g.Key, aead: a}, nil
}

// group returns the group row, from the cache or the store, creating the
// group and its first epoch key on first use.
func (r *Keyring) group(ctx context.Context, id int64) (Group, error) {
	e := r.epochs
	e.mu.Lock()
	g, ok := e.groups[id]
	e.mu.Unlock()
	if ok {
		return g, nil
	}
	g, err := r.store.GetGroup(ctx, id)
	if errors.Is(err, ErrNotFound) {
		// Create the key first: a crash before CreateGroup leaves a key no
		// DEK uses, and the rerun's Create of the same name finds it.
		name := e.cfg.keyName(id, 1)
		if err := e.cfg.Source.Create(ctx, name); err != nil {
			return Group{}, fmt.Errorf("keys: create epoch key: %w", err)
		}
		now := r.now()
		g = Group{ID: id, Epoch: 1, Key: name, Opened: now, Version: 1}
		if err = r.store.CreateGroup(ctx, g); errors.Is(err, ErrExists) {
			g, err = r.store.GetGroup(ctx, id)
		}
	}
	if err != nil {
		return Group{}, fmt.Errorf("keys: read group: %w", err)
	}
	r.cacheGroup(g)
	return g, nil
}

// cacheGroup keeps g unless a newer version is cached.
func (r *Keyring) cacheGroup(g Group) {
	e := r.epochs
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.groups[g.ID]; !ok || old.Version < g.Version {
		e.groups[g.ID] = g
	}
}

// dropGroup forgets the cached row of a group, after a write found it
// stale.
func (r *Keyring) dropGroup(id int64) {
	if r.epochs == nil || id == 0 {
		return
	}
	r.epochs.mu.Lock()
	delete(r.epochs.groups, id)
	r.epochs.mu.Unlock()
}

// sourceAEAD returns the AEAD of an epoch key, cached for the DEK cache's
// MaxAge so that a key destroyed by another process is not used for long.
func (r *Keyring) sourceAEAD(ctx context.Context, name string) (tink.AEAD, error) {
	e := r.epochs
	now := r.clock.Now()
	e.mu.Lock()
	k, ok := e.aeads[name]
	e.mu.Unlock()
	if ok && now.Sub(k.loaded) < e.maxAge && !now.Before(k.loaded) {
		return k.aead, nil
	}
	a, err := e.cfg.Source.AEAD(ctx, name)
	if err != nil {
		if errors.Is(err, ErrDestroyed) || errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("keys: epoch key: %w", err)
	}
	e.mu.Lock()
	e.aeads[name] = sourceKey{aead: a, loaded: now}
	e.mu.Unlock()
	return a, nil
}

// dropAEAD forgets an epoch key's AEAD, once the key is destroyed.
func (r *Keyring) dropAEAD(name string) {
	r.epochs.mu.Lock()
	delete(r.epochs.aeads, name)
	r.epochs.mu.Unlock()
}

// dekKey returns the AEAD that unwraps a DEK written under kekID in group.
func (r *Keyring) dekKey(ctx context.Context, group int64, kekID string) (tink.AEAD, error) {
	if group == 0 {
		k, ok := r.keks[kekID]
		if !ok {
			return nil, ErrUnknownKEK
		}
		return k.AEAD, nil
	}
	if r.epochs == nil {
		return nil, fmt.Errorf("%w: a DEK is wrapped under an epoch key and the Keyring has no EpochConfig", ErrUnknownKEK)
	}
	a, err := r.sourceAEAD(ctx, kekID)
	switch {
	case errors.Is(err, ErrDestroyed):
		return nil, fmt.Errorf("%w: %w", ErrUnwrap, ErrDestroyed)
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("%w: the epoch key is not in the Source", ErrUnknownKEK)
	}
	return a, err
}

// markDirty records that an erasure happened in the group's current epoch,
// keeping the time of the first, and returns the group as stored.
func (r *Keyring) markDirty(ctx context.Context, id int64, at time.Time) (Group, error) {
	for range 16 {
		g, err := r.store.GetGroup(ctx, id)
		if err != nil {
			return Group{}, err
		}
		if !g.DirtySince.IsZero() {
			return g, nil
		}
		g.DirtySince, g.Version = at, g.Version+1
		switch err := r.store.UpdateGroup(ctx, g); {
		case err == nil:
			r.cacheGroup(g)
			return g, nil
		case !errors.Is(err, ErrConflict):
			return Group{}, err
		}
	}
	return Group{}, ErrConflict
}
