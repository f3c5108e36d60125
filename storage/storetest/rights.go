package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/rights"
)

// rightsAdapter is an adapter that also holds data-subject requests.
type rightsAdapter interface {
	Rights() rights.Store
}

// rightsStoreOf returns the adapter's rights.Store, failing the test if the
// adapter has none.
func rightsStoreOf(t *testing.T, a Adapter) rights.Store {
	t.Helper()
	r, ok := a.(rightsAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Rights() rights.Store method", a)
	}
	return r.Rights()
}

// RunRightsStore checks the contract of rights.Store on adapters made by
// open.
func RunRightsStore(t *testing.T, open Opener) {
	t.Run("create", func(t *testing.T) { rightsCreate(t, rightsStoreOf(t, openT(t, open))) })
	t.Run("advance", func(t *testing.T) { rightsAdvance(t, rightsStoreOf(t, openT(t, open))) })
	t.Run("due-index", func(t *testing.T) { rightsDue(t, rightsStoreOf(t, openT(t, open))) })
	t.Run("list", func(t *testing.T) { rightsList(t, rightsStoreOf(t, openT(t, open))) })
	t.Run("of-subject", func(t *testing.T) { rightsOfSubject(t, rightsStoreOf(t, openT(t, open))) })
}

// rightsRequest is a stored request as a Desk would create it.
func rightsRequest(key string, due time.Time) rights.Request {
	return rights.Request{
		ID: rights.RequestID(key), Key: key, Kind: rights.Correction, Subject: "c-1",
		Requester: rights.Requester{Kind: rights.Relative, Relation: "spouse", Authority: "doc:0001"},
		Channel:   "branch", Received: t0, Regime: "gdpr", Fields: []string{"customer.mobile", "customer.address"},
		State: rights.Received, Due: due, FirstDue: due, Version: 1,
	}
}

func rightsEntry(r rights.Request, step rights.Step) rights.Entry {
	return rights.Entry{Request: r.ID, Seq: r.Version, At: t0.Add(time.Duration(r.Version) * time.Second), Step: step, State: r.State, Actor: "staff-001", Role: "dpo"}
}

func rightsCreate(t *testing.T, s rights.Store) {
	ctx := context.Background()
	_, err := s.Get(ctx, rights.RequestID("none"))
	assert.ErrorIs(t, err, rights.ErrNotFound)
	_, err = s.History(ctx, rights.RequestID("none"))
	assert.ErrorIs(t, err, rights.ErrNotFound)

	r := rightsRequest("form-1", t0.AddDate(0, 1, 0))
	got, created, err := s.Create(ctx, r, rightsEntry(r, rights.StepReceived))
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, r, got)
	stored, err := s.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, r, stored, "every field round-trips")

	other := r
	other.Channel, other.Fields = "app", nil
	got, created, err = s.Create(ctx, other, rightsEntry(other, rights.StepReceived))
	require.NoError(t, err)
	assert.False(t, created, "an existing id is not replaced")
	assert.Equal(t, r, got, "the stored request is returned")
	h, err := s.History(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, []rights.Entry{rightsEntry(r, rights.StepReceived)}, h)

	got.Fields[0] = "changed"
	again, err := s.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, "customer.mobile", again.Fields[0], "a returned slice is the caller's")
}

func rightsAdvance(t *testing.T, s rights.Store) {
	ctx := context.Background()
	r := rightsRequest("form-2", t0.AddDate(0, 1, 0))
	_, _, err := s.Create(ctx, r, rightsEntry(r, rights.StepReceived))
	require.NoError(t, err)

	next := r
	next.Version, next.State = 2, rights.Verified
	next.Identity = rights.Identity{Method: "sms-otp", Evidence: "otp:1", At: t0.Add(time.Minute)}
	e := rightsEntry(next, rights.StepVerified)
	e.Reason, e.Detail = "sms-otp", `{"x":"y"}`
	require.NoError(t, s.Advance(ctx, next, e))

	stale := r
	stale.Version, stale.State = 2, rights.Refused
	assert.ErrorIs(t, s.Advance(ctx, stale, rightsEntry(stale, rights.StepRefused)), rights.ErrConflict, "version 2 exists")
	skip := next
	skip.Version = 4
	assert.ErrorIs(t, s.Advance(ctx, skip, rightsEntry(skip, rights.StepStarted)), rights.ErrConflict, "a version skipped")
	badSeq := next
	badSeq.Version = 3
	wrong := rightsEntry(badSeq, rights.StepStarted)
	wrong.Seq = 7
	assert.ErrorIs(t, s.Advance(ctx, badSeq, wrong), rights.ErrConflict, "the entry's seq must be the new version")
	missing := rightsRequest("form-none", t0)
	missing.Version = 2
	assert.ErrorIs(t, s.Advance(ctx, missing, rightsEntry(missing, rights.StepVerified)), rights.ErrNotFound)

	got, err := s.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, next, got, "refused writes changed nothing")
	h, err := s.History(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, []rights.Entry{rightsEntry(r, rights.StepReceived), e}, h, "history is appended, by seq")
	due, err := s.Due(ctx, t0.AddDate(1, 0, 0), rights.DueKey{}, 100)
	require.NoError(t, err)
	assert.Equal(t, []rights.Request{next}, due, "a request advanced with the same due time is listed once")

	done := next
	done.Version, done.State, done.Outcome, done.Closed = 3, rights.Fulfilled, "copy sent", t0.Add(time.Hour)
	require.NoError(t, s.Advance(ctx, done, rightsEntry(done, rights.StepFulfilled)))
	due, err = s.Due(ctx, t0.AddDate(1, 0, 0), rights.DueKey{}, 100)
	require.NoError(t, err)
	assert.Empty(t, due, "a closed request leaves the due index")
	got, err = s.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, done, got)
}

func rightsDue(t *testing.T, s rights.Store) {
	ctx := context.Background()
	day := func(n int) time.Time { return t0.AddDate(0, 0, n).Truncate(24 * time.Hour) }
	var reqs []rights.Request
	for i, d := range []int{5, 3, 3, 9, 1, 7} {
		r := rightsRequest(fmt.Sprintf("due-%d", i), day(d))
		_, _, err := s.Create(ctx, r, rightsEntry(r, rights.StepReceived))
		require.NoError(t, err)
		reqs = append(reqs, r)
	}
	closed := rightsRequest("closed", day(2))
	_, _, err := s.Create(ctx, closed, rightsEntry(closed, rights.StepReceived))
	require.NoError(t, err)
	closed.Version, closed.State, closed.Outcome, closed.Closed = 2, rights.Refused, "manifestly unfounded", day(1)
	require.NoError(t, s.Advance(ctx, closed, rightsEntry(closed, rights.StepRefused)))
	// Extending moves a request in the index.
	moved := reqs[3]
	moved.Version, moved.Due, moved.Extension = 2, day(4), "complex"
	require.NoError(t, s.Advance(ctx, moved, rightsEntry(moved, rights.StepExtended)))
	reqs[3] = moved

	ids := func(rs []rights.Request) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	all, err := s.Due(ctx, day(100), rights.DueKey{}, 100)
	require.NoError(t, err)
	byDue := []rights.Request{reqs[4], reqs[1], reqs[2], reqs[3], reqs[0], reqs[5]}
	if reqs[2].ID < reqs[1].ID {
		byDue[1], byDue[2] = reqs[2], reqs[1]
	}
	assert.Equal(t, ids(byDue), ids(all), "open requests by due, then id; closed ones are not listed")
	assert.Equal(t, reqs[3], all[3], "the request as stored")

	until, err := s.Due(ctx, day(3), rights.DueKey{}, 100)
	require.NoError(t, err)
	assert.Equal(t, ids(byDue[:3]), ids(until), "due not after until")

	var paged []rights.Request
	after := rights.DueKey{}
	for range 10 {
		page, err := s.Due(ctx, day(100), after, 2)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		paged = append(paged, page...)
		if len(page) < 2 {
			break
		}
		after = rights.DueKey{Due: page[1].Due, ID: page[1].ID}
	}
	assert.Equal(t, ids(byDue), ids(paged), "paging with the last key")

	later, err := s.Due(ctx, day(100), rights.DueKey{Due: day(3).Add(time.Microsecond)}, 100)
	require.NoError(t, err)
	assert.Equal(t, ids(byDue[3:]), ids(later), "strictly after a due time")

	none, err := s.Due(ctx, day(0), rights.DueKey{}, 100)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func rightsList(t *testing.T, s rights.Store) {
	ctx := context.Background()
	var want []string
	for i := range 5 {
		r := rightsRequest(fmt.Sprintf("list-%d", i), t0)
		_, _, err := s.Create(ctx, r, rightsEntry(r, rights.StepReceived))
		require.NoError(t, err)
		want = append(want, r.ID)
	}
	slices.Sort(want)
	var got []string
	after := ""
	for {
		page, err := s.List(ctx, after, 2)
		require.NoError(t, err)
		for _, r := range page {
			got = append(got, r.ID)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, want, got)
}

// rightsOfSubject: OfSubject lists a customer's requests by ID, in pages,
// and an Advance that pseudonymises a request files it under its
// reference instead.
func rightsOfSubject(t *testing.T, s rights.Store) {
	ctx := context.Background()
	var want []string
	for i := range 5 {
		r := rightsRequest(fmt.Sprintf("subject-%d", i), t0)
		_, _, err := s.Create(ctx, r, rightsEntry(r, rights.StepReceived))
		require.NoError(t, err)
		want = append(want, r.ID)
	}
	other := rightsRequest("subject-other", t0)
	other.Subject = "c-10"
	_, _, err := s.Create(ctx, other, rightsEntry(other, rights.StepReceived))
	require.NoError(t, err)
	slices.Sort(want)
	page := func(key string) []string {
		var got []string
		for after := ""; ; {
			rs, err := s.OfSubject(ctx, key, after, 2)
			require.NoError(t, err)
			for _, r := range rs {
				got = append(got, r.ID)
			}
			if len(rs) < 2 {
				return got
			}
			after = rs[len(rs)-1].ID
		}
	}
	assert.Equal(t, want, page("c-1"), "the customer's requests, by id, in pages; not c-10's")
	assert.Equal(t, []string{other.ID}, page("c-10"))

	r, err := s.Get(ctx, want[2])
	require.NoError(t, err)
	r.Version, r.State, r.Outcome, r.Closed = 2, rights.Fulfilled, "corrected", t0.Add(time.Hour)
	require.NoError(t, s.Advance(ctx, r, rightsEntry(r, rights.StepFulfilled)))
	r.Version, r.Subject, r.SubjectRef = 3, "", "00112233445566778899aabbccddeeff"
	require.NoError(t, s.Advance(ctx, r, rightsEntry(r, rights.StepPseudonymised)))
	assert.Equal(t, slices.Delete(slices.Clone(want), 2, 3), page("c-1"), "a pseudonymised request leaves the customer's list")
	assert.Equal(t, []string{r.ID}, page("ref 00112233445566778899aabbccddeeff"), "and is filed under its reference")
	got, err := s.Get(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, r, got)
}
