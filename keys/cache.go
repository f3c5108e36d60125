package keys

import (
	"encoding/binary"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/lru"
	"github.com/custos-go/custos/internal/slots"
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
	keyset  *keyset.Handle // set by whoever unwrapped it, for the cache
}

// cache is a size- and age-bounded cache of unwrapped DEKs. It keeps each
// DEK's key material in a slots.Table (fixed slots in large byte chunks,
// invisible to the garbage collector, zeroed when an entry leaves) and
// the AEADs built from it, which are Go objects, in a small direct-mapped
// table of hotEntries in front. A keyset the slots cannot hold (more than
// two enabled keys) is kept built in a small LRU instead.
type cache struct {
	maxAge   time.Duration
	disabled bool
	clock    custos.Clock
	seeds    [2]maphash.Seed

	mu    sync.Mutex
	table *slots.Table
	hot   []hotEntry // len hotEntries
	other *lru.Cache[custos.SubjectID, dek]

	hits, misses, evictions, kekCalls atomic.Uint64
}

// hotEntry is a built AEAD of the entry key, valid while the table holds
// key with the same version and load time.
type hotEntry struct {
	key     slots.Key
	version int64
	loaded  int64
	d       dek
}

const (
	// hotEntries bounds the built AEADs kept: each is about 1.5 KB of Go
	// objects the garbage collector scans, so only the hottest are kept.
	hotEntries = 4096
	// otherEntries bounds the keysets of more than two keys kept built.
	otherEntries = 1024
)

func newCache(cfg CacheConfig, clock custos.Clock) *cache {
	c := &cache{maxAge: cfg.MaxAge, disabled: cfg.Disabled, clock: clock, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	size := cfg.MaxEntries
	if size == 0 {
		size = defaultCacheEntries
	}
	if c.maxAge == 0 {
		c.maxAge = defaultCacheAge
	}
	c.table = slots.New(materialSize, size)
	c.hot = make([]hotEntry, min(hotEntries, size))
	c.other = lru.New[custos.SubjectID, dek](min(otherEntries, size))
	return c
}

// key is the subject's table key: two independently seeded 64-bit hashes,
// so that two customers share a slot with probability about 2^-128.
func (c *cache) key(subject custos.SubjectID) slots.Key {
	return slots.Key{maphash.String(c.seeds[0], string(subject)), maphash.String(c.seeds[1], string(subject))}
}

func (c *cache) hotFor(k slots.Key) *hotEntry { return &c.hot[k[1]%uint64(len(c.hot))] }

// get returns the fresh cached DEK of subject.
func (c *cache) get(subject custos.SubjectID) (dek, bool) {
	if c.disabled {
		c.misses.Add(1)
		return dek{}, false
	}
	k := c.key(subject)
	now := c.clock.Now()
	c.mu.Lock()
	slot, ok := c.table.Get(k)
	if !ok {
		c.mu.Unlock()
		return c.getOther(subject, now)
	}
	version, loaded := slotVersion(slot), slotLoaded(slot)
	if t := time.Unix(0, loaded); now.Sub(t) >= c.maxAge || now.Before(t) {
		c.removeLocked(k)
		c.mu.Unlock()
		c.evictions.Add(1)
		c.misses.Add(1)
		return dek{}, false
	}
	if h := c.hotFor(k); h.key == k && h.version == version && h.loaded == loaded {
		d := h.d
		c.mu.Unlock()
		c.hits.Add(1)
		return d, true
	}
	var m [materialSize]byte
	copy(m[:], slot)
	c.mu.Unlock()
	d, err := build(m[:])
	clear(m[:])
	if err != nil {
		// The slot held what put wrote, so this is a broken invariant;
		// unwrapping again is the safe answer.
		c.misses.Add(1)
		return dek{}, false
	}
	d.version, d.loaded = version, time.Unix(0, loaded)
	c.mu.Lock()
	if slot, ok := c.table.Get(k); ok && slotVersion(slot) == version && slotLoaded(slot) == loaded {
		*c.hotFor(k) = hotEntry{key: k, version: version, loaded: loaded, d: d}
	}
	c.mu.Unlock()
	c.hits.Add(1)
	return d, true
}

func (c *cache) getOther(subject custos.SubjectID, now time.Time) (dek, bool) {
	d, ok := c.other.Get(subject)
	if !ok {
		c.misses.Add(1)
		return dek{}, false
	}
	if now.Sub(d.loaded) >= c.maxAge || now.Before(d.loaded) {
		if c.other.Remove(subject) {
			c.evictions.Add(1)
		}
		c.misses.Add(1)
		return dek{}, false
	}
	c.hits.Add(1)
	return d, true
}

// put caches d for subject, unless a newer keyset was cached meanwhile,
// evicting an entry not used recently when the cache is full.
func (c *cache) put(subject custos.SubjectID, d dek) {
	if c.disabled {
		return
	}
	d.loaded = c.clock.Now()
	var m [materialSize]byte
	defer clear(m[:])
	if d.keyset == nil || !fill(m[:], d.keyset) {
		c.drop(subject) // the table must not keep an older version
		n := c.other.Put(subject, d, func(old dek) bool { return old.version > d.version })
		c.evictions.Add(uint64(n))
		return
	}
	d.keyset = nil
	k := c.key(subject)
	loaded := d.loaded.UnixNano()
	c.mu.Lock()
	defer c.mu.Unlock()
	slot, gone, evicted := c.table.Put(k)
	if evicted {
		c.evictions.Add(1)
		if h := c.hotFor(gone); h.key == gone {
			*h = hotEntry{}
		}
	}
	if v := slotVersion(slot); v > d.version {
		return // a newer keyset was cached meanwhile
	}
	copy(slot, m[:])
	binary.LittleEndian.PutUint64(slot[0:], uint64(d.version))
	binary.LittleEndian.PutUint64(slot[8:], uint64(loaded))
	d.loaded = time.Unix(0, loaded)
	*c.hotFor(k) = hotEntry{key: k, version: d.version, loaded: loaded, d: d}
}

// drop forgets subject's entry, if any, zeroing its key material in the
// slot. A built AEAD holds the expanded AES key inside crypto/aes, which Go
// cannot zero, so it is dropped for the garbage collector to reclaim; see
// docs/FORMAT.md for what the tombstone guarantees meanwhile.
func (c *cache) drop(subject custos.SubjectID) {
	k := c.key(subject)
	c.mu.Lock()
	c.removeLocked(k)
	c.mu.Unlock()
	c.other.Remove(subject)
}

func (c *cache) removeLocked(k slots.Key) {
	c.table.Remove(k)
	if h := c.hotFor(k); h.key == k {
		*h = hotEntry{}
	}
}

// purge empties the cache, zeroing all key material it holds.
func (c *cache) purge() {
	c.mu.Lock()
	c.table.Purge()
	clear(c.hot)
	c.mu.Unlock()
	c.other.Purge()
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.table.Len() + c.other.Len()
}

// Close zeroes the key material of every cached DEK and drops the built
// AEADs. The Keyring stays usable: the next use of a customer unwraps its
// DEK again. Close always returns nil.
func (r *Keyring) Close() error {
	r.cache.purge()
	return nil
}
