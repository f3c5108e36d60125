package audit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/custos-go/custos/audit"
)

// edit rewrites entry k of c as a forger would: a valid entry at the same
// index, with another actor.
func edit(t *testing.T, c *sliceStore, k int) {
	t.Helper()
	e, err := audit.ParseEntry(c.leaves[k].Entry)
	require.NoError(t, err)
	e.Actor.ID = "forger"
	c.leaves[k].Entry, err = e.Encode()
	require.NoError(t, err)
}

// rehash rewrites every stored hash of c from its entries, as a forger
// who knows the tree layout would after an edit.
func rehash(t *testing.T, c *sliceStore) {
	t.Helper()
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for i := range c.leaves {
		blob := rfc6962.DefaultHasher.HashLeaf(c.leaves[i].Entry)
		require.NoError(t, rng.Append(blob, func(id compact.NodeID, h []byte) {
			if id.Level > 0 {
				blob = append(blob, h...)
			}
		}))
		c.leaves[i].Hashes = blob
	}
}

// TestVerifyNamesTheEditedEntry: an entry edited and its leaf hash
// recomputed is named by its own index — at an even index too, where the
// first stored hash that differs is its parent's, held by the next entry.
// What the evidence cannot tell apart is said as a range.
func TestVerifyNamesTheEditedEntry(t *testing.T) {
	s, l := buildLog(t, 20)
	for _, k := range []int{0, 2, 6, 8, 12, 16, 18} {
		c := s.clone()
		edit(t, c, k)
		copy(c.leaves[k].Hashes, rfc6962.DefaultHasher.HashLeaf(c.leaves[k].Entry))
		te := requireTamperAt(t, verifyStore(c, l.Verifier()), uint64(k))
		assert.Contains(t, te.Reason, "changed", "index %d: %s", k, te.Reason)
	}
}

// TestVerifyBoundsAFullRewrite: with every stored hash rewritten after an
// edit, only signed checkpoints tell where the log changed: the error names
// the first entry no checkpoint vouches for, and the range up to the first
// checkpoint that differs.
func TestVerifyBoundsAFullRewrite(t *testing.T) {
	s, l := buildLog(t, 20, 4, 8, 12, 16)
	cases := []struct {
		k          int
		first      uint64
		rangeShown string
	}{
		{0, 0, "between 0 and 3"},
		{5, 4, "between 4 and 7"},
		{9, 8, "between 8 and 11"},
		{17, 16, "between 16 and 19"},
	}
	for _, tc := range cases {
		c := s.clone()
		edit(t, c, tc.k)
		rehash(t, c)
		te := requireTamperAt(t, verifyStore(c, l.Verifier()), tc.first)
		assert.Contains(t, te.Reason, tc.rangeShown, "edit at %d", tc.k)
	}
	// A checkpoint at every size pins the entry exactly.
	every := make([]int, 20)
	for i := range every {
		every[i] = i + 1
	}
	s, l = buildLog(t, 20, every...)
	for _, k := range []int{0, 5, 10, 19} {
		c := s.clone()
		edit(t, c, k)
		rehash(t, c)
		requireTamperAt(t, verifyStore(c, l.Verifier()), uint64(k))
	}
}
