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
		assertRead(t, vault.Stored{Subject: "S1", Type: "customer", Envelope: []byte("e1"), Version: 1, Updated: t0}, r)
		_, err = s.GetRecord(ctx, "", "customer")
		require.ErrorIs(t, err, vault.ErrNotFound, "the empty subject Find reads to keep its cost")
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
		require.ErrorIs(t, s.PutRecord(ctx, write("S1", "lease", "x", 4)), vault.ErrConflict, "expected version of a missing record")

		require.NoError(t, s.PutRecord(ctx, write("S1", "lease", "l1", vault.ExpectAny)))
		all, err := s.SubjectRecords(ctx, "S1")
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, "customer", all[0].Type)
		assert.Equal(t, t0, all[0].Created, "created time survives rewrites")
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
		assert.True(t, got.Restriction.Restricted, "GetRecord carries the restriction")
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

	t.Run("tombstones", func(t *testing.T) { testTombstoneStore(t, open) })

	t.Run("index", func(t *testing.T) {
		s := openT(t, open).Vault()
		put := func(subject, typ string, entries ...vault.IndexEntry) {
			w := write(subject, typ, "env-"+subject, vault.ExpectAny)
			w.ReplaceIndexes = []string{"customer/mobile@1", "customer/mobile@2"}
			w.Index = entries
			require.NoError(t, s.PutRecord(ctx, w))
		}
		entry := func(index string, value byte, check string) vault.IndexEntry {
			return vault.IndexEntry{Index: index, Value: []byte{value}, Check: []byte(check)}
		}
		candidates := func(index string, value byte) []vault.IndexCandidate {
			t.Helper()
			found, err := s.IndexCandidates(ctx, "customer", index, []byte{value})
			require.NoError(t, err)
			return found
		}
		put("S2", "customer", entry("customer/mobile@1", 0xa0, "c2"), entry("customer/mobile@2", 0x0b, "c2"))
		put("S1", "customer", entry("customer/mobile@1", 0xa0, "c1"))
		put("S3", "customer", entry("customer/mobile@1", 0xa1, "c3"))
		put("S4", "lease", entry("customer/mobile@1", 0xa0, "c4"))

		assert.Equal(t, []vault.IndexCandidate{{Subject: "S1", Check: []byte("c1")}, {Subject: "S2", Check: []byte("c2")}},
			candidates("customer/mobile@1", 0xa0), "only records of the type asked for, sorted, with their checks")
		assert.Empty(t, candidates("customer/mobile@1", 0xff))

		// A full write replaces the named indexes' entries.
		put("S2", "customer", entry("customer/mobile@2", 0x0b, "c2"))
		assert.Len(t, candidates("customer/mobile@1", 0xa0), 1)

		// SetIndex changes entries without touching the record, if the
		// version still matches.
		r, err := s.GetRecord(ctx, "S3", "customer")
		require.NoError(t, err)
		require.ErrorIs(t, s.SetIndex(ctx, "S3", "customer", r.Version+1, []string{"customer/mobile@2"}, nil), vault.ErrConflict)
		require.ErrorIs(t, s.SetIndex(ctx, "S9", "customer", 1, nil, nil), vault.ErrNotFound)
		require.NoError(t, s.SetIndex(ctx, "S3", "customer", r.Version, []string{"customer/mobile@2"}, []vault.IndexEntry{entry("customer/mobile@2", 0x0b, "c3")}))
		after, err := s.GetRecord(ctx, "S3", "customer")
		require.NoError(t, err)
		assert.Equal(t, r, after, "the record is unchanged")
		assert.Len(t, candidates("customer/mobile@2", 0x0b), 2)

		n, err := s.DeleteIndex(ctx, "customer/mobile@2")
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		assert.Empty(t, candidates("customer/mobile@2", 0x0b))
		assert.Len(t, candidates("customer/mobile@1", 0xa1), 1, "other indexes untouched")
	})

	t.Run("scan-records", func(t *testing.T) {
		s := openT(t, open).Vault()
		for _, sub := range []string{"b", "B", "a10", "a9", "é"} {
			require.NoError(t, s.PutRecord(ctx, write(sub, "customer", "e", vault.ExpectAny)))
		}
		require.NoError(t, s.PutRecord(ctx, write("a", "lease", "e", vault.ExpectAny)))
		var got []custos.SubjectID
		after := custos.SubjectID("")
		for {
			page, err := s.ScanRecords(ctx, "customer", after, 2)
			require.NoError(t, err)
			for _, r := range page {
				got = append(got, r.Subject)
				assert.Equal(t, "customer", r.Type)
			}
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].Subject
		}
		assert.Equal(t, []custos.SubjectID{"B", "a10", "a9", "b", "é"}, got)
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

// assertRead checks what GetRecord must fill (see
// vault.Store): envelope, version, update time and restriction flag. The
// authorization version is the adapter's own numbering.
func assertRead(t *testing.T, want, got vault.Stored) {
	t.Helper()
	assert.Equal(t, want.Subject, got.Subject)
	assert.Equal(t, want.Type, got.Type)
	assert.Equal(t, want.Envelope, got.Envelope)
	assert.Equal(t, want.Version, got.Version)
	assert.True(t, want.Updated.Equal(got.Updated), "updated %v, want %v", got.Updated, want.Updated)
	assert.Equal(t, want.Restriction.Restricted, got.Restriction.Restricted)
}
