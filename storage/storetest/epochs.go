package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/vault"
)

// runEpochs checks erasure epochs end to end on an adapter: the deadline a
// Forget names, the close that destroys the key, its resumption after a
// fault at any store or Source call, and KEK rotation beside it.
func runEpochs(t *testing.T, open Opener) {
	t.Run("forget-then-close", func(t *testing.T) { testEpochClose(t, open) })
	t.Run("close-every-fault", func(t *testing.T) {
		for _, when := range []When{Before, After} {
			EveryFault(t, when, 200, func(t *testing.T, fl *Faults) { testEpochCloseFault(t, open, fl) })
		}
	})
	t.Run("shred-every-fault", func(t *testing.T) {
		for _, when := range []When{Before, After} {
			EveryFault(t, when, 100, func(t *testing.T, fl *Faults) { testShredFault(t, open, fl) })
		}
	})
	t.Run("kek-rotation-every-fault", func(t *testing.T) {
		for _, when := range []When{Before, After} {
			EveryFault(t, when, 200, func(t *testing.T, fl *Faults) { testRewrapFault(t, open, fl) })
		}
	})
	t.Run("kek-wrapped-deks-move-into-groups", func(t *testing.T) { testEpochMigration(t, open) })
	t.Run("stale-group-after-close-elsewhere", func(t *testing.T) { testStaleGroup(t, open) })
	t.Run("bad-input", func(t *testing.T) { testEpochBadInput(t, open) })
}

// epochFixture is a fixture whose keyrings wrap DEKs under epoch keys of
// an in-memory Source, with the given number of groups.
func epochFixture(t *testing.T, open Opener, groups int) (*fixture, *insecuredevkek.Source) {
	t.Helper()
	src := insecuredevkek.NewSource()
	return buildFixture(t, open, &fixtureOptions{cfg: &keys.EpochConfig{Source: src, Groups: groups}, sharedLedger: true}), src
}

// dekAD is the associated data of a customer's wrapped DEK (docs/FORMAT.md).
func dekAD(subject custos.SubjectID) []byte { return adata.Build("custos.dek.v1", string(subject)) }

// opens reports whether any of the AEADs unwraps the wrapped DEK.
func opens(wrapped []byte, subject custos.SubjectID, aeads ...tink.AEAD) bool {
	for _, a := range aeads {
		if _, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), a, dekAD(subject)); err == nil {
			return true
		}
	}
	return false
}

// heldKeys returns every key custos still holds: the Source's keys not
// destroyed, and the KEK.
func heldKeys(t *testing.T, src keys.Source, kek keys.KEK) []tink.AEAD {
	t.Helper()
	ctx := context.Background()
	names, err := src.List(ctx)
	require.NoError(t, err)
	out := []tink.AEAD{kek.AEAD}
	for _, n := range names {
		a, err := src.AEAD(ctx, n)
		require.NoError(t, err)
		out = append(out, a)
	}
	return out
}

func testEpochClose(t *testing.T, open Opener) {
	ctx := context.Background()
	f, src := epochFixture(t, open, 1)
	subjects := []custos.SubjectID{"C1", "C2", "C3", "C4"}
	for _, s := range subjects {
		f.customer(s)
	}
	before, err := f.db.Keys().GetDEK(ctx, "C1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), before.Group)
	assert.Equal(t, "custos-epoch-g1-e1", before.KEKID)

	f.now = t0.Add(time.Minute)
	cert, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47(1)(2): service ended"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), cert.KeyGroup)
	assert.Equal(t, int64(1), cert.KeyEpoch)
	assert.Equal(t, f.now.Add(24*time.Hour+time.Hour), cert.CompleteBy, "due a period after the erasure, plus one check interval")
	assert.Contains(t, cert.Method, "until the erasure epoch holding it closes")
	assert.NotContains(t, cert.Method, "now")
	done, err := f.vault.ErasureComplete(ctx, cert)
	require.NoError(t, err)
	assert.False(t, done, "the epoch key still exists")
	old, err := src.AEAD(ctx, before.KEKID)
	require.NoError(t, err)
	assert.True(t, opens(before.Keyset, "C1", old), "a copy of the wrapped DEK still opens with the epoch key: the erasure is not complete")

	// Not due yet.
	f.now = t0.Add(23 * time.Hour)
	rep, err := f.keys.CloseDueEpochs(ctx)
	require.NoError(t, err)
	assert.Equal(t, keys.EpochReport{}, rep)

	f.now = t0.Add(24*time.Hour + time.Minute)
	rep, err = f.keys.CloseDueEpochs(ctx)
	require.NoError(t, err)
	assert.Equal(t, keys.EpochReport{Closed: 1, Rewrapped: 3, Destroyed: []string{"custos-epoch-g1-e1"}}, rep)
	done, err = f.vault.ErasureComplete(ctx, cert)
	require.NoError(t, err)
	assert.True(t, done)
	assert.False(t, f.now.Before(cert.CompleteBy.Add(-time.Hour)), "closed by the deadline")

	// With every key custos still holds, the copy opens no more.
	names, err := src.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"custos-epoch-g1-e2"}, names)
	assert.False(t, opens(before.Keyset, "C1", heldKeys(t, src, f.kek)...))
	_, err = src.AEAD(ctx, before.KEKID)
	assert.ErrorIs(t, err, keys.ErrDestroyed)

	// The others moved to the new key and read as before, in a process
	// that never cached them.
	fresh := f.newVault(f.keyring(f.kek))
	for _, s := range subjects[1:] {
		d, err := f.db.Keys().GetDEK(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, "custos-epoch-g1-e2", d.KEKID)
		assert.Equal(t, int64(2), d.Version, "rewrapped once")
		r, err := fresh.Get(ctx, clerk, s, "customer", "name")
		require.NoError(t, err)
		assert.Equal(t, nameOf(s), r.Values["name"])
	}
	g, err := f.db.Keys().GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, keys.Group{ID: 1, Epoch: 2, Key: "custos-epoch-g1-e2", Opened: f.now, Closed: f.now, Version: 4}, g)

	// A clean epoch is not closed again.
	f.now = f.now.Add(48 * time.Hour)
	rep, err = f.keys.CloseDueEpochs(ctx)
	require.NoError(t, err)
	assert.Equal(t, keys.EpochReport{}, rep)
}

// epochEnd is the end state of an epoch close that tests compare.
type epochEnd struct {
	Names  []string
	Groups []keys.Group
	DEKs   map[custos.SubjectID]keys.WrappedDEK
}

func (f *fixture) epochEnd(src keys.Source, groups int) epochEnd {
	f.t.Helper()
	ctx := context.Background()
	var e epochEnd
	var err error
	e.Names, err = src.List(ctx)
	require.NoError(f.t, err)
	for id := int64(1); id <= int64(groups); id++ {
		g, err := f.db.Keys().GetGroup(ctx, id)
		if err == nil {
			g.Opened, g.Closed, g.DirtySince, g.Version = time.Time{}, time.Time{}, time.Time{}, 0
			e.Groups = append(e.Groups, g)
		}
	}
	e.DEKs = map[custos.SubjectID]keys.WrappedDEK{}
	page, err := f.db.Keys().ScanDEKs(ctx, "", 100)
	require.NoError(f.t, err)
	for _, d := range page {
		d.Keyset, d.Updated = nil, time.Time{}
		e.DEKs[d.Subject] = d
	}
	return e
}

// testEpochCloseFault interrupts an epoch close at one store or Source
// call, reruns it, and checks it ends as an uninterrupted close does.
func testEpochCloseFault(t *testing.T, open Opener, fl *Faults) {
	ctx := context.Background()
	f, src := epochFixture(t, open, 1)
	for _, s := range []custos.SubjectID{"C1", "C2", "C3"} {
		f.customer(s)
	}
	_, err := f.vault.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)
	f.now = t0.Add(25 * time.Hour)

	kr, err := keys.New(ctx, keys.Config{KEK: f.kek, Store: FaultyKeys(f.db.Keys(), fl), Ledger: f.ledger.Ledger(), Clock: f.clock,
		Epochs: &keys.EpochConfig{Source: FaultySource(src, fl), Groups: 1}})
	if err == nil {
		_, err = kr.CloseDueEpochs(ctx)
	}
	if fl.Fired() > 0 && err == nil {
		// A fault after a call whose failure the close may absorb (an
		// optional Scrub) still leaves the close done.
		t.Logf("fault at %s absorbed", fl.Last())
	}
	fl.Disarm()
	_, err = f.keyring(f.kek).CloseDueEpochs(ctx)
	require.NoError(t, err, "the rerun finishes the close (fault at %s)", fl.Last())

	want := epochEnd{
		Names:  []string{"custos-epoch-g1-e2"},
		Groups: []keys.Group{{ID: 1, Epoch: 2, Key: "custos-epoch-g1-e2"}},
		DEKs:   map[custos.SubjectID]keys.WrappedDEK{},
	}
	for _, s := range []custos.SubjectID{"C2", "C3"} {
		want.DEKs[s] = keys.WrappedDEK{Subject: s, Ref: f.keys.Reference(s), Group: 1, KEKID: "custos-epoch-g1-e2", Version: 2, Created: t0}
	}
	assert.Equal(t, want, f.epochEnd(src, 1), "fault at %s", fl.Last())
	g, err := f.db.Keys().GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.True(t, g.DirtySince.IsZero(), "the new epoch is clean")
	r, err := f.newVault(f.keyring(f.kek)).Get(ctx, clerk, "C3", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C3"), r.Values["name"])
}

// testShredFault interrupts a Shred at one call and reruns it.
func testShredFault(t *testing.T, open Opener, fl *Faults) {
	ctx := context.Background()
	f, src := epochFixture(t, open, 1)
	f.customer("C1")
	f.customer("C2")
	f.now = t0.Add(time.Minute)
	kr, err := keys.New(ctx, keys.Config{KEK: f.kek, Store: FaultyKeys(f.db.Keys(), fl), Ledger: FaultyLedger(f.ledger.Ledger(), fl), Clock: f.clock,
		Epochs: &keys.EpochConfig{Source: FaultySource(src, fl), Groups: 1}})
	if err == nil {
		_, _ = kr.Shred(ctx, "C1") // fails or not, by the fault's place: the rerun decides
	}
	fl.Disarm()
	got, err := f.keyring(f.kek).Shred(ctx, "C1")
	require.NoError(t, err, "fault at %s", fl.Last())
	assert.Equal(t, int64(1), got.Group)
	assert.Equal(t, int64(1), got.Epoch)
	assert.Equal(t, t0.Add(time.Minute+25*time.Hour), got.CompleteBy, "the first erasure's time starts the clock (fault at %s)", fl.Last())

	_, err = f.db.Keys().GetDEK(ctx, "C1")
	assert.ErrorIs(t, err, keys.ErrNotFound)
	gone, err := f.ledger.Ledger().IsShredded(ctx, f.keys.Reference("C1"))
	require.NoError(t, err)
	assert.True(t, gone)
	f.now = t0.Add(25 * time.Hour)
	rep, err := f.keys.CloseDueEpochs(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Closed, "the epoch was marked dirty (fault at %s)", fl.Last())
	done, err := f.keys.ErasureComplete(ctx, got.Group, got.Epoch)
	require.NoError(t, err)
	assert.True(t, done)
}

// testRewrapFault interrupts a KEK rotation at one store call, reruns it,
// and checks every key moved to the new KEK exactly once (issue 10).
func testRewrapFault(t *testing.T, open Opener, fl *Faults) {
	ctx := context.Background()
	f := buildFixture(t, open, &fixtureOptions{sharedLedger: true})
	subjects := []custos.SubjectID{"C1", "C2", "C3"}
	for _, s := range subjects {
		f.customer(s)
	}
	next, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: next, PreviousKEKs: []keys.KEK{f.kek}, Store: FaultyKeys(f.db.Keys(), fl), Ledger: f.ledger.Ledger(), Clock: f.clock})
	if err == nil {
		_, _ = kr.Rewrap(ctx, keys.RewrapOptions{BatchSize: 2}) // fails or not, by the fault's place: the rerun decides
	}
	fl.Disarm()
	p, err := f.keyring(next, f.kek).Rewrap(ctx, keys.RewrapOptions{BatchSize: 2})
	require.NoError(t, err, "fault at %s", fl.Last())
	assert.Equal(t, int64(3), p.Seen)
	for _, s := range subjects {
		d, err := f.db.Keys().GetDEK(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, next.ID, d.KEKID)
		assert.Equal(t, int64(2), d.Version, "rewrapped exactly once (fault at %s)", fl.Last())
	}
	named, err := f.db.Keys().ListKeys(ctx)
	require.NoError(t, err)
	for _, k := range named {
		assert.Equal(t, next.ID, k.KEKID, "named key %s", k.Name)
	}
	v := f.newVault(f.keyring(next)) // the old KEK is no longer needed
	for _, s := range subjects {
		r, err := v.Get(ctx, clerk, s, "customer", "name")
		require.NoError(t, err)
		assert.Equal(t, nameOf(s), r.Values["name"])
	}
}

// testEpochMigration turns epochs on for DEKs written under the KEK: a
// Rewrap moves them into their groups.
func testEpochMigration(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	src := insecuredevkek.NewSource()
	f.epochs = &keys.EpochConfig{Source: src, Groups: 4}
	kr := f.keyring(f.kek)
	p, err := kr.Rewrap(ctx, keys.RewrapOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), p.Rewrapped)
	for _, s := range []custos.SubjectID{"C1", "C2"} {
		d, err := f.db.Keys().GetDEK(ctx, s)
		require.NoError(t, err)
		assert.NotZero(t, d.Group)
		g, err := f.db.Keys().GetGroup(ctx, d.Group)
		require.NoError(t, err)
		assert.Equal(t, g.Key, d.KEKID)
	}
	v := f.newVault(f.keyring(f.kek))
	r, err := v.Get(ctx, clerk, "C2", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C2"), r.Values["name"])
	cert, err := v.Forget(ctx, dpo, "C1", vault.Erasure{Ground: "PIPL 47"})
	require.NoError(t, err)
	assert.NotZero(t, cert.KeyEpoch, "a migrated customer's erasure has an epoch deadline")
	assert.False(t, cert.CompleteBy.IsZero())
}

// testStaleGroup has one keyring close an epoch while another still holds
// the group's old key: its next new DEK goes under the new key.
func testStaleGroup(t *testing.T, open Opener) {
	ctx := context.Background()
	f, src := epochFixture(t, open, 1)
	f.customer("C1") // f.keys now caches group 1 at epoch 1
	other := f.keyring(f.kek)
	rep, err := other.CloseEpoch(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"custos-epoch-g1-e1"}, rep.Destroyed)

	f.customer("C2") // through the stale keyring
	d, err := f.db.Keys().GetDEK(ctx, "C2")
	require.NoError(t, err)
	assert.Equal(t, "custos-epoch-g1-e2", d.KEKID, "never under the destroyed key")
	r, err := f.newVault(other).Get(ctx, clerk, "C2", "customer", "name")
	require.NoError(t, err)
	assert.Equal(t, nameOf("C2"), r.Values["name"])
	names, err := src.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"custos-epoch-g1-e2"}, names)
}

func testEpochBadInput(t *testing.T, open Opener) {
	ctx := context.Background()
	f, src := epochFixture(t, open, 2)
	_, err := f.keys.CloseEpoch(ctx, 1)
	assert.ErrorIs(t, err, keys.ErrNotFound, "a group holding no DEK yet")
	f.customer("C1")
	d, err := f.db.Keys().GetDEK(ctx, "C1")
	require.NoError(t, err)
	state := f.epochEnd(src, 2)

	for _, tc := range []struct {
		name         string
		group, epoch int64
		want         error
	}{
		{"group-0", 0, 1, keys.ErrConfig},
		{"epoch-0", d.Group, 0, keys.ErrConfig},
		{"negative-epoch", d.Group, -1, keys.ErrConfig},
		{"unknown-group", 3 - d.Group, 1, keys.ErrNotFound},
		{"unknown-key-version", d.Group, 2, keys.ErrNotFound},
	} {
		t.Run("erasure-complete-"+tc.name, func(t *testing.T) {
			_, err := f.keys.ErasureComplete(ctx, tc.group, tc.epoch)
			assert.ErrorIs(t, err, tc.want)
			_, err = f.vault.ErasureComplete(ctx, vault.Certificate{KeyGroup: tc.group, KeyEpoch: tc.epoch})
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, state, f.epochEnd(src, 2), "nothing changed")
		})
	}
	for _, g := range []int64{0, -1, 3} {
		_, err := f.keys.CloseEpoch(ctx, g)
		assert.ErrorIs(t, err, keys.ErrConfig, "group %d", g)
		assert.Equal(t, state, f.epochEnd(src, 2), "nothing changed")
	}
	assert.True(t, slices.Contains(state.Names, d.KEKID))
}
