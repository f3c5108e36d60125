package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// consentAdapter is an adapter that also holds consent records.
type consentAdapter interface {
	Consent() consent.Store
}

// consentStoreOf returns the adapter's consent.Store, failing the test if
// the adapter has none.
func consentStoreOf(t *testing.T, a Adapter) consent.Store {
	t.Helper()
	c, ok := a.(consentAdapter)
	if !ok {
		t.Fatalf("adapter %T has no Consent() consent.Store method", a)
	}
	return c.Consent()
}

func consentRecord(subject custos.SubjectID, purpose custos.PurposeID, version int64, st consent.State) consent.Record {
	return consent.Record{
		Subject: subject, Purpose: purpose, ID: fmt.Sprintf("%032x", len(subject)*1000+len(purpose)), State: st,
		Notice: "sha256:notice", Language: consent.LangZH, Generation: "sha256:gen",
		Given: t0, Expires: t0.Add(365 * 24 * time.Hour), Version: version, Created: t0, Updated: t0.Add(time.Duration(version) * time.Second),
	}
}

func consentEntry(seq int64, st consent.State) consent.Entry {
	return consent.Entry{
		Seq: seq, Time: t0.Add(time.Duration(seq) * time.Second), Action: custos.ActionConsentGrant, State: st,
		Actor: custos.Actor{ID: "svc-app", Role: "channel"}, Channel: "app", Signal: consent.SignalClick,
		Notice: "sha256:notice", Language: consent.LangEN, Evidence: fmt.Sprintf("form-%d", seq), RequestID: "req-1",
	}
}

// grantWrite is the write of an act that takes a record from version
// expect to expect+1.
func grantWrite(subject custos.SubjectID, purpose custos.PurposeID, expect int64, st consent.State) consent.Write {
	return consent.Write{Record: consentRecord(subject, purpose, expect+1, st), Entry: consentEntry(expect+1, st), Expect: expect}
}

func runConsent(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("notices", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		_, err := s.GetNotice(ctx, "sha256:missing")
		require.ErrorIs(t, err, consent.ErrNotFound)
		n := consent.PublishedNotice{
			Version: "sha256:v1", Notice: "privacy", Content: []byte(`{"format":"x"}`), Published: t0,
			Generations: map[custos.PurposeID]string{"marketing": "sha256:g1", "analytics": "sha256:g2"},
		}
		require.NoError(t, s.PutNotice(ctx, n))
		again := n
		again.Published = t0.Add(time.Hour)
		require.NoError(t, s.PutNotice(ctx, again), "publishing a version twice succeeds")
		got, err := s.GetNotice(ctx, "sha256:v1")
		require.NoError(t, err)
		assert.Equal(t, n, got, "the first publication is kept")
	})

	t.Run("records-and-history", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		_, err := s.GetConsent(ctx, "S1", "marketing")
		require.ErrorIs(t, err, consent.ErrNotFound)
		h, err := s.History(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Empty(t, h)
		all, err := s.SubjectConsents(ctx, "S1")
		require.NoError(t, err)
		assert.Empty(t, all)

		first := grantWrite("S1", "marketing", 0, consent.StateGiven)
		first.Record.Minor = true
		first.Entry.Guardian = consent.Guardian{ID: "G-1", Relation: "parent"}
		require.NoError(t, s.Apply(ctx, []consent.Write{first}))
		got, err := s.GetConsent(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, first.Record, got, "every field round-trips, times to the microsecond")

		second := grantWrite("S1", "marketing", 1, consent.StateWithdrawn)
		second.Record.Expires, second.Record.Refused = time.Time{}, t0.Add(time.Minute)
		second.Entry.Action, second.Entry.Signal, second.Entry.Reason = custos.ActionConsentWithdraw, consent.SignalNone, "user-request"
		require.NoError(t, s.Apply(ctx, []consent.Write{second}))
		got, err = s.GetConsent(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, second.Record, got)

		h, err = s.History(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, []consent.Entry{first.Entry, second.Entry}, h, "history is appended in order")
	})

	t.Run("versioned-writes", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 0, consent.StateGiven)}))
		for _, tc := range []struct {
			name string
			w    consent.Write
		}{
			{"create of an existing record", grantWrite("S1", "marketing", 0, consent.StateGiven)},
			{"stale version", grantWrite("S1", "marketing", 2, consent.StateWithdrawn)},
			{"update of a missing record", grantWrite("S2", "marketing", 1, consent.StateWithdrawn)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				assert.ErrorIs(t, s.Apply(ctx, []consent.Write{tc.w}), consent.ErrConflict)
			})
		}
		got, err := s.GetConsent(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version)
		h, err := s.History(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Len(t, h, 1, "refused writes appended nothing")
		_, err = s.GetConsent(ctx, "S2", "marketing")
		assert.ErrorIs(t, err, consent.ErrNotFound)
	})

	t.Run("atomic-batch", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S1", "b-purpose", 0, consent.StateGiven)}))
		err := s.Apply(ctx, []consent.Write{
			grantWrite("S1", "a-purpose", 0, consent.StateGiven),
			grantWrite("S1", "b-purpose", 0, consent.StateGiven), // conflicts
		})
		require.ErrorIs(t, err, consent.ErrConflict)
		_, err = s.GetConsent(ctx, "S1", "a-purpose")
		assert.ErrorIs(t, err, consent.ErrNotFound, "no write of a failed batch is applied")

		require.NoError(t, s.Apply(ctx, []consent.Write{
			grantWrite("S1", "a-purpose", 0, consent.StateGiven),
			grantWrite("S1", "b-purpose", 1, consent.StateRenewed),
		}))
		b, err := s.GetConsent(ctx, "S1", "b-purpose")
		require.NoError(t, err)
		assert.Equal(t, consent.StateRenewed, b.State)
	})

	t.Run("subject-consents-in-byte-order", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		for _, p := range []custos.PurposeID{"b", "B", "a10", "a9", "_x"} {
			require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S1", p, 0, consent.StateGiven)}))
		}
		require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S2", "other", 0, consent.StateRefused)}))
		all, err := s.SubjectConsents(ctx, "S1")
		require.NoError(t, err)
		var got []custos.PurposeID
		for _, r := range all {
			assert.Equal(t, custos.SubjectID("S1"), r.Subject)
			got = append(got, r.Purpose)
		}
		assert.Equal(t, []custos.PurposeID{"B", "_x", "a10", "a9", "b"}, got)
	})

	t.Run("no-caching-between-handles", func(t *testing.T) {
		a := openT(t, open)
		one, two := consentStoreOf(t, a), consentStoreOf(t, a)
		require.NoError(t, one.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 0, consent.StateGiven)}))
		got, err := two.GetConsent(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, consent.StateGiven, got.State)
		require.NoError(t, two.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 1, consent.StateWithdrawn)}))
		got, err = one.GetConsent(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Equal(t, consent.StateWithdrawn, got.State, "a write through one handle is read at once through another")
	})

	t.Run("consent-write-changes-auth-version", func(t *testing.T) {
		a := openT(t, open)
		s := consentStoreOf(t, a)
		require.NoError(t, a.Vault().PutRecord(ctx, write("S1", "customer", "e1", 0)))
		require.NoError(t, a.Vault().PutRecord(ctx, write("S2", "customer", "e2", 0)))
		before, err := a.Vault().GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		if before.AuthVersion == 0 {
			t.Skip("the adapter keeps no authorization version: authorizers will not cache")
		}
		other, err := a.Vault().GetRecord(ctx, "S2", "customer")
		require.NoError(t, err)
		require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 0, consent.StateGiven)}))
		after, err := a.Vault().GetRecord(ctx, "S1", "customer")
		require.NoError(t, err)
		assert.NotEqual(t, before.AuthVersion, after.AuthVersion, "a consent write changes the customer's version")
		found, err := a.Vault().SubjectRecords(ctx, "S1")
		require.NoError(t, err)
		assert.Equal(t, after.AuthVersion, found[0].AuthVersion)
		same, err := a.Vault().GetRecord(ctx, "S2", "customer")
		require.NoError(t, err)
		assert.Equal(t, other.AuthVersion, same.AuthVersion, "other customers keep theirs")

		// A record written after the consent carries the new version too.
		require.NoError(t, a.Vault().PutRecord(ctx, write("S1", "lease", "l1", 0)))
		lease, err := a.Vault().GetRecord(ctx, "S1", "lease")
		require.NoError(t, err)
		assert.Equal(t, after.AuthVersion, lease.AuthVersion)
	})

	t.Run("closed", func(t *testing.T) {
		a := open(t)
		s := consentStoreOf(t, a)
		require.NoError(t, a.Close())
		_, err := s.GetConsent(ctx, "S1", "marketing")
		assert.ErrorIs(t, err, custos.ErrClosed)
		assert.ErrorIs(t, s.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 0, consent.StateGiven)}), custos.ErrClosed)
		assert.ErrorIs(t, s.PutNotice(ctx, consent.PublishedNotice{Version: "v"}), custos.ErrClosed)
	})

	t.Run("erasure", func(t *testing.T) { runConsentErasureStore(t, open) })
	t.Run("registry", func(t *testing.T) { runConsentRegistry(t, open) })

	t.Run("concurrent-writers", func(t *testing.T) {
		s := consentStoreOf(t, openT(t, open))
		require.NoError(t, s.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 0, consent.StateGiven)}))
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Go(func() {
				err := s.Apply(ctx, []consent.Write{grantWrite("S1", "marketing", 1, consent.StateWithdrawn)})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					won++
				} else {
					assert.ErrorIs(t, err, consent.ErrConflict)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, won, "exactly one writer expecting version 1 wins")
		h, err := s.History(ctx, "S1", "marketing")
		require.NoError(t, err)
		assert.Len(t, h, 2)
	})
}
