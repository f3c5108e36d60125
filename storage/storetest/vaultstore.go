package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

func write(subject, typ, env string, expect int64) vault.Write {
	return vault.Write{Subject: custos.SubjectID(subject), Ref: []byte("ref-" + subject), Type: typ,
		Envelope: []byte(env), Expect: expect, Time: t0}
}

func runVaultStore(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("put-get", func(t *testing.T) {
		s := openT(t, open).Vault()
		_, err := s.GetRecord(ctx, "S1", "customer")
		require.ErrorIs(t, err, vault.ErrNotFound)
		_, err = s.GetSubject(ctx, "S1")
		require.ErrorIs(t, err, vault.ErrNotFound)
		_, err = s.SubjectRecords(ctx, "S1")
		require.ErrorIs(t, err, vault.ErrNotFound)

		require.NoError(t, s.PutRecord(ctx, write("S1", "customer", "e1", vault.ExpectAbsent)))
		require.ErrorIs(t, s.PutRecord(ctx, write("S1", "customer", "e1", vault.ExpectAbsent)), vault.ErrConflict)
		r, err := s.GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		assert.Equal(t, vault.Stored{Subject: "S1", Type: "customer", Envelope: []byte("e1"), Version: 1, Created: t0, Updated: t0}, r)
		sub, err := s.GetSubject(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, vault.Subject{Subject: "S1", Ref: []byte("ref-S1"), Created: t0}, sub)

		w := write("S1", "customer", "e2", 1)
		w.Time = t0.Add(time.Hour)
		require.NoError(t, s.PutRecord(ctx, w))
		require.ErrorIs(t, s.PutRecord(ctx, w), vault.ErrConflict, "stale expected version")
		require.NoError(t, s.PutRecord(ctx, write("S1", "customer", "e3", vault.ExpectAny)))
		r, err = s.GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		assert.Equal(t, []byte("e3"), r.Envelope)
		assert.Equal(t, int64(3), r.Version)
		assert.Equal(t, t0, r.Created)
		require.ErrorIs(t, s.PutRecord(ctx, write("S1", "lease", "x", 4)), vault.ErrConflict, "expected version of a missing record")

		require.NoError(t, s.PutRecord(ctx, write("S1", "lease", "l1", vault.ExpectAny)))
		all, err := s.SubjectRecords(ctx, "S1")
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, "customer", all[0].Type)
		assert.Equal(t, "lease", all[1].Type)
	})

	t.Run("restriction", func(t *testing.T) {
		s := openT(t, open).Vault()
		require.ErrorIs(t, s.SetRestriction(ctx, "S1", vault.Restriction{Restricted: true}), vault.ErrNotFound)
		require.NoError(t, s.PutRecord(ctx, write("S1", "customer", "e1", vault.ExpectAny)))
		r := vault.Restriction{Restricted: true, Ground: "AML Art. 34", Since: t0}
		require.NoError(t, s.SetRestriction(ctx, "S1", r))
		got, err := s.GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		assert.Equal(t, r, got.Restriction, "GetRecord carries the restriction")
		all, err := s.SubjectRecords(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, r, all[0].Restriction)
		require.NoError(t, s.PutRecord(ctx, write("S1", "customer", "e2", vault.ExpectAny)))
		sub, err := s.GetSubject(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, r, sub.Restriction, "a record write keeps the restriction")
		require.NoError(t, s.SetRestriction(ctx, "S1", vault.Restriction{}))
		sub, err = s.GetSubject(ctx, "S1")
		require.NoError(t, err)
		assert.False(t, sub.Restriction.Restricted)
	})

	t.Run("delete-subject", func(t *testing.T) {
		s := openT(t, open).Vault()
		w := write("S1", "customer", "e1", vault.ExpectAny)
		w.ReplaceIndexes = []string{"customer.mobile"}
		w.Index = []vault.IndexEntry{{Index: "customer.mobile", Value: []byte{1, 2}}}
		require.NoError(t, s.PutRecord(ctx, w))
		require.NoError(t, s.PutRecord(ctx, write("S1", "lease", "l1", vault.ExpectAny)))
		require.NoError(t, s.PutRecord(ctx, write("S2", "customer", "e2", vault.ExpectAny)))

		d, err := s.DeleteSubject(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, vault.Deleted{Records: 2, IndexEntries: 1}, d)
		_, err = s.DeleteSubject(ctx, "S1")
		require.ErrorIs(t, err, vault.ErrNotFound)
		_, err = s.GetRecord(ctx, "S1", "lease")
		require.ErrorIs(t, err, vault.ErrNotFound)
		_, err = s.GetSubject(ctx, "S1")
		require.ErrorIs(t, err, vault.ErrNotFound)
		_, err = s.GetRecord(ctx, "S2", "customer")
		require.NoError(t, err, "other customers untouched")

		ok, err := s.DeleteSubjectByRef(ctx, []byte("ref-S2"))
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.DeleteSubjectByRef(ctx, []byte("ref-S2"))
		require.NoError(t, err)
		assert.False(t, ok)
		_, err = s.GetRecord(ctx, "S2", "customer")
		require.ErrorIs(t, err, vault.ErrNotFound)
	})

	t.Run("closed", func(t *testing.T) {
		a := open(t)
		require.NoError(t, a.Close())
		_, err := a.Vault().GetRecord(ctx, "S1", "customer")
		assert.ErrorIs(t, err, custos.ErrClosed)
		assert.ErrorIs(t, a.Vault().PutRecord(ctx, write("S1", "customer", "e1", vault.ExpectAny)), custos.ErrClosed)
	})

	t.Run("concurrent-conditional-writes", func(t *testing.T) {
		s := openT(t, open).Vault()
		require.NoError(t, s.PutRecord(ctx, write("S1", "customer", "e0", vault.ExpectAbsent)))
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Go(func() {
				err := s.PutRecord(ctx, write("S1", "customer", "e1", 1))
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					won++
				} else {
					assert.ErrorIs(t, err, vault.ErrConflict)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, won, "exactly one writer expecting version 1 wins")
	})
}
