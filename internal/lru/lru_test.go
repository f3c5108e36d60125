package lru

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := New[string, int](2)
	assert.Zero(t, c.Put("a", 1, nil))
	assert.Zero(t, c.Put("b", 2, nil))
	_, _ = c.Get("a")
	assert.Equal(t, 1, c.Put("c", 3, nil), "b was least recently used")
	_, ok := c.Get("b")
	assert.False(t, ok)
	v, ok := c.Get("a")
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	assert.Equal(t, 2, c.Len())
}

func TestPutKeepsWhatKeepSays(t *testing.T) {
	c := New[string, int](4)
	c.Put("a", 5, nil)
	c.Put("a", 3, func(old int) bool { return old > 3 })
	v, _ := c.Get("a")
	assert.Equal(t, 5, v, "the newer value stays")
	c.Put("a", 7, func(old int) bool { return old > 7 })
	v, _ = c.Get("a")
	assert.Equal(t, 7, v)
	assert.True(t, c.Remove("a"))
	assert.False(t, c.Remove("a"))
	c.Put("b", 1, nil)
	c.Purge()
	assert.Zero(t, c.Len())
}

func TestConcurrentUse(t *testing.T) {
	c := New[int, int](16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c.Put((g*i)%40, i, nil)
				c.Get(i % 40)
				if i%7 == 0 {
					c.Remove(i % 40)
				}
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, c.Len(), 16)
}
