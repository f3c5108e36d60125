package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
)

// auditAdapter is an adapter that holds the audit log.
type auditAdapter interface {
	Audit() audit.Store
}

// auditStoreOf returns the adapter's audit.Store, failing the test if it
// has none.
func auditStoreOf(t *testing.T, a Adapter) audit.Store {
	t.Helper()
	aa, ok := a.(auditAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Audit() audit.Store method", a)
	}
	return aa.Audit()
}

// auditLeaves returns n synthetic leaves from index first. Their bytes are
// arbitrary: a store keeps bytes and checks nothing about them.
func auditLeaves(first uint64, n int) []audit.Leaf {
	out := make([]audit.Leaf, n)
	for i := range out {
		x := first + uint64(i)
		out[i] = audit.Leaf{Index: x, Entry: []byte(fmt.Sprintf("entry-%d", x)), Hashes: bytes.Repeat([]byte{byte(x)}, 32)}
	}
	return out
}

func auditBatch(first uint64, n int) audit.Batch {
	return audit.Batch{First: first, Leaves: auditLeaves(first, n),
		Head: audit.Head{Size: first + uint64(n), Checkpoint: []byte(fmt.Sprintf("checkpoint-%d\n", first+uint64(n)))}}
}

// fixed returns an Extend that appends b whatever the stored head.
func fixed(b audit.Batch) audit.Extend {
	return func(context.Context, audit.Head, audit.HashReader) (audit.Batch, error) { return b, nil }
}

// runAudit checks an adapter's audit.Store, then runs a real audit.Log
// over it and verifies the result.
func runAudit(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("empty", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, uint64(0), h.Size)
		assert.Empty(t, h.Checkpoint)
		leaves, err := s.ReadLeaves(ctx, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, leaves)
		_, err = s.ReadHashes(ctx, []uint64{0})
		assert.ErrorIs(t, err, audit.ErrNotFound)
		_, err = s.SigningKey(ctx)
		assert.ErrorIs(t, err, audit.ErrNotFound)
		cps, err := s.ScanCheckpoints(ctx, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, cps)
	})

	t.Run("append-and-read", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		// Larger than one SQL chunk, to cover batching inside the store.
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 600))))
		require.NoError(t, s.Append(ctx, fixed(auditBatch(600, 3))))
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 603, Checkpoint: []byte("checkpoint-603\n")}, h)

		all := append(auditLeaves(0, 600), auditLeaves(600, 3)...)
		var got []audit.Leaf
		for from := uint64(0); ; {
			page, err := s.ReadLeaves(ctx, from, 100)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			assert.LessOrEqual(t, len(page), 100, "a page holds at most limit leaves")
			got = append(got, page...)
			from = page[len(page)-1].Index + 1
		}
		assert.Equal(t, all, got, "leaves read back in index order, byte for byte")

		page, err := s.ReadLeaves(ctx, 601, 10)
		require.NoError(t, err)
		assert.Equal(t, all[601:], page, "a read from the middle")

		hashes, err := s.ReadHashes(ctx, []uint64{602, 0, 602, 300})
		require.NoError(t, err)
		assert.Equal(t, [][]byte{all[602].Hashes, all[0].Hashes, all[602].Hashes, all[300].Hashes}, hashes,
			"hashes in the order asked, repeats included")
		_, err = s.ReadHashes(ctx, []uint64{1, 603})
		assert.ErrorIs(t, err, audit.ErrNotFound, "an index beyond the log")
	})

	t.Run("head-only-batch", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(audit.Batch{First: 0, Head: audit.Head{Size: 0, Checkpoint: []byte("empty\n")}})))
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 0, Checkpoint: []byte("empty\n")}, h)
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 2))))
		require.NoError(t, s.Append(ctx, fixed(audit.Batch{First: 2, Head: audit.Head{Size: 2, Checkpoint: []byte("resigned\n")}})))
		h, err = s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 2, Checkpoint: []byte("resigned\n")}, h)
	})

	t.Run("conflict-changes-nothing", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 5))))
		for _, first := range []uint64{0, 4, 6} {
			err := s.Append(ctx, fixed(auditBatch(first, 2)))
			assert.ErrorIs(t, err, audit.ErrConflict, "append at %d to a log of 5", first)
		}
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, uint64(5), h.Size)
		assert.Equal(t, []byte("checkpoint-5\n"), h.Checkpoint)
		leaves, err := s.ReadLeaves(ctx, 0, 100)
		require.NoError(t, err)
		assert.Equal(t, auditLeaves(0, 5), leaves)
	})

	t.Run("bad-batch-changes-nothing", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 2))))
		bad := []struct {
			name string
			b    audit.Batch
		}{
			{"head size does not follow", audit.Batch{First: 2, Leaves: auditLeaves(2, 2), Head: audit.Head{Size: 9, Checkpoint: []byte("x\n")}}},
			{"leaf indexes skip", audit.Batch{First: 2, Leaves: append(auditLeaves(2, 1), auditLeaves(4, 1)...), Head: audit.Head{Size: 4, Checkpoint: []byte("x\n")}}},
		}
		for _, c := range bad {
			err := s.Append(ctx, fixed(c.b))
			assert.Error(t, err, c.name)
		}
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 2, Checkpoint: []byte("checkpoint-2\n")}, h)
		leaves, err := s.ReadLeaves(ctx, 0, 100)
		require.NoError(t, err)
		assert.Equal(t, auditLeaves(0, 2), leaves)
	})

	t.Run("extend-sees-the-head-under-the-lock", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 5))))
		var seen audit.Head
		var hashes [][]byte
		var missing error
		err := s.Append(ctx, func(ctx context.Context, h audit.Head, r audit.HashReader) (audit.Batch, error) {
			seen = h
			var err error
			if hashes, err = r.ReadHashes(ctx, []uint64{4, 0}); err != nil {
				return audit.Batch{}, err
			}
			_, missing = r.ReadHashes(ctx, []uint64{5})
			return auditBatch(h.Size, 2), nil
		})
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 5, Checkpoint: []byte("checkpoint-5\n")}, seen, "extend is given the stored head")
		assert.Equal(t, [][]byte{auditLeaves(4, 1)[0].Hashes, auditLeaves(0, 1)[0].Hashes}, hashes, "and reads the stored hashes")
		assert.ErrorIs(t, missing, audit.ErrNotFound, "a leaf beyond the head")
		leaves, err := s.ReadLeaves(ctx, 0, 100)
		require.NoError(t, err)
		assert.Equal(t, auditLeaves(0, 7), leaves)
	})

	t.Run("extend-error-changes-nothing", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		require.NoError(t, s.Append(ctx, fixed(auditBatch(0, 3))))
		refused := errors.New("extend refused")
		err := s.Append(ctx, func(context.Context, audit.Head, audit.HashReader) (audit.Batch, error) {
			return audit.Batch{}, refused
		})
		assert.ErrorIs(t, err, refused)
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: 3, Checkpoint: []byte("checkpoint-3\n")}, h)
		leaves, err := s.ReadLeaves(ctx, 0, 100)
		require.NoError(t, err)
		assert.Equal(t, auditLeaves(0, 3), leaves)
	})

	t.Run("concurrent-appends-take-turns", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		const writers, each = 8, 3
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for w := range writers {
			wg.Go(func() {
				errs[w] = s.Append(ctx, func(_ context.Context, h audit.Head, _ audit.HashReader) (audit.Batch, error) {
					return auditBatch(h.Size, each), nil
				})
			})
		}
		wg.Wait()
		for w, err := range errs {
			assert.NoError(t, err, "writer %d: no append fails because another appended first", w)
		}
		h, err := s.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, audit.Head{Size: writers * each, Checkpoint: []byte(fmt.Sprintf("checkpoint-%d\n", writers*each))}, h)
		leaves, err := s.ReadLeaves(ctx, 0, 100)
		require.NoError(t, err)
		assert.Equal(t, auditLeaves(0, writers*each), leaves, "each batch extends the head the previous one wrote")
	})

	t.Run("checkpoint-history", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		for _, size := range []uint64{5, 1, 3} {
			require.NoError(t, s.SaveCheckpoint(ctx, audit.SavedCheckpoint{Size: size, Checkpoint: []byte(fmt.Sprintf("cp-%d\n", size)), Saved: t0}))
		}
		require.NoError(t, s.SaveCheckpoint(ctx, audit.SavedCheckpoint{Size: 3, Checkpoint: []byte("other\n"), Saved: t0.Add(time.Hour)}),
			"saving a size again succeeds")
		cps, err := s.ScanCheckpoints(ctx, 2, 10)
		require.NoError(t, err)
		assert.Equal(t, []audit.SavedCheckpoint{
			{Size: 3, Checkpoint: []byte("cp-3\n"), Saved: t0},
			{Size: 5, Checkpoint: []byte("cp-5\n"), Saved: t0},
		}, cps, "ascending from the size asked, the first save of a size kept")
		cps, err = s.ScanCheckpoints(ctx, 0, 1)
		require.NoError(t, err)
		require.Len(t, cps, 1)
		assert.Equal(t, uint64(1), cps[0].Size)
	})

	t.Run("signing-key", func(t *testing.T) {
		s := auditStoreOf(t, openT(t, open))
		k := audit.SigningKey{Verifier: "log.example+01020304+AQID", Wrapped: []byte("wrapped"), Created: t0}
		require.NoError(t, s.CreateSigningKey(ctx, k))
		other := audit.SigningKey{Verifier: "other", Wrapped: []byte("other"), Created: t0}
		require.ErrorIs(t, s.CreateSigningKey(ctx, other), audit.ErrExists)
		got, err := s.SigningKey(ctx)
		require.NoError(t, err)
		assert.Equal(t, k, got, "the first key stays")
	})

	t.Run("closed", func(t *testing.T) {
		a := open(t)
		s := auditStoreOf(t, a)
		require.NoError(t, a.Close())
		_, err := s.Head(ctx)
		assert.ErrorIs(t, err, custos.ErrClosed)
		assert.ErrorIs(t, s.Append(ctx, fixed(auditBatch(0, 1))), custos.ErrClosed)
		_, err = s.ReadLeaves(ctx, 0, 1)
		assert.ErrorIs(t, err, custos.ErrClosed)
	})

	t.Run("log", func(t *testing.T) { runAuditLog(t, open) })
}

// runAuditLog drives a real audit.Log over the adapter: concurrent appends,
// proofs, a second Log on the same store, and full verification.
func runAuditLog(t *testing.T, open Opener) {
	ctx := context.Background()
	a := openT(t, open)
	s := auditStoreOf(t, a)
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: a.Keys(), Ledger: a.Ledger()})
	require.NoError(t, err)
	cfg := audit.Config{Store: s, Keys: kr, Origin: "storetest.example/audit", Clock: func() time.Time { return t0 }}
	first, err := audit.New(ctx, cfg)
	require.NoError(t, err)
	second, err := audit.New(ctx, cfg) // another process on the same store
	require.NoError(t, err)
	require.Equal(t, first.Verifier(), second.Verifier(), "both use the one stored signing key")

	const appenders, each = 8, 20
	var wg sync.WaitGroup
	for w := range appenders {
		l := first
		if w%2 == 1 {
			l = second
		}
		wg.Go(func() {
			for i := range each {
				err := l.Record(ctx, custos.Event{Time: t0, Action: custos.ActionGet, Outcome: custos.OutcomeAllowed,
					Access:  custos.Access{Actor: custos.Actor{ID: fmt.Sprintf("clerk-%d", w), Role: "clerk"}, Purpose: "servicing"},
					Subject: custos.SubjectID(fmt.Sprintf("S%d", i%5)), RecordType: "customer", Fields: []string{"name"}})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, first.Close())
	require.NoError(t, second.Close())

	rep, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: first.Verifier()})
	require.NoError(t, err)
	assert.Equal(t, uint64(appenders*each), rep.Entries)
	assert.Equal(t, uint64(appenders*each), rep.Checkpoint.Size)
}
