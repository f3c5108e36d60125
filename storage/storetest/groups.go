package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

func group(id int64, key string) keys.Group {
	return keys.Group{ID: id, Epoch: 1, Key: key, Opened: t0, Version: 1}
}

func groupDEK(subject string, g int64, key string) keys.WrappedDEK {
	d := dek(subject, 1)
	d.Group, d.KEKID = g, key
	return d
}

// runGroups checks the erasure-group methods of a keys.Store, and the rule
// that a grouped DEK is written only under its group's current key.
func runGroups(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("create-get-update", func(t *testing.T) {
		s := openT(t, open).Keys()
		_, err := s.GetGroup(ctx, 1)
		require.ErrorIs(t, err, keys.ErrNotFound)
		require.NoError(t, s.CreateGroup(ctx, group(1, "k-g1-e1")))
		require.ErrorIs(t, s.CreateGroup(ctx, group(1, "other")), keys.ErrExists)
		got, err := s.GetGroup(ctx, 1)
		require.NoError(t, err)
		assert.Equal(t, group(1, "k-g1-e1"), got, "the first create is kept; zero times round-trip as zero")

		up := got
		up.Epoch, up.Key, up.Retiring, up.DirtySince, up.Closed, up.Version = 2, "k-g1-e2", "k-g1-e1", t0.Add(time.Minute), t0.Add(time.Hour), 2
		require.NoError(t, s.UpdateGroup(ctx, up))
		require.ErrorIs(t, s.UpdateGroup(ctx, up), keys.ErrConflict, "stale version")
		missing := up
		missing.ID = 9
		require.ErrorIs(t, s.UpdateGroup(ctx, missing), keys.ErrNotFound)
		got, err = s.GetGroup(ctx, 1)
		require.NoError(t, err)
		assert.Equal(t, up, got)
	})

	t.Run("due", func(t *testing.T) {
		s := openT(t, open).Keys()
		clean := group(1, "k1")
		dirtyOld := group(2, "k2")
		dirtyOld.DirtySince = t0
		dirtyNew := group(3, "k3")
		dirtyNew.DirtySince = t0.Add(2 * time.Hour)
		retiring := group(4, "k4")
		retiring.Retiring = "k4-old"
		dirtyOld2 := group(5, "k5")
		dirtyOld2.DirtySince = t0.Add(time.Hour)
		for _, g := range []keys.Group{clean, dirtyOld, dirtyNew, retiring, dirtyOld2} {
			require.NoError(t, s.CreateGroup(ctx, g))
		}
		due, err := s.DueGroups(ctx, t0.Add(time.Hour), 0, 10)
		require.NoError(t, err)
		assert.Equal(t, []keys.Group{dirtyOld, retiring, dirtyOld2}, due, "dirty up to the bound, or retiring; by id")
		due, err = s.DueGroups(ctx, t0.Add(time.Hour), 2, 1)
		require.NoError(t, err)
		assert.Equal(t, []keys.Group{retiring}, due, "after and limit")
	})

	t.Run("dek-under-current-key-only", func(t *testing.T) {
		s := openT(t, open).Keys()
		require.ErrorIs(t, s.CreateDEK(ctx, groupDEK("S1", 1, "k-e1")), keys.ErrConflict, "no such group")
		require.NoError(t, s.CreateGroup(ctx, group(1, "k-e1")))
		require.ErrorIs(t, s.CreateDEK(ctx, groupDEK("S1", 1, "k-e0")), keys.ErrConflict, "not the current key")
		_, err := s.GetDEK(ctx, "S1")
		require.ErrorIs(t, err, keys.ErrNotFound, "a refused create stores nothing")
		require.NoError(t, s.CreateDEK(ctx, groupDEK("S1", 1, "k-e1")))
		require.NoError(t, s.CreateDEK(ctx, dek("S0", 1)), "group 0 is the KEK's: no rule")

		// The epoch moves on: the old key is retiring.
		g, err := s.GetGroup(ctx, 1)
		require.NoError(t, err)
		g.Epoch, g.Key, g.Retiring, g.Version = 2, "k-e2", "k-e1", 2
		require.NoError(t, s.UpdateGroup(ctx, g))
		require.ErrorIs(t, s.CreateDEK(ctx, groupDEK("S2", 1, "k-e1")), keys.ErrConflict, "a retiring key takes no new DEK")
		stale := groupDEK("S1", 1, "k-e1")
		stale.Version, stale.Keyset = 2, []byte("rewrapped-under-old")
		require.ErrorIs(t, s.UpdateDEK(ctx, stale), keys.ErrConflict, "nor an updated one")
		got, err := s.GetDEK(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, groupDEK("S1", 1, "k-e1"), got, "a refused update changes nothing")

		moved := stale
		moved.KEKID, moved.Keyset = "k-e2", []byte("rewrapped")
		require.NoError(t, s.UpdateDEK(ctx, moved))
		legacy := dek("S0", 2)
		legacy.Group, legacy.KEKID = 1, "k-e2"
		require.NoError(t, s.UpdateDEK(ctx, legacy), "a KEK-wrapped DEK moves into a group")

		var subjects []custos.SubjectID
		page, err := s.ScanGroupDEKs(ctx, 1, "", 10)
		require.NoError(t, err)
		for _, d := range page {
			subjects = append(subjects, d.Subject)
			assert.Equal(t, "k-e2", d.KEKID)
			assert.Equal(t, int64(1), d.Group)
		}
		assert.Equal(t, []custos.SubjectID{"S0", "S1"}, subjects)
		page, err = s.ScanGroupDEKs(ctx, 1, "S0", 10)
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, custos.SubjectID("S1"), page[0].Subject)
		page, err = s.ScanGroupDEKs(ctx, 0, "", 10)
		require.NoError(t, err)
		assert.Empty(t, page, "group 0 is empty once S0 moved")

		require.NoError(t, s.DeleteDEK(ctx, "S1"))
		page, err = s.ScanGroupDEKs(ctx, 1, "", 10)
		require.NoError(t, err)
		require.Len(t, page, 1, "a deleted DEK leaves its group")
	})
}
