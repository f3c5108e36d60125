package keys

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
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
	version int64
	ref     []byte
}

type cacheEntry struct {
	subject custos.SubjectID
	dek     dek
	loaded  time.Time
}

// cache is a size- and age-bounded LRU of unwrapped DEKs.
type cache struct {
	max      int
	maxAge   time.Duration
	disabled bool
	clock    custos.Clock

	mu    sync.Mutex
	lru   *list.List // front: most recently used; values are *cacheEntry
	index map[custos.SubjectID]*list.Element

	hits, misses, evictions, kekCalls atomic.Uint64
}

func newCache(cfg CacheConfig, clock custos.Clock) *cache {
	c := &cache{max: cfg.MaxEntries, maxAge: cfg.MaxAge, disabled: cfg.Disabled, clock: clock,
		lru: list.New(), index: map[custos.SubjectID]*list.Element{}}
	if c.max == 0 {
		c.max = defaultCacheEntries
	}
	if c.maxAge == 0 {
		c.maxAge = defaultCacheAge
	}
	return c
}

// get returns the fresh cached DEK of subject.
func (c *cache) get(subject custos.SubjectID) (dek, bool) {
	if c.disabled {
		c.misses.Add(1)
		return dek{}, false
	}
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[subject]
	if !ok {
		c.misses.Add(1)
		return dek{}, false
	}
	e := el.Value.(*cacheEntry)
	if now.Sub(e.loaded) >= c.maxAge || now.Before(e.loaded) {
		c.removeLocked(el)
		c.evictions.Add(1)
		c.misses.Add(1)
		return dek{}, false
	}
	c.lru.MoveToFront(el)
	c.hits.Add(1)
	return e.dek, true
}

// put caches d for subject, replacing any older entry and evicting the
// least recently used entries beyond the size bound.
func (c *cache) put(subject custos.SubjectID, d dek) {
	if c.disabled {
		return
	}
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[subject]; ok {
		e := el.Value.(*cacheEntry)
		if e.dek.version > d.version {
			return // a newer keyset was cached meanwhile
		}
		e.dek, e.loaded = d, now
		c.lru.MoveToFront(el)
		return
	}
	c.index[subject] = c.lru.PushFront(&cacheEntry{subject: subject, dek: d, loaded: now})
	for c.lru.Len() > c.max {
		c.removeLocked(c.lru.Back())
		c.evictions.Add(1)
	}
}

// drop forgets subject's entry, if any.
func (c *cache) drop(subject custos.SubjectID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[subject]; ok {
		c.removeLocked(el)
	}
}

func (c *cache) removeLocked(el *list.Element) {
	delete(c.index, el.Value.(*cacheEntry).subject)
	c.lru.Remove(el)
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// purge empties the cache.
func (c *cache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Init()
	clear(c.index)
}
