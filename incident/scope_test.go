package incident_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/vault"
)

func TestScopeFromAuditFindsExactlyTheCustomersRead(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(12)
	f.set(t0.Add(-3 * time.Hour))
	f.reads(clerk, all[:8]...) // daytime servicing by a colleague
	f.set(t0)
	f.reads(insider, all[3:8]...) // the insider, at night
	f.open("INC-1")

	sc, err := f.reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Actor: insider.Actor.ID, From: t0, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, int64(5), sc.Customers)
	assert.Equal(t, int64(5), sc.Released)
	snap := f.snapshot("INC-1")
	assert.Equal(t, all[3:8], snap.affected, "exactly the customers the insider read")
	assert.Equal(t, int64(5), snap.inc.People)
	assert.Equal(t, incident.GradeSerious, snap.inc.Grade)
	assert.True(t, snap.inc.Exposure.Plaintext)
	require.Len(t, snap.inc.Categories, 1)
	assert.Equal(t, []incident.Field{{Name: "mobile", Class: custos.Class{Level: custos.C2}}, {Name: "name", Class: custos.Class{Level: custos.C2}}}, snap.inc.Categories[0].Fields)

	again, err := f.reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Actor: insider.Actor.ID, From: t0, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, int64(5), again.Affected)
	assert.Equal(t, snap.inc.Records, f.snapshot("INC-1").inc.Records, "the same scoping again changes nothing")
}

func TestScopeRefusesBadWindows(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customers(2)
	f.open("INC-1")
	before := f.snapshot("INC-1")
	for name, w := range map[string]incident.Window{
		"T2 before T1":           {Actor: insider.Actor.ID, From: t0, To: t0.Add(-time.Hour)},
		"T2 equals T1":           {Actor: insider.Actor.ID, From: t0, To: t0},
		"unbounded":              {Actor: insider.Actor.ID, From: t0},
		"no lower end":           {Actor: insider.Actor.ID, To: t0},
		"nobody to ask":          {From: t0, To: t0.Add(time.Hour)},
		"credential, unbounded":  {Credential: "key-1", From: t0},
		"instance, T2 before T1": {Instance: "api-1", From: t0, To: t0.Add(-time.Minute)},
	} {
		_, err := f.reg.ScopeFromAudit(ctx, responder, "INC-1", w)
		assert.ErrorIs(t, err, incident.ErrInvalid, name)
	}
	assert.Equal(t, before, f.snapshot("INC-1"), "nothing changed")

	sc, err := f.reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Actor: "nobody", From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
	require.NoError(t, err, "an unknown actor is an empty set, not an error")
	assert.Zero(t, sc.Customers)
	assert.Empty(t, f.snapshot("INC-1").affected)
}

// tamperedAudit flips a byte of every entry the actor index returns, as an
// administrator editing the log would.
type tamperedAudit struct{ audit.IndexedStore }

func (s tamperedAudit) ActorLeaves(ctx context.Context, q audit.ActorLookup, from audit.Position, limit int) ([]audit.Leaf, error) {
	ls, err := s.IndexedStore.ActorLeaves(ctx, q, from, limit)
	for i := range ls {
		ls[i].Entry = slices.Clone(ls[i].Entry)
		ls[i].Entry[len(ls[i].Entry)-1] ^= 1
	}
	return ls, err
}

func TestScopeRefusesEvidenceThatDoesNotVerify(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(3)
	f.reads(insider, all...)
	f.open("INC-1")
	log, err := audit.New(ctx, audit.Config{Store: tamperedAudit{f.db.Audit().(audit.IndexedStore)}, Keys: f.keys, Origin: "test.example/audit", Clock: f.clock})
	require.NoError(t, err)
	defer log.Close()
	reg, err := incident.New(incident.Config{Store: f.store, Recorder: f.log, Policy: policy(), Clock: f.clock,
		Evidence: incident.Evidence{Audit: log, DEKs: f.db.Keys()}})
	require.NoError(t, err)
	before := f.snapshot("INC-1")
	_, err = reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Actor: insider.Actor.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
	require.ErrorIs(t, err, incident.ErrEvidence)
	assert.ErrorIs(t, err, audit.ErrTampered)
	assert.Equal(t, before, f.snapshot("INC-1"), "scoping refused: nothing added")
}

func TestScopeFromKEKRemovesTheEncryptionExemption(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(4)
	f.open("INC-1")
	// A database copy leaked: only ciphertext, keys safe.
	inc, err := f.reg.Assess(ctx, responder, "INC-1", incident.Assessment{Exposure: &incident.Exposure{Ciphertext: true}})
	require.NoError(t, err)
	ind := individuals(t, inc)
	assert.Contains(t, ind.Exempt, "34(3)(a)", "the register says why no notice is owed")
	assert.Equal(t, incident.StatusExempt, ind.Status(f.clock()))

	d, err := f.db.Keys().GetDEK(ctx, all[0])
	require.NoError(t, err)
	sc, err := f.reg.ScopeFromKEK(ctx, responder, "INC-1", d.KEKID)
	require.NoError(t, err)
	assert.Equal(t, int64(4), sc.Customers, "every customer whose DEK the KEK wraps")
	inc, err = f.reg.Get(ctx, "INC-1")
	require.NoError(t, err)
	assert.Empty(t, individuals(t, inc).Exempt, "a compromised KEK removes the exemption")
	assert.Equal(t, all, f.snapshot("INC-1").affected)
}

func individuals(t *testing.T, inc incident.Incident) incident.Obligation {
	t.Helper()
	for _, o := range inc.Obligations {
		if o.Duty == incident.DutyIndividuals {
			return o
		}
	}
	t.Fatal("no individuals' obligation")
	return incident.Obligation{}
}

func TestRevokedActorIsRefusedInEveryProcess(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	all := f.customers(2)
	f.open("INC-1")
	other := &fixture{t: t, now: storetest.NewClock(f.clock()), db: f.db, kek: f.kek} // another process on the same database
	other.build(nil)
	_, err := other.vault.Get(ctx, insider, all[0], "customer", "name")
	require.NoError(t, err)

	_, err = f.reg.Revoke(ctx, responder, "INC-1", insider.Actor.ID)
	require.NoError(t, err)
	for name, v := range map[string]*vault.Vault{"this process": f.vault, "another process": other.vault} {
		_, err = v.Get(ctx, insider, all[1], "customer", "name")
		assert.ErrorIs(t, err, vault.ErrDenied, name)
	}
	_, err = other.vault.Get(ctx, clerk, all[1], "customer", "name")
	assert.NoError(t, err, "other actors are not affected")
	inc, err := f.reg.Get(ctx, "INC-1")
	require.NoError(t, err)
	assert.Equal(t, incident.StateContained, inc.State)
}
