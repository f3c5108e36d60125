// Package lru is a size-bounded least-recently-used map, safe for
// concurrent use. Callers that also bound age keep a time in the value and
// Remove stale entries themselves.
package lru

import (
	"container/list"
	"sync"
)

// Cache maps keys to values, keeping at most max entries and dropping the
// least recently used first.
type Cache[K comparable, V any] struct {
	max int

	mu    sync.Mutex
	order *list.List // front: most recently used; values are *entry[K, V]
	index map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// New returns a cache of at most max entries (max > 0).
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, order: list.New(), index: map[K]*list.Element{}}
}

// Get returns the value of k and marks it recently used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Put stores v under k unless keep, given the value already stored under
// k, says to keep that one. It returns how many entries were evicted to stay
// within the bound.
func (c *Cache[K, V]) Put(k K, v V, keep func(old V) bool) (evicted int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[k]; ok {
		e := el.Value.(*entry[K, V])
		if keep == nil || !keep(e.val) {
			e.val = v
		}
		c.order.MoveToFront(el)
		return 0
	}
	c.index[k] = c.order.PushFront(&entry[K, V]{key: k, val: v})
	for c.order.Len() > c.max {
		c.removeLocked(c.order.Back())
		evicted++
	}
	return evicted
}

// Remove drops k and reports whether it was there.
func (c *Cache[K, V]) Remove(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[k]
	if ok {
		c.removeLocked(el)
	}
	return ok
}

// Len returns the number of entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Purge drops every entry.
func (c *Cache[K, V]) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.index)
}

func (c *Cache[K, V]) removeLocked(el *list.Element) {
	delete(c.index, el.Value.(*entry[K, V]).key)
	c.order.Remove(el)
}
