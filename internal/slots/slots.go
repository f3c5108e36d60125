// Package slots is a bounded map from 128-bit keys to fixed-size byte
// slots, for caches of many small secrets: every slot lives in large []byte
// chunks and the index holds only integers, so the garbage collector scans
// nothing of it however many entries it holds, and a slot's bytes are
// zeroed whenever its entry leaves (replaced, evicted, removed, purged).
// Chunks are never reallocated, so no copy of a slot is left behind by
// growth.
//
// Eviction is CLOCK (second chance), an approximation of least recently
// used: an entry used since the hand last passed it is kept one more turn.
//
// A Table is not safe for concurrent use; its owner serialises calls.
package slots

import "bytes"

// Key identifies an entry: a 128-bit hash the caller computes with a
// secret seed, so that distinct keys collide with negligible probability.
type Key [2]uint64

// chunkSlots is the number of slots of one chunk.
const chunkSlots = 4096

// Table holds at most max entries of size bytes each.
type Table struct {
	size, max int
	chunks    [][]byte // chunkSlots*size bytes each
	keys      []Key    // by slot
	used      []uint8  // by slot: 0 free, 1 used, 2 used and referenced
	free      []uint32 // free slots below len(keys)
	index     []uint32 // open addressing, linear probing: slot+1, 0 empty
	n, hand   int
}

// New returns a table of at most max entries (max > 0) of size bytes.
func New(size, max int) *Table {
	return &Table{size: size, max: max, index: make([]uint32, 16)}
}

// Len returns the number of entries.
func (t *Table) Len() int { return t.n }

// Cap returns the most entries the table keeps.
func (t *Table) Cap() int { return t.max }

// Get returns the slot of k, which the caller may read and write until
// its next call on t, and marks it recently used.
func (t *Table) Get(k Key) ([]byte, bool) {
	p, ok := t.find(k)
	if !ok {
		return nil, false
	}
	s := t.index[p] - 1
	t.used[s] = 2
	return t.slot(s), true
}

// Put returns the slot of k, zeroed if k is new, evicting an entry if the
// table is full; evicted reports whether it did, and gone which.
func (t *Table) Put(k Key) (slot []byte, gone Key, evicted bool) {
	if p, ok := t.find(k); ok {
		s := t.index[p] - 1
		t.used[s] = 2
		return t.slot(s), Key{}, false
	}
	if t.n >= t.max {
		gone = t.evict()
		evicted = true
	}
	s := t.alloc()
	t.keys[s], t.used[s] = k, 1
	t.insert(s)
	t.n++
	return t.slot(s), gone, evicted
}

// Remove drops k, zeroing its slot, and reports whether it was there.
func (t *Table) Remove(k Key) bool {
	p, ok := t.find(k)
	if !ok {
		return false
	}
	t.release(p)
	return true
}

// Purge drops every entry, zeroing every slot.
func (t *Table) Purge() {
	for _, c := range t.chunks {
		clear(c)
	}
	clear(t.index)
	clear(t.used)
	clear(t.keys)
	t.free = t.free[:0]
	for s := len(t.keys) - 1; s >= 0; s-- {
		t.free = append(t.free, uint32(s))
	}
	t.n, t.hand = 0, 0
}

// Bytes returns the memory the table holds, in bytes.
func (t *Table) Bytes() int {
	return len(t.chunks)*chunkSlots*t.size + cap(t.keys)*16 + cap(t.used) + cap(t.free)*4 + len(t.index)*4
}

func (t *Table) slot(s uint32) []byte {
	c := t.chunks[s/chunkSlots]
	off := int(s%chunkSlots) * t.size
	return c[off : off+t.size : off+t.size]
}

func (t *Table) alloc() uint32 {
	if n := len(t.free); n > 0 {
		s := t.free[n-1]
		t.free = t.free[:n-1]
		return s
	}
	s := uint32(len(t.keys))
	if int(s)%chunkSlots == 0 {
		t.chunks = append(t.chunks, make([]byte, chunkSlots*t.size))
	}
	t.keys = append(t.keys, Key{})
	t.used = append(t.used, 0)
	return s
}

// evict frees the first entry not referenced since the hand last passed
// and returns its key.
func (t *Table) evict() Key {
	for {
		if t.hand >= len(t.keys) {
			t.hand = 0
		}
		s := t.hand
		t.hand++
		switch t.used[s] {
		case 2:
			t.used[s] = 1
		case 1:
			k := t.keys[s]
			p, _ := t.find(k)
			t.release(p)
			return k
		}
	}
}

// release frees the entry at index position p.
func (t *Table) release(p int) {
	s := t.index[p] - 1
	clear(t.slot(s))
	t.keys[s], t.used[s] = Key{}, 0
	t.free = append(t.free, s)
	t.n--
	t.deleteAt(p)
}

func (t *Table) home(k Key) int { return int(k[0] & uint64(len(t.index)-1)) }

func (t *Table) find(k Key) (int, bool) {
	mask := len(t.index) - 1
	for p := t.home(k); ; p = (p + 1) & mask {
		e := t.index[p]
		if e == 0 {
			return 0, false
		}
		if t.keys[e-1] == k {
			return p, true
		}
	}
}

func (t *Table) insert(s uint32) {
	if 2*(t.n+1) > len(t.index) {
		t.grow()
	}
	mask := len(t.index) - 1
	p := t.home(t.keys[s])
	for t.index[p] != 0 {
		p = (p + 1) & mask
	}
	t.index[p] = s + 1
}

func (t *Table) grow() {
	old := t.index
	t.index = make([]uint32, 2*len(old))
	mask := len(t.index) - 1
	for _, e := range old {
		if e == 0 {
			continue
		}
		p := t.home(t.keys[e-1])
		for t.index[p] != 0 {
			p = (p + 1) & mask
		}
		t.index[p] = e
	}
}

// deleteAt empties index position p, shifting later entries of its probe
// run back so that every entry stays reachable from its home.
func (t *Table) deleteAt(p int) {
	mask := len(t.index) - 1
	t.index[p] = 0
	for q := (p + 1) & mask; t.index[q] != 0; q = (q + 1) & mask {
		h := t.home(t.keys[t.index[q]-1])
		// Move q's entry to p if its home is not in (p, q] cyclically.
		if (q > p && (h <= p || h > q)) || (q < p && h <= p && h > q) {
			t.index[p], t.index[q] = t.index[q], 0
			p = q
		}
	}
}

// Contains reports whether any slot, in use or free, holds b: for tests
// and audits that key material left no copy behind.
func (t *Table) Contains(b []byte) bool {
	for _, c := range t.chunks {
		if bytes.Contains(c, b) {
			return true
		}
	}
	return false
}
