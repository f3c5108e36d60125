package vault_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/vault"
)

// events is a Recorder that keeps every event and fails while fail is set.
type events struct {
	got  []custos.Event
	fail bool
}

func (e *events) Record(_ context.Context, ev custos.Event) error {
	if e.fail {
		return errors.New("audit store down")
	}
	e.got = append(e.got, ev)
	return nil
}

// countingAuth counts the questions an AllowList is asked, by way.
type countingAuth struct {
	*vault.AllowList
	static, dynamic atomic.Int64
}

func (c *countingAuth) Authorize(ctx context.Context, r vault.Request) (vault.Decision, error) {
	c.dynamic.Add(1)
	return c.AllowList.Authorize(ctx, r)
}

func (c *countingAuth) AuthorizeStatic(r vault.Request) (vault.Decision, bool) {
	c.static.Add(1)
	return c.AllowList.AuthorizeStatic(r)
}

// perCustomer hides the AllowList's StaticAuthorizer method, as a
// consent-aware authorizer would.
type perCustomer struct{ c *countingAuth }

func (p perCustomer) Authorize(ctx context.Context, r vault.Request) (vault.Decision, error) {
	return p.c.Authorize(ctx, r)
}

type selFixture struct {
	v    *vault.Vault
	db   *memstore.Store
	rec  *events
	auth *countingAuth
}

var (
	selClerk   = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	selService = custos.Access{Actor: custos.Actor{ID: "staff-003", Role: "service"}, Purpose: "lease-servicing"}
	selOther   = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "marketer"}, Purpose: "marketing"}
)

func newSelFixture(t *testing.T, static bool) *selFixture {
	t.Helper()
	ctx := context.Background()
	db := memstore.New()
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: c2},
		{Name: "mobile", Kind: kind.Mobile{}, Class: c2},
		{Name: "note", Kind: kind.Text{}, Class: c2},
		{Name: "months", Kind: kind.Integer{Min: 1, Max: 120}, Class: c2},
	}}}}
	al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{
		selClerk.Purpose: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet, custos.ActionRestrict},
			Fields: map[string][]string{"customer": {"months", "mobile", "name", "note"}}},
		selOther.Purpose: {Basis: custos.BasisConsent, Actions: []custos.Action{custos.ActionGet},
			Fields: map[string][]string{"customer": {"name"}}},
	})
	require.NoError(t, err)
	f := &selFixture{db: db, rec: &events{}, auth: &countingAuth{AllowList: al}}
	var auth vault.Authorizer = f.auth
	if !static {
		auth = perCustomer{f.auth}
	}
	masking := &vault.Masking{Rules: map[custos.Role]map[string]vault.Visibility{
		"service": {"customer.mobile": vault.Masked, "customer.note": vault.Hidden, "customer.months": vault.Masked},
	}}
	f.v, err = vault.New(vault.Config{Schema: schema, Keys: newKeyring(t, db), Store: db.Vault(), Authorizer: auth, Recorder: f.rec, Masking: masking})
	require.NoError(t, err)
	require.NoError(t, f.v.Put(ctx, selClerk, "C1", "customer", vault.Values{"name": "Synthetic One", "mobile": "13800000001", "months": 36}))
	return f
}

func TestGetIntoShowsWhatGetShows(t *testing.T) {
	ctx := context.Background()
	f := newSelFixture(t, true)
	all := []string{"note", "name", "mobile", "months"} // unsorted on purpose
	sel, err := f.v.Select("customer", all...)
	require.NoError(t, err)
	assert.Equal(t, []string{"mobile", "months", "name", "note"}, sel.Fields())
	for _, acc := range []custos.Access{selClerk, selService} {
		t.Run(string(acc.Actor.Role), func(t *testing.T) {
			var row vault.Row
			require.NoError(t, f.v.GetInto(ctx, acc, "C1", sel, &row))
			rec, err := f.v.Get(ctx, acc, "C1", "customer", all...)
			require.NoError(t, err)
			fromRow, err := row.Record()
			require.NoError(t, err)
			assert.Equal(t, rec, fromRow)
			assert.Equal(t, int64(1), row.Version)
			assert.Equal(t, "customer", row.Type)
		})
	}

	var row vault.Row
	require.NoError(t, f.v.GetInto(ctx, selService, "C1", sel, &row))
	text, vis, ok := row.Text(sel.Index("mobile"))
	assert.True(t, ok)
	assert.Equal(t, vault.Masked, vis)
	assert.Equal(t, "138****0001", text)
	_, vis, ok = row.Text(sel.Index("note"))
	assert.False(t, ok, "note is absent from the stored record")
	assert.Equal(t, vault.Plain, vis)
	_, vis, ok = row.Text(sel.Index("months"))
	assert.False(t, ok, "an integer has no mask, so a masked one is hidden")
	assert.Equal(t, vault.Hidden, vis)

	require.NoError(t, f.v.GetInto(ctx, selClerk, "C1", sel, &row)) // the same row, reused
	text, vis, ok = row.Text(sel.Index("mobile"))
	assert.Equal(t, "13800000001", text)
	assert.Equal(t, vault.Plain, vis)
	assert.True(t, ok)
	val, ok, err := row.Value(sel.Index("months"))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(36), val)
	assert.Equal(t, "vault.Row{Type: \"customer\", Fields: 4, Version: 1, values redacted}", fmt.Sprint(&row))
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", &row, &row, &row, &row), "13800000001")
}

func TestGetIntoRefusesLikeGet(t *testing.T) {
	ctx := context.Background()
	other := newSelFixture(t, true)
	cases := []struct {
		name    string
		acc     custos.Access
		subject custos.SubjectID
		sel     func(f *selFixture) *vault.Selection
		setup   func(f *selFixture)
		want    error
		outcome custos.Outcome
	}{
		{name: "purpose not allowed the fields", acc: selOther, subject: "C1", want: vault.ErrDenied, outcome: custos.OutcomeDenied},
		{name: "unknown customer", acc: selClerk, subject: "C404", want: vault.ErrNotFound, outcome: custos.OutcomeError},
		{name: "restricted customer", acc: selClerk, subject: "C1", want: vault.ErrRestricted, outcome: custos.OutcomeDenied,
			setup: func(f *selFixture) {
				require.NoError(t, f.v.Restrict(ctx, selClerk, "C1", "AML Art. 34: identity records kept 10 years"))
			}},
		{name: "audit fails", acc: selClerk, subject: "C1", want: vault.ErrAudit,
			setup: func(f *selFixture) { f.rec.fail = true }},
		{name: "selection of another vault", acc: selClerk, subject: "C1", want: vault.ErrConfig,
			sel: func(*selFixture) *vault.Selection {
				s, err := other.v.Select("customer", "name")
				require.NoError(t, err)
				return s
			}},
		{name: "invalid access", acc: custos.Access{Purpose: "lease-servicing"}, subject: "C1", want: custos.ErrNoActor},
	}
	for _, static := range []bool{true, false} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/static=%t", c.name, static), func(t *testing.T) {
				f := newSelFixture(t, static)
				sel, err := f.v.Select("customer", "mobile", "name")
				require.NoError(t, err)
				var row vault.Row
				require.NoError(t, f.v.GetInto(ctx, selClerk, "C1", sel, &row)) // row holds data before
				if c.setup != nil {
					c.setup(f)
				}
				if c.sel != nil {
					sel = c.sel(f)
				}
				before := len(f.rec.got)
				err = f.v.GetInto(ctx, c.acc, c.subject, sel, &row)
				require.ErrorIs(t, err, c.want)
				for i := range row.Len() {
					_, _, ok := row.Text(i)
					assert.False(t, ok, "no plaintext after a refusal")
				}
				if c.sel == nil {
					_, gerr := f.v.Get(ctx, c.acc, c.subject, "customer", "mobile", "name")
					assert.ErrorIs(t, gerr, c.want, "Get refuses alike")
				}
				if c.outcome != 0 {
					require.Len(t, f.rec.got, before+2, "one event per refused read")
					assert.Equal(t, c.outcome, f.rec.got[before].Outcome)
				}
			})
		}
	}
}

func TestSelectionAsksAStaticAuthorizerOnce(t *testing.T) {
	ctx := context.Background()
	for _, static := range []bool{true, false} {
		t.Run(fmt.Sprintf("static=%t", static), func(t *testing.T) {
			f := newSelFixture(t, static)
			sel, err := f.v.Select("customer", "mobile", "name")
			require.NoError(t, err)
			f.auth.static.Store(0)
			f.auth.dynamic.Store(0)
			var row vault.Row
			for range 10 {
				require.NoError(t, f.v.GetInto(ctx, selClerk, "C1", sel, &row))
			}
			require.ErrorIs(t, f.v.GetInto(ctx, selOther, "C1", sel, &row), vault.ErrDenied)
			if static {
				assert.Equal(t, int64(2), f.auth.static.Load(), "once per purpose")
				assert.Zero(t, f.auth.dynamic.Load())
			} else {
				assert.Equal(t, int64(11), f.auth.dynamic.Load(), "once per read")
			}
			for _, ev := range f.rec.got[len(f.rec.got)-11:] {
				assert.Equal(t, []string{"mobile", "name"}, ev.Fields)
			}
			assert.Equal(t, custos.BasisContract, f.rec.got[len(f.rec.got)-2].Basis, "the remembered decision's basis is recorded")
		})
	}
}

func TestSelectRefusesBadFields(t *testing.T) {
	f := newSelFixture(t, true)
	cases := []struct {
		name   string
		typ    string
		fields []string
		want   error
	}{
		{"no field", "customer", nil, vault.ErrMissingField},
		{"unknown field", "customer", []string{"name", "salary"}, vault.ErrUnknownField},
		{"field named twice", "customer", []string{"name", "name"}, vault.ErrUnknownField},
		{"unknown type", "lease", []string{"name"}, vault.ErrUnknownRecordType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sel, err := f.v.Select(c.typ, c.fields...)
			assert.ErrorIs(t, err, c.want)
			assert.Nil(t, sel)
		})
	}
}

func ExampleVault_GetInto() {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	if err != nil {
		log.Fatal(err)
	}
	db := memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	if err != nil {
		log.Fatal(err)
	}
	schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.Text{}, Class: custos.Class{Level: custos.C2}},
		{Name: "mobile", Kind: kind.Mobile{}, Class: custos.Class{Level: custos.C2}},
	}}}}
	allow, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{"lease-servicing": {Basis: custos.BasisContract,
		Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "mobile"}}}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: allow, Recorder: printEvents{}})
	if err != nil {
		log.Fatal(err)
	}
	clerk := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	for _, id := range []custos.SubjectID{"C0001", "C0002"} {
		if err := v.Put(ctx, clerk, id, "customer", vault.Values{"name": "Synthetic " + string(id), "mobile": "13800000000"}); err != nil {
			log.Fatal(err)
		}
	}

	sel, err := v.Select("customer", "name", "mobile") // validated once
	if err != nil {
		log.Fatal(err)
	}
	var row vault.Row // reused by every read
	for _, id := range []custos.SubjectID{"C0001", "C0002"} {
		if err := v.GetInto(ctx, clerk, id, sel, &row); err != nil {
			log.Fatal(err)
		}
		name, _, _ := row.Text(sel.Index("name"))
		fmt.Println(name)
	}
	// Output:
	// audit: vault.put staff-001 lease-servicing [mobile name] allowed
	// audit: vault.put staff-001 lease-servicing [mobile name] allowed
	// audit: vault.get staff-001 lease-servicing [mobile name] allowed
	// Synthetic C0001
	// audit: vault.get staff-001 lease-servicing [mobile name] allowed
	// Synthetic C0002
}
