package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)

func dek(subject string, version int64) keys.WrappedDEK {
	return keys.WrappedDEK{
		Subject: custos.SubjectID(subject), Ref: []byte("ref-" + subject), KEKID: "kek-1",
		Keyset: []byte("wrapped-" + subject), Version: version, Created: t0, Updated: t0,
	}
}

func runKeyStore(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("create-get-update-delete", func(t *testing.T) {
		s := openT(t, open).Keys()
		_, err := s.GetDEK(ctx, "S1")
		require.ErrorIs(t, err, keys.ErrNotFound)

		require.NoError(t, s.CreateDEK(ctx, dek("S1", 1)))
		require.ErrorIs(t, s.CreateDEK(ctx, dek("S1", 1)), keys.ErrExists, "second create of one subject")
		got, err := s.GetDEK(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, dek("S1", 1), got)

		up := dek("S1", 2)
		up.KEKID, up.Keyset, up.Updated = "kek-2", []byte("rewrapped"), t0.Add(time.Hour)
		require.NoError(t, s.UpdateDEK(ctx, up))
		require.ErrorIs(t, s.UpdateDEK(ctx, up), keys.ErrConflict, "stale version")
		got, err = s.GetDEK(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, "kek-2", got.KEKID)
		assert.Equal(t, []byte("rewrapped"), got.Keyset)
		assert.Equal(t, int64(2), got.Version)
		assert.Equal(t, t0, got.Created, "created time survives updates")
		assert.Equal(t, t0.Add(time.Hour), got.Updated)
		assert.Equal(t, []byte("ref-S1"), got.Ref, "reference survives updates")

		require.ErrorIs(t, s.UpdateDEK(ctx, dek("S2", 2)), keys.ErrNotFound)
		require.NoError(t, s.DeleteDEK(ctx, "S1"))
		require.ErrorIs(t, s.DeleteDEK(ctx, "S1"), keys.ErrNotFound)
		_, err = s.GetDEK(ctx, "S1")
		require.ErrorIs(t, err, keys.ErrNotFound)
	})

	t.Run("delete-by-ref", func(t *testing.T) {
		s := openT(t, open).Keys()
		require.NoError(t, s.CreateDEK(ctx, dek("S1", 1)))
		require.NoError(t, s.CreateDEK(ctx, dek("S2", 1)))
		ok, err := s.DeleteDEKByRef(ctx, []byte("ref-S1"))
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.DeleteDEKByRef(ctx, []byte("ref-S1"))
		require.NoError(t, err)
		assert.False(t, ok, "already deleted")
		_, err = s.GetDEK(ctx, "S1")
		assert.ErrorIs(t, err, keys.ErrNotFound)
		_, err = s.GetDEK(ctx, "S2")
		assert.NoError(t, err, "other subjects untouched")
	})

	t.Run("tombstones", func(t *testing.T) { testKeyTombstones(t, open) })

	t.Run("scan-in-byte-order", func(t *testing.T) {
		s := openT(t, open).Keys()
		// Mixed case, digits and non-ASCII: byte order, not collation order.
		subjects := []string{"b", "B", "a10", "a9", "Z", "é", "_x", "a"}
		for _, sub := range subjects {
			require.NoError(t, s.CreateDEK(ctx, dek(sub, 1)))
		}
		want := []custos.SubjectID{"B", "Z", "_x", "a", "a10", "a9", "b", "é"}
		var got []custos.SubjectID
		after := custos.SubjectID("")
		for {
			page, err := s.ScanDEKs(ctx, after, 3)
			require.NoError(t, err)
			for _, d := range page {
				got = append(got, d.Subject)
				assert.Equal(t, []byte("wrapped-"+string(d.Subject)), d.Keyset)
			}
			if len(page) < 3 {
				break
			}
			after = page[len(page)-1].Subject
		}
		assert.Equal(t, want, got)
		n, err := s.CountDEKs(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(len(subjects)), n)
	})

	t.Run("named-keys", func(t *testing.T) {
		s := openT(t, open).Keys()
		k := keys.WrappedKey{Name: "custos.reference", KEKID: "kek-1", Keyset: []byte("k"), Version: 1, Created: t0, Updated: t0}
		_, err := s.GetKey(ctx, k.Name)
		require.ErrorIs(t, err, keys.ErrNotFound)
		require.NoError(t, s.CreateKey(ctx, k))
		require.ErrorIs(t, s.CreateKey(ctx, k), keys.ErrExists)
		require.NoError(t, s.CreateKey(ctx, keys.WrappedKey{Name: "a.first", KEKID: "kek-1", Keyset: []byte("a"), Version: 1, Created: t0, Updated: t0}))
		k2 := k
		k2.Version, k2.KEKID, k2.Updated = 2, "kek-2", t0.Add(time.Minute)
		require.NoError(t, s.UpdateKey(ctx, k2))
		require.ErrorIs(t, s.UpdateKey(ctx, k2), keys.ErrConflict)
		list, err := s.ListKeys(ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, "a.first", list[0].Name)
		assert.Equal(t, k2, list[1])

		require.NoError(t, s.DeleteKey(ctx, "a.first"))
		require.ErrorIs(t, s.DeleteKey(ctx, "a.first"), keys.ErrNotFound)
		_, err = s.GetKey(ctx, "a.first")
		require.ErrorIs(t, err, keys.ErrNotFound)
		list, err = s.ListKeys(ctx)
		require.NoError(t, err)
		assert.Equal(t, []keys.WrappedKey{k2}, list)
	})

	t.Run("closed", func(t *testing.T) {
		a := open(t)
		require.NoError(t, a.Close())
		_, err := a.Keys().GetDEK(ctx, "S1")
		assert.ErrorIs(t, err, custos.ErrClosed)
		assert.ErrorIs(t, a.Keys().CreateDEK(ctx, dek("S1", 1)), custos.ErrClosed)
	})

	t.Run("concurrent-create", func(t *testing.T) {
		s := openT(t, open).Keys()
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				d := dek("S1", 1)
				d.Keyset = fmt.Appendf(nil, "writer-%d", i)
				errs <- s.CreateDEK(ctx, d)
			}()
		}
		var won int
		for range 8 {
			if err := <-errs; err == nil {
				won++
			} else {
				assert.ErrorIs(t, err, keys.ErrExists)
			}
		}
		assert.Equal(t, 1, won, "exactly one concurrent create wins")
	})
}

func runLedger(t *testing.T, open Opener) {
	ctx := context.Background()
	l := openT(t, open).Ledger()
	ok, err := l.IsShredded(ctx, []byte("r1"))
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, l.AppendShred(ctx, keys.ShredEntry{Ref: []byte("r1"), At: t0}))
	require.NoError(t, l.AppendShred(ctx, keys.ShredEntry{Ref: []byte("r1"), At: t0.Add(time.Hour)}), "appending twice succeeds")
	for _, r := range []string{"r3", "r0", "r2", "\xff"} {
		require.NoError(t, l.AppendShred(ctx, keys.ShredEntry{Ref: []byte(r), At: t0}))
	}
	ok, err = l.IsShredded(ctx, []byte("r1"))
	require.NoError(t, err)
	assert.True(t, ok)

	var refs []string
	var after []byte
	for {
		page, err := l.ScanShreds(ctx, after, 2)
		require.NoError(t, err)
		for _, e := range page {
			refs = append(refs, string(e.Ref))
			if string(e.Ref) == "r1" {
				assert.Equal(t, t0, e.At, "the first entry is kept")
			}
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Ref
	}
	assert.Equal(t, []string{"r0", "r1", "r2", "r3", "\xff"}, refs)
}
