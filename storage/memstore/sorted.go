package memstore

import (
	"cmp"
	"slices"
)

// sorted is a set of keys that scans in ascending order. It sorts lazily:
// inserts and deletes are cheap, and the first scan after a change sorts
// once, so a scan of n keys in pages costs O(n log n) in all.
type sorted[K cmp.Ordered] struct {
	keys  []K
	set   map[K]bool
	dirty bool
}

func (s *sorted[K]) add(k K) {
	if s.set == nil {
		s.set = map[K]bool{}
	}
	if !s.set[k] {
		s.set[k] = true
		s.keys = append(s.keys, k)
		s.dirty = true
	}
}

func (s *sorted[K]) remove(k K) {
	if s.set[k] {
		delete(s.set, k)
		s.dirty = true
	}
}

// after returns up to limit keys greater than k, ascending. It must be
// called with the store's write lock held, since it may sort.
func (s *sorted[K]) after(k K, limit int) []K {
	if s.dirty {
		s.keys = slices.DeleteFunc(s.keys, func(x K) bool { return !s.set[x] })
		slices.Sort(s.keys)
		s.keys = slices.Compact(s.keys) // a key removed and added again before a scan is in keys twice
		s.dirty = false
	}
	i, found := slices.BinarySearch(s.keys, k)
	if found {
		i++
	}
	end := min(len(s.keys), i+limit)
	return slices.Clone(s.keys[i:end])
}
