package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// testWritesFailClosed shows that every write records its event before it
// commits: with the recorder failing, each fails with ErrAudit and the
// stores hold exactly what they held before.
func testWritesFailClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	require.NoError(t, f.vault.Restrict(ctx, dpo, "C2", "AML Art. 34: identity records kept"))
	require.NoError(t, f.keys.RotateDEK(ctx, "C1"))
	_, err := f.vault.RotateIndexKey(ctx)
	require.NoError(t, err)
	cases := []struct {
		name    string
		subject custos.SubjectID
		write   func() error
	}{
		{"put of a new customer", "C9", func() error {
			return f.vault.Put(ctx, clerk, "C9", "customer", vault.Values{"name": "Synthetic Person j"})
		}},
		{"put replacing a record", "C1", func() error {
			return f.vault.Put(ctx, clerk, "C1", "customer", vault.Values{"name": "Synthetic Person k"})
		}},
		{"update", "C1", func() error {
			return f.vault.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000001"})
		}},
		{"restrict", "C1", func() error { return f.vault.Restrict(ctx, dpo, "C1", "AML Art. 34") }},
		{"unrestrict", "C2", func() error { return f.vault.Unrestrict(ctx, dpo, "C2") }},
		{"reencrypt", "C1", func() error {
			_, err := f.vault.Reencrypt(ctx, keeper, vault.ReencryptOptions{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snapshot(tc.subject)
			n := len(f.events.all())
			f.events.fail = errors.New("audit store unavailable")
			err := tc.write()
			f.events.fail = nil
			require.ErrorIs(t, err, vault.ErrAudit)
			assert.Equal(t, before, f.snapshot(tc.subject), "nothing changed")
			assert.Len(t, f.events.all(), n)
		})
	}

	// An index rebuild under the new key writes no entry: once the old key
	// is retired, the search finds nobody until a rebuild completes.
	f.events.fail = errors.New("audit store unavailable")
	_, err = f.vault.RebuildIndex(ctx, keeper, vault.RebuildOptions{})
	f.events.fail = nil
	require.ErrorIs(t, err, vault.ErrAudit)
	f.now = f.now.Add(3 * time.Minute)
	require.NoError(t, f.vault.RetireIndexKey(ctx, 1))
	rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
	require.NoError(t, err)
	assert.Empty(t, rs, "no entry was written under the new key")
	_, err = f.vault.RebuildIndex(ctx, keeper, vault.RebuildOptions{})
	require.NoError(t, err)
	rs, err = f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
	require.NoError(t, err)
	assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs), "C2 is restricted")
}

// testWriteEvents shows the events of writes: one before the change, and a
// second, not-committed, when the commit then fails.
func testWriteEvents(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	n := len(f.events.all())
	require.NoError(t, f.keys.RotateDEK(ctx, "C1"))
	p, err := f.vault.Reencrypt(ctx, keeper, vault.ReencryptOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(2), p.Reencrypted)
	evs := f.events.all()[n:]
	require.Len(t, evs, 2, "one event per record rewritten")
	for i, typ := range []string{"customer", "lease"} {
		e := evs[i]
		assert.Equal(t, custos.ActionReencrypt, e.Action)
		assert.Equal(t, custos.SubjectID("C1"), e.Subject)
		assert.Equal(t, typ, e.RecordType)
		assert.Equal(t, keeper, e.Access)
		assert.Equal(t, custos.BasisLegalDuty, e.Basis)
		assert.NotEmpty(t, e.Fields)
	}
	require.NoError(t, f.keys.RotateDEK(ctx, "C1"))
	before := f.snapshot("C1")
	_, err = f.vault.Reencrypt(ctx, clerk, vault.ReencryptOptions{})
	assert.ErrorIs(t, err, vault.ErrDenied, "the purpose may not run the sweep")
	assert.Equal(t, custos.OutcomeDenied, f.events.last().Outcome, "and the refusal is recorded")
	assert.Empty(t, f.events.last().Subject)
	n = len(f.events.all())
	_, err = f.vault.Reencrypt(ctx, noActor, vault.ReencryptOptions{})
	assert.ErrorIs(t, err, custos.ErrNoActor)
	_, err = f.vault.RebuildIndex(ctx, noWhy, vault.RebuildOptions{})
	assert.ErrorIs(t, err, custos.ErrNoPurpose)
	assert.Len(t, f.events.all(), n, "an invalid access is refused before anything")
	assert.Equal(t, before, f.snapshot("C1"), "nothing changed")

	// A commit that fails after its event was recorded leaves a second
	// event saying so.
	v := f.vaultWith(func(c *vault.Config) { c.Store = failingStore{f.db.Vault()} })
	n = len(f.events.all())
	require.ErrorIs(t, v.Update(ctx, clerk, "C1", "customer", vault.Values{"note": "x"}), errInjected)
	evs = f.events.all()[n:]
	require.Len(t, evs, 2)
	assert.Equal(t, custos.OutcomeAllowed, evs[0].Outcome, "recorded before the change")
	assert.Equal(t, custos.OutcomeError, evs[1].Outcome)
	assert.Equal(t, "not-committed", evs[1].Reason)
	assert.Equal(t, custos.SubjectID("C1"), evs[1].Subject)
}

// testRestrictionRead shows that reading a customer's restriction state
// names an access and is recorded, and that a caller without the right
// learns neither whether the customer exists nor whether they were
// forgotten.
func testRestrictionRead(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	f.customer("C1")
	f.customer("C2")
	_, err := f.vault.Forget(ctx, dpo, "C2", vault.Erasure{Ground: "PIPL Art. 47(1)(2)"})
	require.NoError(t, err)

	cases := []struct {
		name    string
		acc     custos.Access
		subject custos.SubjectID
		err     error
		outcome custos.Outcome
		reason  string
	}{
		{"held", dpo, "C1", nil, custos.OutcomeAllowed, ""},
		{"never stored", dpo, "C404", vault.ErrNotFound, custos.OutcomeError, "not-found"},
		{"forgotten", dpo, "C2", vault.ErrForgotten, custos.OutcomeError, "forgotten"},
		{"held, no right", clerk, "C1", vault.ErrDenied, custos.OutcomeDenied, "action-not-allowed"},
		{"never stored, no right", clerk, "C404", vault.ErrDenied, custos.OutcomeDenied, "action-not-allowed"},
		{"forgotten, no right", clerk, "C2", vault.ErrDenied, custos.OutcomeDenied, "action-not-allowed"},
	}
	var denied []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := len(f.events.all())
			r, err := f.vault.Restriction(ctx, tc.acc, tc.subject)
			if tc.err == nil {
				require.NoError(t, err)
				assert.False(t, r.Restricted)
			} else {
				require.ErrorIs(t, err, tc.err)
				assert.Zero(t, r)
			}
			if tc.err == vault.ErrDenied {
				denied = append(denied, err.Error())
			}
			evs := f.events.all()
			require.Len(t, evs, n+1, "every read of state leaves one event")
			e := evs[n]
			assert.Equal(t, custos.ActionState, e.Action)
			assert.Equal(t, tc.subject, e.Subject)
			assert.Equal(t, tc.outcome, e.Outcome)
			assert.Equal(t, tc.reason, e.Reason)

			types, err := f.vault.RecordTypes(ctx, tc.acc, tc.subject)
			if tc.err == nil {
				require.NoError(t, err)
				assert.Equal(t, []string{"customer", "lease"}, types)
			} else {
				require.ErrorIs(t, err, tc.err)
				assert.Nil(t, types)
			}
			evs = f.events.all()
			require.Len(t, evs, n+2, "so does a read of the record types")
			assert.Equal(t, custos.ActionState, evs[n+1].Action)
			assert.Equal(t, tc.outcome, evs[n+1].Outcome)
		})
	}
	require.Len(t, denied, 3)
	assert.Equal(t, denied[0], denied[1], "a refusal reads the same for a held and an unknown customer")
	assert.Equal(t, denied[0], denied[2], "and for a forgotten one")

	for name, call := range map[string]func() error{
		"no actor":      func() error { _, err := f.vault.Restriction(ctx, noActor, "C1"); return err },
		"no purpose":    func() error { _, err := f.vault.Restriction(ctx, noWhy, "C1"); return err },
		"empty subject": func() error { _, err := f.vault.Restriction(ctx, dpo, ""); return err },
	} {
		t.Run(name, func(t *testing.T) {
			n := len(f.events.all())
			assert.Error(t, call())
			assert.Len(t, f.events.all(), n, "bad input is refused before anything is read")
		})
	}
}

// faultyVault builds a keyring and a vault over fault-injecting wrappers
// of the fixture's stores; err is the fault, if the keyring's start hit it.
func (f *fixture) faultyVault(fl *Faults) (*vault.Vault, error) {
	kr, err := keys.New(context.Background(), keys.Config{KEK: f.kek, Store: FaultyKeys(f.db.Keys(), fl),
		Ledger: FaultyLedger(f.ledger.Ledger(), fl), Clock: f.clock})
	if err != nil {
		return nil, err
	}
	return f.vaultWith(func(c *vault.Config) { c.Keys, c.Store = kr, FaultyVault(f.db.Vault(), fl) }), nil
}

// testWriteFaults interrupts Put, Update, Reencrypt and RebuildIndex at
// every store call in turn, before and after the call: after the fault the
// customer's record is the old or the new one, never a mix, and a rerun
// completes.
func testWriteFaults(t *testing.T, open Opener) {
	ctx := context.Background()
	read := func(t *testing.T, f *fixture, s custos.SubjectID) (map[string]any, error) {
		t.Helper()
		r, err := f.newVault(f.keyring(f.kek)).Get(ctx, clerk, s, "customer", "name", "mobile", "note")
		return r.Values, err
	}
	old := map[string]any{"name": nameOf("C1"), "mobile": "13800000000"}
	scenarios := []struct {
		name string
		prep func(f *fixture)
		run  func(v *vault.Vault) error
		want map[string]any
		// after checks what only the rerun shows.
		after func(t *testing.T, f *fixture)
	}{
		{name: "put-new", run: func(v *vault.Vault) error {
			return v.Put(ctx, clerk, "C1", "customer", vault.Values{"name": nameOf("C1"), "mobile": "13800000000"})
		}, want: old},
		{name: "put-replace", prep: func(f *fixture) { f.customer("C1") }, run: func(v *vault.Vault) error {
			return v.Put(ctx, clerk, "C1", "customer", vault.Values{"name": nameOf("C1"), "mobile": "13900000001"})
		}, want: map[string]any{"name": nameOf("C1"), "mobile": "13900000001"}},
		{name: "update", prep: func(f *fixture) { f.customer("C1") }, run: func(v *vault.Vault) error {
			return v.Update(ctx, clerk, "C1", "customer", vault.Values{"mobile": "13900000001", "note": "moved"})
		}, want: map[string]any{"name": nameOf("C1"), "mobile": "13900000001", "note": "moved"}},
		{name: "reencrypt", prep: func(f *fixture) {
			f.customer("C1")
			require.NoError(f.t, f.keys.RotateDEK(ctx, "C1"))
		}, run: func(v *vault.Vault) error {
			_, err := v.Reencrypt(ctx, keeper, vault.ReencryptOptions{BatchSize: 1})
			return err
		}, want: old, after: func(t *testing.T, f *fixture) {
			p, err := f.vault.Reencrypt(ctx, keeper, vault.ReencryptOptions{})
			require.NoError(t, err)
			assert.Zero(t, p.Reencrypted, "every record is under the primary key")
		}},
		{name: "rebuild-index", prep: func(f *fixture) {
			f.customer("C1")
			_, err := f.vault.RotateIndexKey(ctx)
			require.NoError(f.t, err)
		}, run: func(v *vault.Vault) error {
			_, err := v.RebuildIndex(ctx, keeper, vault.RebuildOptions{BatchSize: 1})
			return err
		}, want: old, after: func(t *testing.T, f *fixture) {
			f.now = f.now.Add(3 * time.Minute)
			require.NoError(t, f.vault.RetireIndexKey(ctx, 1))
			rs, err := f.vault.Find(ctx, clerk, "customer", vault.Values{"mobile": "13800000000"}, "name")
			require.NoError(t, err)
			assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs), "found under the new key alone")
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, when := range []When{Before, After} {
				EveryFault(t, when, 60, func(t *testing.T, fl *Faults) {
					// Only calls through the wrappers count: the set-up
					// below uses the fixture's own stores.
					f := buildFixture(t, open, &fixtureOptions{sharedLedger: true})
					if sc.prep != nil {
						sc.prep(f)
					}
					before, beforeErr := read(t, f, "C1")
					v, err := f.faultyVault(fl)
					if err == nil {
						err = sc.run(v)
					}
					fl.Disarm()
					at := fmt.Sprintf("fault at %s", fl.Last())
					got, gotErr := read(t, f, "C1")
					if err == nil {
						assert.Equal(t, sc.want, got, "a write that reported success is in the store (%s)", at)
					}
					switch {
					case gotErr == nil && assert.ObjectsAreEqual(sc.want, got):
					case gotErr == nil && beforeErr == nil:
						assert.Equal(t, before, got, "the old record or the new one (%s)", at)
					default:
						assert.ErrorIs(t, gotErr, vault.ErrNotFound, "no customer or the new one (%s)", at)
						assert.ErrorIs(t, beforeErr, vault.ErrNotFound)
					}
					v, err = f.faultyVault(&Faults{})
					require.NoError(t, err)
					require.NoError(t, sc.run(v), "the rerun completes (%s)", at)
					got, err = read(t, f, "C1")
					require.NoError(t, err)
					assert.Equal(t, sc.want, got, at)
					if sc.after != nil {
						sc.after(t, f)
					}
				})
			}
		})
	}
}
