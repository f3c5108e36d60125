package keys

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecuresecretdataaccess"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
)

// newDEK returns a fresh DEK keyset as open would cache it.
func newDEK(t testing.TB, version int64) (dek, []byte) {
	t.Helper()
	h, err := keyset.NewHandle(DEKTemplate())
	require.NoError(t, err)
	a, prefix, err := primitive(h)
	require.NoError(t, err)
	return dek{aead: a, prefix: prefix, version: version, keyset: h}, keyBytes(t, h, 0)
}

func keyBytes(t testing.TB, h *keyset.Handle, i int) []byte {
	t.Helper()
	e, err := h.Entry(i)
	require.NoError(t, err)
	return e.Key().(*aesgcm.Key).KeyBytes().Data(insecuresecretdataaccess.Token{})
}

func TestCacheZeroesKeyMaterialWhenEntriesLeave(t *testing.T) {
	cases := []struct {
		name  string
		leave func(c *cache)
	}{
		{"dropped (Shred, Refresh)", func(c *cache) { c.drop("C1") }},
		{"purged (Reapply, Close)", func(c *cache) { c.purge() }},
		{"evicted for size", func(c *cache) {
			d, _ := newDEK(t, 1)
			c.put("C2", d)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(CacheConfig{MaxEntries: 1}, nil)
			d, key := newDEK(t, 1)
			c.put("C1", d)
			require.True(t, c.table.Contains(key), "the cache holds the key material")
			tc.leave(c)
			assert.False(t, c.table.Contains(key), "no copy of the key is left in the cache's memory")
			_, ok := c.get("C1")
			assert.False(t, ok)
			for _, h := range c.hot {
				assert.NotEqual(t, d.aead, h.d.aead, "the built AEAD is dropped")
			}
		})
	}
}

func TestKeyringCloseZeroesTheCache(t *testing.T) {
	r := &Keyring{cache: newCache(CacheConfig{}, nil)}
	d, key := newDEK(t, 1)
	r.cache.put("C1", d)
	require.NoError(t, r.Close())
	assert.False(t, r.cache.table.Contains(key))
	assert.Zero(t, r.cache.len())
}

// TestAEADBuiltFromASlotIsTheKeysetsAEAD checks the AEAD rebuilt from the
// cached key material against Tink's own, for a keyset of one key and one
// rotated (two keys).
func TestAEADBuiltFromASlotIsTheKeysetsAEAD(t *testing.T) {
	one, err := keyset.NewHandle(DEKTemplate())
	require.NoError(t, err)
	m := keyset.NewManagerFromHandle(one)
	id, err := m.Add(DEKTemplate())
	require.NoError(t, err)
	require.NoError(t, m.SetPrimary(id))
	two, err := m.Handle()
	require.NoError(t, err)
	for name, h := range map[string]*keyset.Handle{"one key": one, "rotated": two} {
		t.Run(name, func(t *testing.T) {
			tinkAEAD, err := aead.New(h)
			require.NoError(t, err)
			c := newCache(CacheConfig{}, nil)
			_, prefix, err := primitive(h)
			require.NoError(t, err)
			c.put("C1", dek{aead: tinkAEAD, prefix: prefix, version: 2, keyset: h})
			clear(c.hot) // force a build from the slot
			d, ok := c.get("C1")
			require.True(t, ok)
			assert.NotSame(t, tinkAEAD, d.aead)
			assert.Equal(t, prefix, d.prefix)
			assert.Equal(t, int64(2), d.version)
			ad := []byte("ad")
			old, err := aead.New(one)
			require.NoError(t, err)
			oldCT, err := old.Encrypt([]byte("before rotation"), ad)
			require.NoError(t, err)
			pt, err := d.aead.Decrypt(oldCT, ad)
			require.NoError(t, err, "a value of the first key still reads")
			assert.Equal(t, "before rotation", string(pt))
			ct, err := d.aead.Encrypt([]byte("value"), ad)
			require.NoError(t, err)
			assert.Equal(t, prefix, ct[:len(prefix)], "encrypts with the primary key")
			pt, err = tinkAEAD.Decrypt(ct, ad)
			require.NoError(t, err)
			assert.Equal(t, "value", string(pt))
			_, err = d.aead.Decrypt(ct, []byte("other ad"))
			assert.Error(t, err)
		})
	}
}

func TestCacheKeepsTheNewerVersion(t *testing.T) {
	c := newCache(CacheConfig{}, nil)
	newer, _ := newDEK(t, 3)
	older, _ := newDEK(t, 2)
	c.put("C1", newer)
	c.put("C1", older)
	d, ok := c.get("C1")
	require.True(t, ok)
	assert.Equal(t, int64(3), d.version)
}

func TestCacheAgeBound(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newCache(CacheConfig{MaxAge: time.Minute}, func() time.Time { return now })
	d, key := newDEK(t, 1)
	c.put("C1", d)
	now = now.Add(time.Minute)
	_, ok := c.get("C1")
	assert.False(t, ok, "stale")
	assert.False(t, c.table.Contains(key), "a stale entry's key is zeroed")
}

// TestMillionCachedDEKsMemory fills the default cache with a million
// customers' key material (the slots put writes, without unwrapping a
// million keysets) and measures the heap it takes.
func TestMillionCachedDEKsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 115 MiB")
	}
	d, _ := newDEK(t, 1)
	var m [materialSize]byte
	require.True(t, fill(m[:], d.keyset))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := newCache(CacheConfig{}, nil)
	for i := range 1_000_000 {
		slot, _, _ := c.table.Put(c.key(custos.SubjectID(fmt.Sprintf("C%07d", i))))
		copy(slot, m[:])
		m[18+5]++ // distinct keys
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("1,000,000 cached DEKs: heap %.1f MiB, of which slots and index %.1f MiB", float64(heap)/(1<<20), float64(c.table.Bytes())/(1<<20))
	assert.LessOrEqual(t, heap, int64(128<<20))
	assert.Equal(t, 1_000_000, c.len())
	runtime.KeepAlive(c)
}
