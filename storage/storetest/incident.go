package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// incidentAdapter is an adapter that holds the incident register.
type incidentAdapter interface {
	Incident() incident.Store
}

func incidentStoreOf(t *testing.T, a Adapter) incident.Store {
	t.Helper()
	ia, ok := a.(incidentAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Incident() incident.Store method", a)
	}
	return ia.Incident()
}

func incidentRecord(id string, v int64) incident.Record {
	return incident.Record{ID: id, Version: v, State: incident.StateDetected, Opened: t0, Body: fmt.Appendf(nil, "body-%s-%d", id, v)}
}

func incidentEntry(seq int64, key string) incident.Entry {
	return incident.Entry{Seq: seq, At: t0, Actor: custos.Actor{ID: "responder", Role: "security"}, Action: "step", Detail: "d", Key: key}
}

// RunIncidentStore checks an adapter's incident.Store.
func RunIncidentStore(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("create, get, list", func(t *testing.T) {
		s := incidentStoreOf(t, openT(t, open))
		for _, id := range []string{"INC-2", "INC-1", "INC-3"} {
			require.NoError(t, s.Create(ctx, incidentRecord(id, 1), incidentEntry(1, "open")))
		}
		err := s.Create(ctx, incidentRecord("INC-1", 1), incidentEntry(1, "open"))
		assert.ErrorIs(t, err, incident.ErrExists)
		got, err := s.Get(ctx, "INC-1")
		require.NoError(t, err)
		assert.Equal(t, incidentRecord("INC-1", 1).Body, got.Body, "the first create stands")
		assert.Equal(t, incident.StateDetected, got.State)
		assert.True(t, got.Opened.Equal(t0))
		_, err = s.Get(ctx, "INC-9")
		assert.ErrorIs(t, err, incident.ErrNotFound)
		page, err := s.List(ctx, "INC-1", 10)
		require.NoError(t, err)
		require.Len(t, page, 2)
		assert.Equal(t, "INC-2", page[0].ID)
		assert.Equal(t, "INC-3", page[1].ID)
	})

	t.Run("update compares versions and appends the timeline", func(t *testing.T) {
		s := incidentStoreOf(t, openT(t, open))
		require.NoError(t, s.Create(ctx, incidentRecord("INC-1", 1), incidentEntry(1, "open")))
		require.NoError(t, s.Update(ctx, incidentRecord("INC-1", 2), incidentEntry(2, "a")))
		for name, c := range map[string]struct {
			r incident.Record
			e incident.Entry
		}{
			"stale version":  {incidentRecord("INC-1", 2), incidentEntry(3, "b")},
			"seq gap":        {incidentRecord("INC-1", 3), incidentEntry(4, "b")},
			"key used":       {incidentRecord("INC-1", 3), incidentEntry(3, "a")},
			"unknown stored": {incidentRecord("INC-9", 2), incidentEntry(2, "b")},
		} {
			err := s.Update(ctx, c.r, c.e)
			if name == "unknown stored" {
				assert.ErrorIs(t, err, incident.ErrNotFound, name)
			} else {
				assert.ErrorIs(t, err, incident.ErrConflict, name)
			}
		}
		got, err := s.Get(ctx, "INC-1")
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version, "nothing changed by the refused updates")
		tl, err := s.Timeline(ctx, "INC-1", 1, 10)
		require.NoError(t, err)
		require.Len(t, tl, 2)
		assert.Equal(t, incidentEntry(2, "a").Key, tl[1].Key)
		assert.True(t, tl[1].At.Equal(t0))
		assert.Equal(t, custos.Role("security"), tl[1].Actor.Role)
		e, ok, err := s.EntryByKey(ctx, "INC-1", "a")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, int64(2), e.Seq)
		_, ok, err = s.EntryByKey(ctx, "INC-1", "zz")
		require.NoError(t, err)
		assert.False(t, ok)
	})

	t.Run("affected set", func(t *testing.T) {
		s := incidentStoreOf(t, openT(t, open))
		require.NoError(t, s.Create(ctx, incidentRecord("INC-1", 1), incidentEntry(1, "open")))
		n, err := s.AddAffected(ctx, "INC-1", []custos.SubjectID{"S3", "S1", "S2"})
		require.NoError(t, err)
		assert.Equal(t, int64(3), n)
		n, err = s.AddAffected(ctx, "INC-1", []custos.SubjectID{"S2", "S4"})
		require.NoError(t, err)
		assert.Equal(t, int64(4), n, "adding one already there does nothing")
		n, err = s.AddAffected(ctx, "INC-1", nil)
		require.NoError(t, err)
		assert.Equal(t, int64(4), n, "no subjects: only counts")
		page, err := s.Affected(ctx, "INC-1", "S1", 2)
		require.NoError(t, err)
		assert.Equal(t, []custos.SubjectID{"S2", "S3"}, page)
		_, err = s.AddAffected(ctx, "INC-9", []custos.SubjectID{"S1"})
		assert.ErrorIs(t, err, incident.ErrNotFound)
	})

	t.Run("revocations keep the first", func(t *testing.T) {
		s := incidentStoreOf(t, openT(t, open))
		_, ok, err := s.Revoked(ctx, "clerk-7")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, s.Revoke(ctx, incident.Revocation{Actor: "clerk-7", Incident: "INC-1", At: t0}))
		require.NoError(t, s.Revoke(ctx, incident.Revocation{Actor: "clerk-7", Incident: "INC-2", At: t0.Add(1)}))
		r, ok, err := s.Revoked(ctx, "clerk-7")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "INC-1", r.Incident)
	})

	t.Run("closed", func(t *testing.T) {
		a := open(t)
		s := incidentStoreOf(t, a)
		require.NoError(t, a.Close())
		_, err := s.Get(ctx, "INC-1")
		assert.ErrorIs(t, err, custos.ErrClosed)
	})
}
