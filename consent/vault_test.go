package consent_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/internal/pgtest"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// The Checker serves as a vault's Authorizer through consent.Authorizer.
var _ vault.Authorizer = (*consent.Checker)(nil)

// vaultSchema is the vault schema testClasses mirrors.
func vaultSchema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	c1 := custos.Class{Level: custos.C1}
	return vault.Schema{Types: []vault.RecordType{
		{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.Text{}, Class: c2},
			{Name: "mobile", Kind: kind.Text{}, Class: c2},
			{Name: "resident_id", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2, Sensitive: true}},
			{Name: "note", Kind: kind.Text{}, Class: c1},
		}},
		{Name: "lease", Fields: []vault.Field{
			{Name: "contract", Kind: kind.Text{}, Class: c1},
			{Name: "months", Kind: kind.Integer{Min: 1, Max: 120}, Class: c1},
		}},
	}}
}

// classesOf builds the registry's field classes from a vault schema, as a
// host does.
func classesOf(s vault.Schema) consent.FieldClasses {
	out := consent.FieldClasses{}
	for _, t := range s.Types {
		out[t.Name] = map[string]custos.Class{}
		for _, f := range t.Fields {
			out[t.Name][f.Name] = f.Class
		}
	}
	return out
}

// database is an adapter with every store a consent-checked vault needs.
type database interface {
	Keys() keys.Store
	Ledger() keys.Ledger
	Vault() vault.Store
	Consent() consent.Store
}

// instance is one process's view of a shared database: its own keyring,
// registry and vault.
type instance struct {
	reg   *consent.Registry
	vault *vault.Vault
	audit *events
}

func newInstance(t testing.TB, db, ledger database, kek keys.KEK) *instance {
	t.Helper()
	ctx := context.Background()
	in := &instance{audit: &events{}}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	require.NoError(t, err)
	s := vaultSchema()
	in.reg, err = consent.New(ctx, consent.Config{
		Purposes: testPurposes(), Notices: []consent.Notice{testNotice()}, Fields: classesOf(s),
		Store: db.Consent(), Recorder: in.audit, Subjects: vault.Subjects(db.Vault(), kr), Pseudonyms: kr,
	})
	require.NoError(t, err)
	in.vault, err = vault.New(vault.Config{
		Schema: s, Keys: kr, Store: db.Vault(), Recorder: in.audit,
		Authorizer: in.reg.Checker(),
	})
	require.NoError(t, err)
	return in
}

func (in *instance) act(t testing.TB, subject custos.SubjectID, p custos.PurposeID) consent.Act {
	n, ok := in.reg.NoticeFor(p)
	require.True(t, ok)
	return consent.Act{
		Subject: subject, Purposes: []custos.PurposeID{p}, Actor: app, Channel: "app", Signal: consent.SignalClick,
		Notice: n.Version, Language: consent.LangEN, Evidence: "form-submission-0001",
	}
}

func putCustomer(t testing.TB, v *vault.Vault, subject custos.SubjectID) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, v.Put(ctx, clerk, subject, "customer", vault.Values{
		"name": "Synthetic Person", "mobile": "13800000000", "resident_id": "110105194912310021", "note": "n",
	}))
	require.NoError(t, v.Put(ctx, clerk, subject, "lease", vault.Values{"contract": "L-0001", "months": 36}))
}

// TestVaultRefusesWhatTheCheckerRefuses drives a vault over memstore through
// every purpose, field and consent state, and asks the same question of the
// Checker: the vault releases plaintext exactly when the Checker allows.
func TestVaultRefusesWhatTheCheckerRefuses(t *testing.T) {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	db := memstore.New()
	in := newInstance(t, db, memstore.New(), kek)

	states := map[custos.SubjectID]func(custos.SubjectID){
		"C-never": func(custos.SubjectID) {},
		"C-given": func(s custos.SubjectID) {
			for _, p := range []custos.PurposeID{marketing, analytics, sharing} {
				require.NoError(t, in.reg.Grant(ctx, in.act(t, s, p)))
			}
		},
		"C-withdrawn": func(s custos.SubjectID) {
			for _, p := range []custos.PurposeID{marketing, analytics, sharing} {
				require.NoError(t, in.reg.Grant(ctx, in.act(t, s, p)))
				require.NoError(t, in.reg.Withdraw(ctx, in.act(t, s, p)))
			}
		},
		"C-refused": func(s custos.SubjectID) {
			for _, p := range []custos.PurposeID{marketing, analytics, sharing} {
				require.NoError(t, in.reg.Refuse(ctx, in.act(t, s, p)))
			}
		},
	}
	reads := []struct {
		typ    string
		fields []string
	}{
		{"customer", []string{"name"}}, {"customer", []string{"mobile", "name"}}, {"customer", []string{"resident_id"}},
		{"customer", []string{"note"}}, {"lease", []string{"months"}}, {"lease", []string{"contract", "months"}},
	}
	purposes := []custos.PurposeID{servicing, marketing, analytics, sharing, receipts, "spaceship"}

	allowed, denied := 0, 0
	for subject, setup := range states {
		putCustomer(t, in.vault, subject)
		setup(subject)
		for _, p := range purposes {
			for _, r := range reads {
				name := fmt.Sprintf("%s/%s/%s.%v", subject, p, r.typ, r.fields)
				t.Run(name, func(t *testing.T) {
					acc := custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "analyst"}, Purpose: p}
					d, err := in.reg.Checker().Authorize(ctx, consent.Request{Access: acc, Action: custos.ActionGet, Subject: subject, RecordType: r.typ, Fields: r.fields})
					require.NoError(t, err)
					rec, err := in.vault.Get(ctx, acc, subject, r.typ, r.fields...)
					if d.Allowed {
						allowed++
						require.NoError(t, err)
						assert.Len(t, rec.Values, len(r.fields))
						assert.Equal(t, d.Basis, in.audit.last().Basis)
						return
					}
					denied++
					require.ErrorIs(t, err, vault.ErrDenied)
					assert.Empty(t, rec.Values, "no plaintext")
					assert.Equal(t, custos.OutcomeDenied, in.audit.last().Outcome)
					assert.Equal(t, d.Reason, in.audit.last().Reason, "the vault's audit event carries the checker's reason")

					var buf bytesCounter
					assert.ErrorIs(t, in.vault.Export(ctx, acc, subject, &buf), vault.ErrDenied, "export is refused too")
					assert.Zero(t, buf.n, "nothing written")
				})
			}
		}
	}
	assert.Positive(t, allowed)
	assert.Positive(t, denied)
}

type bytesCounter struct{ n int }

func (b *bytesCounter) Write(p []byte) (int, error) { b.n += len(p); return len(p), nil }

// TestWithdrawalAcrossInstances is the key property of rule L4: two vaults
// over one shared store, as two processes of a host would run; after a
// withdrawal through one, the very next read through the other is refused.
func TestWithdrawalAcrossInstances(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		open := func(name string) *sqlstore.DB {
			db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, name), nil)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		testWithdrawalAcross(t, open("custos.db"), open("custos.db"), open("ledger.db"), open("ledger.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		schema, ledger := pgtest.Schema(t, dsn), pgtest.Schema(t, dsn)
		open := func(schema string) *sqlstore.DB {
			db, err := sqlstore.OpenPostgres(context.Background(), dsn, &sqlstore.Options{Schema: schema})
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		testWithdrawalAcross(t, open(schema), open(schema), open(ledger), open(ledger))
	})
}

func testWithdrawalAcross(t *testing.T, db1, db2, ledger1, ledger2 database) {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	one, two := newInstance(t, db1, ledger1, kek), newInstance(t, db2, ledger2, kek)
	putCustomer(t, one.vault, "C-0001")
	market := custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: marketing}

	_, err = two.vault.Get(ctx, market, "C-0001", "customer", "mobile")
	require.ErrorIs(t, err, vault.ErrDenied, "no consent yet")

	require.NoError(t, one.reg.Grant(ctx, one.act(t, "C-0001", marketing)))
	rec, err := two.vault.Get(ctx, market, "C-0001", "customer", "mobile")
	require.NoError(t, err, "a grant through one instance is seen by the other")
	assert.Equal(t, "13800000000", rec.Values["mobile"])

	for i := range 3 {
		first, second := one, two
		if i%2 == 1 {
			first, second = two, one
		}
		// Warm the other instance's read path, then withdraw.
		_, err = second.vault.Get(ctx, market, "C-0001", "customer", "mobile")
		require.NoError(t, err)
		require.NoError(t, first.reg.Withdraw(ctx, first.act(t, "C-0001", marketing)))
		rec, err = second.vault.Get(ctx, market, "C-0001", "customer", "mobile")
		require.ErrorIs(t, err, vault.ErrDenied, "the very next read through the other instance is refused")
		assert.Empty(t, rec.Values)
		assert.Equal(t, "consent-withdrawn", second.audit.last().Reason)
		require.NoError(t, second.reg.Grant(ctx, second.act(t, "C-0001", marketing)))
	}
	_, err = one.vault.Get(ctx, clerk, "C-0001", "customer", "mobile")
	require.NoError(t, err, "the contract purpose was never affected (PIPL Art. 16)")
}
