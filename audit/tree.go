package audit

import (
	"bytes"
	"context"
	"fmt"
	"math/bits"
	"slices"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// All hashing is RFC 6962 over SHA-256, from transparency-dev/merkle.
var (
	hasher  = rfc6962.DefaultHasher
	factory = &compact.RangeFactory{Hash: hasher.HashChildren}
)

const hashSize = 32

// completedLevels is how many nodes above the leaf appending leaf index
// completes: the number of trailing one bits of index.
func completedLevels(index uint64) int { return bits.TrailingZeros64(^index) }

// hashesLen is the length of a Leaf.Hashes for index.
func hashesLen(index uint64) int { return hashSize * (1 + completedLevels(index)) }

// owner returns the leaf whose Hashes hold node id, and the node's offset
// in them: a node is completed by the last leaf it covers.
func owner(id compact.NodeID) (uint64, int) {
	_, end := id.Coverage()
	return end - 1, hashSize * int(id.Level)
}

// appendLeaf appends entry to rng and returns the leaf's Hashes.
func appendLeaf(rng *compact.Range, entry []byte) ([]byte, error) {
	blob := make([]byte, 0, hashesLen(rng.End()))
	blob = append(blob, hasher.HashLeaf(entry)...)
	err := rng.Append(blob[:hashSize:hashSize], func(id compact.NodeID, h []byte) {
		if id.Level > 0 {
			blob = append(blob, h...)
		}
	})
	return blob, err
}

// cloneRange copies rng so that appending to the copy leaves rng intact.
func cloneRange(rng *compact.Range) *compact.Range {
	c, err := factory.NewRange(rng.Begin(), rng.End(), slices.Clone(rng.Hashes()))
	if err != nil {
		panic("audit: cloning a valid compact range failed: " + err.Error())
	}
	return c
}

// rootOf returns the root hash of a range starting at 0.
func rootOf(rng *compact.Range) []byte {
	if rng.End() == 0 {
		return hasher.EmptyRoot()
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		panic("audit: root of a range from 0 failed: " + err.Error())
	}
	return root
}

// readNodes returns the stored hashes of the nodes ids, reading each owner
// leaf once.
func readNodes(ctx context.Context, s HashReader, ids []compact.NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	owners := make([]uint64, 0, len(ids))
	pos := make(map[uint64]int, len(ids))
	for _, id := range ids {
		o, _ := owner(id)
		if _, ok := pos[o]; !ok {
			pos[o] = len(owners)
			owners = append(owners, o)
		}
	}
	blobs, err := s.ReadHashes(ctx, owners)
	if err != nil {
		return nil, fmt.Errorf("audit: read tree hashes: %w", err)
	}
	if len(blobs) != len(owners) {
		return nil, fmt.Errorf("audit: store returned %d hash sets for %d leaves", len(blobs), len(owners))
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		o, off := owner(id)
		blob := blobs[pos[o]]
		if len(blob) != hashesLen(o) {
			return nil, tamperAt(o, "stored tree hashes have the wrong length")
		}
		out[i] = blob[off : off+hashSize : off+hashSize]
	}
	return out, nil
}

// loadRange rebuilds the compact range of the first size leaves from
// stored hashes.
func loadRange(ctx context.Context, s HashReader, size uint64) (*compact.Range, error) {
	if size == 0 {
		return factory.NewEmptyRange(0), nil
	}
	hashes, err := readNodes(ctx, s, compact.RangeNodes(0, size, nil))
	if err != nil {
		return nil, err
	}
	return factory.NewRange(0, size, hashes)
}

// inclusion returns the inclusion proof of leaf index in the tree of size
// leaves, from stored hashes.
func inclusion(ctx context.Context, s HashReader, index, size uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	hashes, err := readNodes(ctx, s, nodes.IDs)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// consistency returns the consistency proof between trees of size1 and
// size2 leaves, from stored hashes.
func consistency(ctx context.Context, s HashReader, size1, size2 uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	hashes, err := readNodes(ctx, s, nodes.IDs)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

func sameHash(a, b []byte) bool { return bytes.Equal(a, b) }
