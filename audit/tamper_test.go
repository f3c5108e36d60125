package audit_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/audit"
)

// buildLog returns a log of n synthetic entries, with a checkpoint kept in
// the history at every size in keep.
func buildLog(t *testing.T, n int, keep ...int) (*sliceStore, *audit.Log) {
	t.Helper()
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	for i := range n {
		_, err := l.Append(ctx, event(i))
		require.NoError(t, err)
		if slices.Contains(keep, i+1) {
			cp, err := l.Checkpoint(ctx)
			require.NoError(t, err)
			require.NoError(t, s.SaveCheckpoint(ctx, audit.SavedCheckpoint{Size: uint64(i + 1), Checkpoint: cp}))
		}
	}
	return s, l
}

// requireTamperAt checks that err is a TamperError naming index.
func requireTamperAt(t *testing.T, err error, index uint64) *audit.TamperError {
	t.Helper()
	var te *audit.TamperError
	require.ErrorAs(t, err, &te)
	require.ErrorIs(t, err, audit.ErrTampered)
	require.True(t, te.HasIndex, "the error names an index: %v", err)
	require.Equal(t, index, te.Index, "first bad index: %v", err)
	return te
}

func verifyStore(s audit.Store, vkey string, saved ...[]byte) error {
	_, err := audit.Verify(context.Background(), audit.StoreSource(s), audit.VerifyOptions{Verifier: vkey, Checkpoints: saved})
	return err
}

func TestVerifyCleanLog(t *testing.T) {
	s, l := buildLog(t, 300, 1, 100, 256, 300)
	var progress []audit.VerifyProgress
	rep, err := audit.Verify(context.Background(), audit.StoreSource(s), audit.VerifyOptions{
		Verifier: l.Verifier(), ProgressEvery: 100, Progress: func(p audit.VerifyProgress) { progress = append(progress, p) },
	})
	require.NoError(t, err)
	assert.Equal(t, uint64(300), rep.Entries)
	assert.Equal(t, uint64(300), rep.Checkpoint.Size)
	assert.Equal(t, 5, rep.Checkpoints, "the latest and four kept")
	assert.Equal(t, []audit.VerifyProgress{{Done: 100, Total: 300, Next: 100}, {Done: 200, Total: 300, Next: 200}, {Done: 300, Total: 300, Next: 300}}, progress)
}

func TestVerifyFlipAnyByteOfAnEntry(t *testing.T) {
	s, l := buildLog(t, 20)
	for _, k := range []int{0, 7, 19} {
		for j := range s.leaves[k].Entry {
			c := s.clone()
			c.leaves[k].Entry[j] ^= 0x01
			requireTamperAt(t, verifyStore(c, l.Verifier()), uint64(k))
		}
	}
}

func TestVerifyFlipAnyByteOfStoredHashes(t *testing.T) {
	s, l := buildLog(t, 20)
	for _, k := range []int{0, 7, 15, 19} {
		for j := range s.leaves[k].Hashes {
			c := s.clone()
			c.leaves[k].Hashes[j] ^= 0x80
			// A node's hash names the first entry it covers: an edit of any
			// of them with its leaf hash rewritten looks the same.
			first := k + 1 - 1<<(j/32)
			te := requireTamperAt(t, verifyStore(c, l.Verifier()), uint64(first))
			if first != k {
				assert.Contains(t, te.Reason, fmt.Sprintf("between %d and %d", first, k))
			}
		}
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	ctx := context.Background()
	s, l := buildLog(t, 20, 8, 12)
	vkey := l.Verifier()
	saved, err := l.Checkpoint(ctx) // an auditor's copy at size 20
	require.NoError(t, err)

	cases := []struct {
		name   string
		tamper func(c *sliceStore)
		saved  [][]byte
		index  uint64
	}{
		{"delete an entry", func(c *sliceStore) { c.leaves = slices.Delete(c.leaves, 9, 10) }, nil, 9},
		{"delete the first entry", func(c *sliceStore) { c.leaves = c.leaves[1:] }, nil, 0},
		{"delete the last entry", func(c *sliceStore) { c.leaves = c.leaves[:19] }, nil, 19},
		{"delete an entry and renumber the rest", func(c *sliceStore) {
			c.leaves = slices.Delete(c.leaves, 9, 10)
			for i := 9; i < len(c.leaves); i++ {
				c.leaves[i].Index--
			}
		}, nil, 9},
		{"reorder two entries' bytes", func(c *sliceStore) {
			c.leaves[4].Entry, c.leaves[11].Entry = c.leaves[11].Entry, c.leaves[4].Entry
		}, nil, 4},
		{"reorder two rows with their hashes", func(c *sliceStore) {
			c.leaves[4], c.leaves[11] = c.leaves[11], c.leaves[4]
			c.leaves[4].Index, c.leaves[11].Index = 4, 11
		}, nil, 4},
		{"reorder two neighbours", func(c *sliceStore) {
			c.leaves[16].Entry, c.leaves[17].Entry = c.leaves[17].Entry, c.leaves[16].Entry
		}, nil, 16},
		{"add an entry beyond the head", func(c *sliceStore) {
			extra := c.leaves[19]
			extra.Index = 20
			c.leaves = append(c.leaves, extra)
		}, nil, 20},
		{"truncate to an older signed head, against the auditor's checkpoint", func(c *sliceStore) {
			c.leaves = c.leaves[:12]
			c.head = audit.Head{Size: 12, Checkpoint: c.checkpoints[1].Checkpoint}
			c.checkpoints = c.checkpoints[:1] // and remove the evidence kept in the history
		}, [][]byte{saved}, 12},
		{"truncate, caught by the history alone", func(c *sliceStore) {
			c.leaves = c.leaves[:8]
			c.head = audit.Head{Size: 8, Checkpoint: c.checkpoints[0].Checkpoint}
		}, nil, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.clone()
			tc.tamper(c)
			requireTamperAt(t, verifyStore(c, vkey, tc.saved...), tc.index)
		})
	}
	t.Run("untampered copy verifies", func(t *testing.T) {
		require.NoError(t, verifyStore(s.clone(), vkey, saved))
	})
}

func TestVerifyCatchesForeignSignatures(t *testing.T) {
	ctx := context.Background()
	s, l := buildLog(t, 10, 5)
	skey, _, err := note.GenerateKey(rand.Reader, origin) // same name, another key
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	resign := func(b []byte) []byte {
		n, err := note.Open(b, note.VerifierList(mustVerifier(t, l.Verifier())))
		require.NoError(t, err)
		out, err := note.Sign(&note.Note{Text: n.Text}, signer)
		require.NoError(t, err)
		return out
	}
	cases := map[string]func(c *sliceStore) [][]byte{
		"latest checkpoint signed by another key": func(c *sliceStore) [][]byte {
			c.head.Checkpoint = resign(c.head.Checkpoint)
			return nil
		},
		"kept checkpoint signed by another key": func(c *sliceStore) [][]byte {
			c.checkpoints[0].Checkpoint = resign(c.checkpoints[0].Checkpoint)
			return nil
		},
		"saved checkpoint signed by another key": func(c *sliceStore) [][]byte {
			return [][]byte{resign(c.head.Checkpoint)}
		},
		"latest checkpoint unsigned": func(c *sliceStore) [][]byte {
			c.head.Checkpoint = c.head.Checkpoint[:len(c.head.Checkpoint)-3]
			return nil
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			c := s.clone()
			saved := tamper(c)
			err := verifyStore(c, l.Verifier(), saved...)
			var te *audit.TamperError
			require.ErrorAs(t, err, &te)
			assert.False(t, te.HasIndex, "a signature names no entry")
		})
	}
	_, err = l.Checkpoint(ctx)
	require.NoError(t, err)
}

func mustVerifier(t *testing.T, vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	return v
}

func TestVerifyCatchesFork(t *testing.T) {
	ctx := context.Background()
	kr := newKeyring(t)
	// Log A, as auditors saw it: checkpoints saved at 5 and 10.
	a := &sliceStore{}
	la := newLog(t, a, kr)
	appendN(t, la, 0, 5)
	at5, err := la.Checkpoint(ctx)
	require.NoError(t, err)
	appendN(t, la, 5, 10)
	at10, err := la.Checkpoint(ctx)
	require.NoError(t, err)

	// Log B: the same first five entries, then others, signed with the
	// same key (someone with the key rewrote the tail and restarted).
	b := &sliceStore{key: a.key}
	lb := newLog(t, b, kr)
	appendN(t, lb, 0, 5)
	appendN(t, lb, 100, 105)
	bt10, err := lb.Checkpoint(ctx)
	require.NoError(t, err)
	require.NoError(t, b.SaveCheckpoint(ctx, audit.SavedCheckpoint{Size: 10, Checkpoint: bt10}))
	require.NotEqual(t, at10, bt10, "two different checkpoints of the same size")

	require.NoError(t, verifyStore(b, lb.Verifier()), "B alone is self-consistent")
	te := requireTamperAt(t, verifyStore(b, lb.Verifier(), at5, at10), 5)
	assert.Contains(t, te.Reason, "forked")
	te = requireTamperAt(t, verifyStore(b, lb.Verifier(), at10), 0)
	assert.Contains(t, te.Reason, "between 0 and 9", "a single checkpoint bounds the fork")
	// And the consistency proof B gives between A's checkpoints fails.
	p, err := lb.ConsistencyProof(ctx, 5, 10)
	require.NoError(t, err)
	assert.ErrorIs(t, audit.VerifyConsistency(at5, at10, la.Verifier(), p), audit.ErrTampered, "A's own checkpoints are consistent, but not via B's proof")
	p, err = la.ConsistencyProof(ctx, 5, 10)
	require.NoError(t, err)
	require.NoError(t, audit.VerifyConsistency(at5, at10, la.Verifier(), p))
	assert.ErrorIs(t, audit.VerifyConsistency(at10, bt10, la.Verifier(), nil), audit.ErrTampered, "same size, different roots")
}

func TestVerifyResume(t *testing.T) {
	ctx := context.Background()
	s, l := buildLog(t, 50)
	first, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
	cp, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	appendN(t, l, 50, 80)
	rep, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier(), Resume: cp})
	require.NoError(t, err)
	assert.Equal(t, uint64(50), rep.From)
	assert.Equal(t, uint64(30), rep.Entries)
	assert.Equal(t, first.Checkpoint.Size, rep.From)

	c := s.clone()
	c.leaves[60].Entry[30] ^= 1
	_, err = audit.Verify(ctx, audit.StoreSource(c), audit.VerifyOptions{Verifier: l.Verifier(), Resume: cp})
	requireTamperAt(t, err, 60)

	c = s.clone()
	c.leaves[47].Hashes[128] ^= 1 // node (4,2), on the right edge of the tree of 50
	_, err = audit.Verify(ctx, audit.StoreSource(c), audit.VerifyOptions{Verifier: l.Verifier(), Resume: cp})
	assert.ErrorIs(t, err, audit.ErrTampered)
}

func TestVerifyBadInput(t *testing.T) {
	ctx := context.Background()
	s, _ := buildLog(t, 3)
	_, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: "nonsense"})
	assert.ErrorIs(t, err, audit.ErrConfig)
	_, err = audit.Verify(ctx, nil, audit.VerifyOptions{})
	assert.ErrorIs(t, err, audit.ErrConfig)
	empty := &sliceStore{}
	_, _, vkey := mustKey(t)
	_, err = audit.Verify(ctx, audit.StoreSource(empty), audit.VerifyOptions{Verifier: vkey})
	assert.ErrorIs(t, err, audit.ErrTampered, "a log with no signed checkpoint")
	assert.False(t, errors.Is(err, audit.ErrConfig))
}

func mustKey(t *testing.T) (note.Signer, string, string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	require.NoError(t, err)
	s, err := note.NewSigner(skey)
	require.NoError(t, err)
	return s, skey, vkey
}
