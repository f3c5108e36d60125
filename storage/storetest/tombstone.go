package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// testTombstoneStore checks the tombstone contract of a vault store: the
// fence is placed only over what it names, every write to a fenced
// customer fails with ErrForgotten and changes nothing, and ForgetSubject
// deletes and marks done, idempotently.
func testTombstoneStore(t *testing.T, open Opener) {
	ctx := context.Background()
	s := openT(t, open).Vault()
	w := write("S1", "customer", "e1", vault.ExpectAny)
	w.ReplaceIndexes = []string{"customer.mobile"}
	w.Index = []vault.IndexEntry{{Index: "customer.mobile", Value: []byte{1, 2}, Check: []byte("c")}}
	require.NoError(t, s.PutRecord(ctx, w))
	require.NoError(t, s.PutRecord(ctx, write("S1", "lease", "l1", vault.ExpectAny)))
	require.NoError(t, s.PutRecord(ctx, write("S2", "customer", "e2", vault.ExpectAny)))

	all, err := s.SubjectRecords(ctx, "S1")
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []int{1, 0}, []int{all[0].IndexEntries, all[1].IndexEntries}, "SubjectRecords counts each record's index entries")

	_, err = s.GetTombstone(ctx, []byte("ref-S1"))
	require.ErrorIs(t, err, vault.ErrNotFound)
	ts := vault.Tombstone{Ref: []byte("ref-S1"), Certificate: []byte(`{"id":"c1"}`), Created: t0}
	fence := vault.Fence{Subject: "S1", Tombstone: ts,
		Records: []vault.RecordVersion{{Type: "customer", Version: 1}, {Type: "lease", Version: 1}}, IndexEntries: 1}

	// A fence naming other versions or another index count is refused.
	for _, bad := range []vault.Fence{
		{Subject: "S1", Tombstone: ts, Records: fence.Records[:1], IndexEntries: 1},
		{Subject: "S1", Tombstone: ts, Records: []vault.RecordVersion{{Type: "customer", Version: 2}, {Type: "lease", Version: 1}}, IndexEntries: 1},
		{Subject: "S1", Tombstone: ts, Records: fence.Records, IndexEntries: 0},
	} {
		require.ErrorIs(t, s.PlaceTombstone(ctx, bad), vault.ErrConflict)
		_, err = s.GetTombstone(ctx, []byte("ref-S1"))
		require.ErrorIs(t, err, vault.ErrNotFound, "a refused fence places nothing")
	}
	// Nor over a customer restricted since the plan (a retention duty).
	require.NoError(t, s.SetRestriction(ctx, "S1", vault.Restriction{Restricted: true, Ground: "AML Art. 34", Since: t0}))
	require.ErrorIs(t, s.PlaceTombstone(ctx, fence), vault.ErrRestricted)
	_, err = s.GetTombstone(ctx, []byte("ref-S1"))
	require.ErrorIs(t, err, vault.ErrNotFound, "a refused fence places nothing")
	require.NoError(t, s.SetRestriction(ctx, "S1", vault.Restriction{}))

	require.NoError(t, s.PlaceTombstone(ctx, fence))
	require.ErrorIs(t, s.PlaceTombstone(ctx, fence), vault.ErrForgotten, "one tombstone per reference")
	got, err := s.GetTombstone(ctx, []byte("ref-S1"))
	require.NoError(t, err)
	assert.Equal(t, ts, got, "stored as placed, not done")

	// Reads and scans skip the fenced customer's records, before anything
	// is deleted; other customers are read.
	_, err = s.GetRecord(ctx, "S1", "customer")
	require.ErrorIs(t, err, vault.ErrNotFound)
	_, err = s.SubjectRecords(ctx, "S1")
	require.ErrorIs(t, err, vault.ErrNotFound)
	scanned, err := s.ScanRecords(ctx, "customer", "", 10)
	require.NoError(t, err)
	require.Len(t, scanned, 1)
	assert.Equal(t, "S2", string(scanned[0].Subject))

	// Every write to the fenced customer fails and changes nothing (the
	// counts ForgetSubject reports below show it).
	require.ErrorIs(t, s.PutRecord(ctx, write("S1", "customer", "e9", vault.ExpectAny)), vault.ErrForgotten)
	require.ErrorIs(t, s.PutRecord(ctx, write("S1", "profile", "p9", vault.ExpectAbsent)), vault.ErrForgotten)
	require.ErrorIs(t, s.PutRecord(ctx, write("S1", "customer", "e9", 1)), vault.ErrForgotten)
	require.ErrorIs(t, s.SetRestriction(ctx, "S1", vault.Restriction{Restricted: true, Ground: "AML Art. 34", Since: t0}), vault.ErrForgotten)
	require.ErrorIs(t, s.SetIndex(ctx, "S1", "customer", 1, []string{"customer.mobile"}, nil), vault.ErrForgotten)
	require.NoError(t, s.PutRecord(ctx, write("S2", "lease", "l2", vault.ExpectAny)), "other customers are written")

	// ForgetSubject deletes and marks done; again, it deletes nothing.
	d, err := s.ForgetSubject(ctx, []byte("ref-S1"), t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, vault.Deleted{Subject: true, Records: 2, IndexEntries: 1}, d)
	d, err = s.ForgetSubject(ctx, []byte("ref-S1"), t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, vault.Deleted{}, d)
	got, err = s.GetTombstone(ctx, []byte("ref-S1"))
	require.NoError(t, err)
	ts.Done = true
	assert.Equal(t, ts, got, "done, certificate and time kept")
	_, err = s.GetSubject(ctx, "S1")
	require.ErrorIs(t, err, vault.ErrNotFound)
	found, err := s.IndexCandidates(ctx, "customer", "customer.mobile", []byte{1, 2})
	require.NoError(t, err)
	assert.Empty(t, found)
	require.ErrorIs(t, s.PutRecord(ctx, write("S1", "customer", "e9", vault.ExpectAny)), vault.ErrForgotten, "nor after")
	_, err = s.GetSubject(ctx, "S1")
	require.ErrorIs(t, err, vault.ErrNotFound, "no subject entry came back")

	// Without a tombstone (Reapply after a restore) it places one.
	d, err = s.ForgetSubject(ctx, []byte("ref-S2"), t0)
	require.NoError(t, err)
	assert.Equal(t, vault.Deleted{Subject: true, Records: 2}, d)
	got, err = s.GetTombstone(ctx, []byte("ref-S2"))
	require.NoError(t, err)
	assert.Empty(t, got.Certificate)
	got.Certificate = nil
	assert.Equal(t, vault.Tombstone{Ref: []byte("ref-S2"), Created: t0, Done: true}, got)
	d, err = s.ForgetSubject(ctx, []byte("ref-S3"), t0)
	require.NoError(t, err)
	assert.Equal(t, vault.Deleted{}, d, "a reference without subject entry")
	require.ErrorIs(t, s.PutRecord(ctx, write("S3", "customer", "e3", vault.ExpectAny)), vault.ErrForgotten)
}

// testKeyTombstones checks that a key store refuses to create a DEK for a
// reference it deleted, whichever way it was deleted.
func testKeyTombstones(t *testing.T, open Opener) {
	ctx := context.Background()
	s := openT(t, open).Keys()
	require.NoError(t, s.CreateDEK(ctx, dek("S1", 1)))
	require.NoError(t, s.CreateDEK(ctx, dek("S2", 1)))
	require.NoError(t, s.DeleteDEK(ctx, "S1"))
	_, err := s.DeleteDEKByRef(ctx, []byte("ref-S2"))
	require.NoError(t, err)
	ok, err := s.DeleteDEKByRef(ctx, []byte("ref-S3"))
	require.NoError(t, err)
	assert.False(t, ok, "nothing stored for S3")
	for _, subject := range []string{"S1", "S2", "S3"} {
		require.ErrorIs(t, s.CreateDEK(ctx, dek(subject, 1)), keys.ErrShredded, subject)
		_, err := s.GetDEK(ctx, custos.SubjectID(subject))
		require.ErrorIs(t, err, keys.ErrNotFound, "%s: nothing created", subject)
	}
	require.NoError(t, s.CreateDEK(ctx, dek("S4", 1)), "other references are created")
}
