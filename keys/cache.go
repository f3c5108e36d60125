package keys

import (
	"sync/atomic"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/lru"
)

// Stats are the Keyring's counters since it was built, for a host to export
// as metrics.
type Stats struct {
	// Hits and Misses count DEK lookups answered from the cache or not.
	Hits, Misses uint64
	// Evictions counts entries dropped for size or age.
	Evictions uint64
	// KEKCalls counts calls to a KEK's Encrypt or Decrypt.
	KEKCalls uint64
	// Entries is the number of DEKs unwrapped in the cache now.
	Entries int
}

// dek is an unwrapped DEK and what it was unwrapped from.
type dek struct {
	aead    tink.AEAD
	prefix  []byte // the Tink output prefix of the primary key
	version int64
	ref     []byte
	loaded  time.Time
}

// cache is a size- and age-bounded LRU of unwrapped DEKs.
type cache struct {
	maxAge   time.Duration
	disabled bool
	clock    custos.Clock
	entries  *lru.Cache[custos.SubjectID, dek]

	hits, misses, evictions, kekCalls atomic.Uint64
}

func newCache(cfg CacheConfig, clock custos.Clock) *cache {
	c := &cache{maxAge: cfg.MaxAge, disabled: cfg.Disabled, clock: clock}
	size := cfg.MaxEntries
	if size == 0 {
		size = defaultCacheEntries
	}
	if c.maxAge == 0 {
		c.maxAge = defaultCacheAge
	}
	c.entries = lru.New[custos.SubjectID, dek](size)
	return c
}

// get returns the fresh cached DEK of subject.
func (c *cache) get(subject custos.SubjectID) (dek, bool) {
	if c.disabled {
		c.misses.Add(1)
		return dek{}, false
	}
	d, ok := c.entries.Get(subject)
	if !ok {
		c.misses.Add(1)
		return dek{}, false
	}
	if now := c.clock.Now(); now.Sub(d.loaded) >= c.maxAge || now.Before(d.loaded) {
		if c.entries.Remove(subject) {
			c.evictions.Add(1)
		}
		c.misses.Add(1)
		return dek{}, false
	}
	c.hits.Add(1)
	return d, true
}

// put caches d for subject, unless a newer keyset was cached meanwhile,
// evicting the least recently used entries beyond the size bound.
func (c *cache) put(subject custos.SubjectID, d dek) {
	if c.disabled {
		return
	}
	d.loaded = c.clock.Now()
	n := c.entries.Put(subject, d, func(old dek) bool { return old.version > d.version })
	c.evictions.Add(uint64(n))
}

// drop forgets subject's entry, if any. Tink offers no way to zero an
// unwrapped keyset in place (secretdata.Bytes.Data returns a copy; the AEAD
// primitive holds the expanded AES key inside crypto/aes), so dropping
// every reference, for the garbage collector to reclaim, is all a Keyring
// can do; see docs/FORMAT.md for what the tombstone guarantees meanwhile.
func (c *cache) drop(subject custos.SubjectID) { c.entries.Remove(subject) }

// purge empties the cache.
func (c *cache) purge() { c.entries.Purge() }

func (c *cache) len() int { return c.entries.Len() }
