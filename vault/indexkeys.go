package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/prf"

	"github.com/custos-go/custos/keys"
)

// IndexKeyPrefix, followed by a version number, names the HMAC-SHA256 PRF
// keysets of blind indexes ("custos.index.1", "custos.index.2", ...), kept
// as keys.Keyring named keysets so that KEK rotation rewraps them. While an
// index key rotation runs, two versions are live: writes index under both
// and Find looks in both.
const IndexKeyPrefix = "custos.index."

// indexKey is one live index key version.
type indexKey struct {
	version int
	prf     *prf.Set
	created time.Time
}

// indexKeys caches the live index key versions.
type indexKeys struct {
	kr      *keys.Keyring
	refresh time.Duration

	mu     sync.Mutex
	live   []indexKey // ascending version
	loaded time.Time
	byVer  map[int]*prf.Set
}

// forWrite returns the live versions, read fresh from the store so that a
// write indexes under every version another instance has started, creating
// version 1 on first use.
func (k *indexKeys) forWrite(ctx context.Context, now time.Time) ([]indexKey, error) {
	return k.load(ctx, now, true)
}

// forFind returns the live versions, from the cache when it is younger than
// the refresh interval.
func (k *indexKeys) forFind(ctx context.Context, now time.Time) ([]indexKey, error) {
	k.mu.Lock()
	if !k.loaded.IsZero() && now.Sub(k.loaded) < k.refresh {
		live := k.live
		k.mu.Unlock()
		return live, nil
	}
	k.mu.Unlock()
	return k.load(ctx, now, false)
}

func (k *indexKeys) load(ctx context.Context, now time.Time, create bool) ([]indexKey, error) {
	infos, err := k.kr.NamedKeysets(ctx, IndexKeyPrefix)
	if err != nil {
		return nil, fmt.Errorf("vault: index keys: %w", err)
	}
	if len(infos) == 0 && create {
		if _, err := k.kr.NamedKeyset(ctx, IndexKeyPrefix+"1", prf.HMACSHA256PRFKeyTemplate()); err != nil {
			return nil, fmt.Errorf("vault: index keys: %w", err)
		}
		if infos, err = k.kr.NamedKeysets(ctx, IndexKeyPrefix); err != nil {
			return nil, fmt.Errorf("vault: index keys: %w", err)
		}
	}
	live := make([]indexKey, 0, len(infos))
	for _, info := range infos {
		ver, err := strconv.Atoi(strings.TrimPrefix(info.Name, IndexKeyPrefix))
		if err != nil || ver <= 0 {
			continue // not an index key of this format
		}
		set, err := k.prfSet(ctx, ver)
		if errors.Is(err, keys.ErrNotFound) {
			continue // retired meanwhile
		}
		if err != nil {
			return nil, err
		}
		live = append(live, indexKey{version: ver, prf: set, created: info.Created})
	}
	slices.SortFunc(live, func(a, b indexKey) int { return a.version - b.version })
	k.mu.Lock()
	k.live, k.loaded = live, now
	k.mu.Unlock()
	return live, nil
}

// prfSet returns the unwrapped PRF of a version, unwrapping it once.
func (k *indexKeys) prfSet(ctx context.Context, ver int) (*prf.Set, error) {
	k.mu.Lock()
	set := k.byVer[ver]
	k.mu.Unlock()
	if set != nil {
		return set, nil
	}
	h, err := k.kr.NamedKeyset(ctx, IndexKeyPrefix+strconv.Itoa(ver), nil)
	if err != nil {
		return nil, err
	}
	if set, err = prf.NewPRFSet(h); err != nil {
		return nil, fmt.Errorf("vault: index key: %w", err)
	}
	k.mu.Lock()
	k.byVer[ver] = set
	k.mu.Unlock()
	return set, nil
}

// forget drops a retired version from the cache.
func (k *indexKeys) forget(ver int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.byVer, ver)
	k.loaded = time.Time{}
}
