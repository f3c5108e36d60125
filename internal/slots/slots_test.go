package slots

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func key(i int) Key { return Key{uint64(i) * 0x9e3779b97f4a7c15, uint64(i)} }

// TestAgainstAMap runs random operations against a map model: every entry
// the table keeps holds what was put, the bound holds, nothing removed is
// found.
func TestAgainstAMap(t *testing.T) {
	for _, max := range []int{1, 3, 64, 500} {
		tb := New(8, max)
		model := map[Key]byte{}
		r := rand.New(rand.NewPCG(1, uint64(max)))
		for op := range 10_000 {
			k := key(r.IntN(3 * max))
			switch r.IntN(4) {
			case 0, 1:
				s, _, _ := tb.Put(k)
				s[0] = byte(op)
				model[k] = byte(op)
			case 2:
				tb.Remove(k)
				delete(model, k)
			case 3:
				if s, ok := tb.Get(k); ok {
					require.Contains(t, model, k)
					require.Equal(t, model[k], s[0])
				}
			}
			require.LessOrEqual(t, tb.Len(), max)
			if len(model) > tb.Len() { // evicted entries leave the model too
				for mk := range model {
					if _, ok := tb.Get(mk); !ok {
						delete(model, mk)
					}
				}
			}
			require.Equal(t, len(model), tb.Len())
		}
	}
}

func TestClockKeepsRecentlyUsed(t *testing.T) {
	tb := New(1, 3)
	for i := range 3 {
		tb.Put(key(i))
	}
	_, gone, evicted := tb.Put(key(3))
	assert.Equal(t, key(0), gone)
	assert.True(t, evicted)
	_, ok := tb.Get(key(0))
	assert.False(t, ok, "the oldest, unused since, goes first")
	tb.Get(key(1))
	tb.Put(key(4))
	_, ok = tb.Get(key(1))
	assert.True(t, ok, "used since the hand passed: kept")
}

// TestSlotsAreZeroedWhenEntriesLeave looks at the chunk bytes themselves.
func TestSlotsAreZeroedWhenEntriesLeave(t *testing.T) {
	secret := bytes.Repeat([]byte{0xA5}, 32)
	holds := func(tb *Table) bool { return tb.Contains(secret) }
	cases := []struct {
		name  string
		leave func(tb *Table)
	}{
		{"removed", func(tb *Table) { tb.Remove(key(1)) }},
		{"evicted", func(tb *Table) { tb.Put(key(2)); tb.Put(key(3)) }},
		{"purged", func(tb *Table) { tb.Purge() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := New(32, 2)
			s, _, _ := tb.Put(key(1))
			copy(s, secret)
			require.True(t, holds(tb))
			c.leave(tb)
			_, ok := tb.Get(key(1))
			assert.False(t, ok)
			assert.False(t, holds(tb), "the slot's bytes are zero")
		})
	}
}

// TestMillionEntriesMemory measures the heap a million entries of 92 bytes
// (the DEK cache's slot) take.
func TestMillionEntriesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 110 MiB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tb := New(92, 1<<20)
	for i := range 1_000_000 {
		s, _, _ := tb.Put(key(i))
		s[0] = 1
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("1,000,000 entries: heap %d MiB, table %d MiB", heap>>20, tb.Bytes()>>20)
	assert.LessOrEqual(t, heap, int64(128<<20))
	assert.Equal(t, 1_000_000, tb.Len())
	runtime.KeepAlive(tb)
}
