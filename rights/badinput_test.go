package rights_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/vault"
)

// TestSubmitBadInput: each bad request is refused with a clear error and
// nothing is stored or recorded.
func TestSubmitBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*rights.Request)
		want error
	}{
		{"unknown kind", func(r *rights.Request) { r.Kind = 0 }, rights.ErrInvalidRequest},
		{"no customer", func(r *rights.Request) { r.Subject = "" }, rights.ErrInvalidRequest},
		{"no key", func(r *rights.Request) { r.Key = "" }, rights.ErrInvalidRequest},
		{"key holding a mobile number", func(r *rights.Request) { r.Key = "form-13800138000" }, rights.ErrInvalidRequest},
		{"no channel", func(r *rights.Request) { r.Channel = "" }, rights.ErrInvalidRequest},
		{"no receipt time", func(r *rights.Request) { r.Received = time.Time{} }, rights.ErrInvalidRequest},
		{"received in the future", func(r *rights.Request) { r.Received = t0.AddDate(0, 0, 2) }, rights.ErrInvalidRequest},
		{"unknown regime", func(r *rights.Request) { r.Regime = "ccpa" }, rights.ErrUnknownRegime},
		{"no requester", func(r *rights.Request) { r.Requester = rights.Requester{} }, rights.ErrInvalidRequest},
		{"relative without relation", func(r *rights.Request) {
			r.Requester = rights.Requester{Kind: rights.Relative, Authority: "doc:1"}
		}, rights.ErrRelation},
		{"relative with a relation outside Art. 1045", func(r *rights.Request) {
			r.Requester = rights.Requester{Kind: rights.Relative, Relation: "neighbour", Authority: "doc:1"}
		}, rights.ErrRelation},
		{"relative without authority", func(r *rights.Request) {
			r.Requester = rights.Requester{Kind: rights.Relative, Relation: "spouse"}
		}, rights.ErrRelation},
		{"agent without authority", func(r *rights.Request) { r.Requester = rights.Requester{Kind: rights.Agent} }, rights.ErrInvalidRequest},
		{"own request naming a relation", func(r *rights.Request) { r.Requester.Relation = "spouse" }, rights.ErrInvalidRequest},
		{"erasure without ground", func(r *rights.Request) { r.Ground = "" }, rights.ErrInvalidRequest},
		{"ground holding a resident id", func(r *rights.Request) { r.Ground = "customer 110101199003074514 asked" }, rights.ErrInvalidRequest},
		{"erasure with fields", func(r *rights.Request) { r.Fields = []string{"customer.mobile"} }, rights.ErrInvalidRequest},
		{"erasure with a recipient", func(r *rights.Request) { r.Recipient = "acme" }, rights.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			d := f.desk()
			before := f.snapshot()
			r := request("form-bad", rights.Erasure)
			tt.edit(&r)
			_, err := d.Submit(context.Background(), dpo, r)
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), "C0000042")
			assert.NotContains(t, err.Error(), "110101199003074514")
			assert.Equal(t, before, f.snapshot(), "nothing changed")
		})
	}
}

// TestKindFields: the fields only some kinds carry are required for them.
func TestKindFields(t *testing.T) {
	tests := []struct {
		name string
		kind rights.Kind
		edit func(*rights.Request)
	}{
		{"portability without recipient", rights.Portability, func(r *rights.Request) { r.Recipient = "" }},
		{"correction without fields", rights.Correction, func(r *rights.Request) { r.Fields = nil }},
		{"correction of a field not type.field", rights.Correction, func(r *rights.Request) { r.Fields = []string{"mobile"} }},
		{"correction naming a field twice", rights.Correction, func(r *rights.Request) { r.Fields = []string{"customer.mobile", "customer.mobile"} }},
		{"withdrawal without purposes", rights.Withdrawal, func(r *rights.Request) { r.Purposes = nil }},
		{"objection without ground", rights.Objection, func(r *rights.Request) { r.Ground = "" }},
		{"access with purposes", rights.Access, func(r *rights.Request) { r.Purposes = []custos.PurposeID{"marketing"} }},
		{"relative asking for portability", rights.Portability, func(r *rights.Request) {
			r.Requester = rights.Requester{Kind: rights.Relative, Relation: "child", Authority: "doc:1"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			d := f.desk()
			r := request("form-kind", tt.kind)
			_, err := d.Submit(context.Background(), dpo, r)
			require.NoError(t, err, "the request as built is valid")
			before := f.snapshot()
			r.Key = "form-kind-2"
			tt.edit(&r)
			_, err = d.Submit(context.Background(), dpo, r)
			require.ErrorIs(t, err, rights.ErrInvalidRequest)
			assert.Equal(t, before, f.snapshot(), "nothing changed")
		})
	}
}

// TestKeyReused: other content under a used key is refused, nothing
// changed.
func TestKeyReused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()
	_, err := d.Submit(ctx, dpo, request("form-0100", rights.Access))
	require.NoError(t, err)
	before := f.snapshot()
	other := request("form-0100", rights.Copy)
	_, err = d.Submit(ctx, dpo, other)
	require.ErrorIs(t, err, rights.ErrKeyReused)
	other = request("form-0100", rights.Access)
	other.Channel = "email"
	_, err = d.Submit(ctx, dpo, other)
	require.ErrorIs(t, err, rights.ErrKeyReused)
	assert.Equal(t, before, f.snapshot(), "nothing changed")
}

// TestStepsRefused: each step the lifecycle does not allow is refused
// with a clear error, changing nothing.
func TestStepsRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture, d *rights.Desk, id string)
		step  func(d *rights.Desk, id string) error
		want  error
	}{
		{"start before verification", nil, func(d *rights.Desk, id string) error {
			_, err := d.Start(context.Background(), dpo, id)
			return err
		}, rights.ErrNotVerified},
		{"extension without reasons", nil, func(d *rights.Desk, id string) error {
			_, err := d.Extend(context.Background(), dpo, id, "")
			return err
		}, rights.ErrExtension},
		{"extension after the first month", func(f *fixture, _ *rights.Desk, _ string) {
			f.now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		}, func(d *rights.Desk, id string) error {
			_, err := d.Extend(context.Background(), dpo, id, "complex request")
			return err
		}, rights.ErrExtension},
		{"second extension", func(_ *fixture, d *rights.Desk, id string) {
			_, err := d.Extend(context.Background(), dpo, id, "complex request")
			if err != nil {
				panic(err)
			}
		}, func(d *rights.Desk, id string) error {
			_, err := d.Extend(context.Background(), dpo, id, "many requests")
			return err
		}, rights.ErrExtension},
		{"extension holding a mobile number", nil, func(d *rights.Desk, id string) error {
			_, err := d.Extend(context.Background(), dpo, id, "call 13800138000")
			return err
		}, rights.ErrExtension},
		{"refusal without reason", nil, func(d *rights.Desk, id string) error {
			_, err := d.Refuse(context.Background(), dpo, id, "")
			return err
		}, rights.ErrNoReason},
		{"refusal of a refused request with another reason", func(_ *fixture, d *rights.Desk, id string) {
			if _, err := d.Refuse(context.Background(), dpo, id, "unfounded"); err != nil {
				panic(err)
			}
		}, func(d *rights.Desk, id string) error {
			_, err := d.Refuse(context.Background(), dpo, id, "excessive")
			return err
		}, rights.ErrState},
		{"verification of a closed request", func(_ *fixture, d *rights.Desk, id string) {
			if _, err := d.Refuse(context.Background(), dpo, id, "unfounded"); err != nil {
				panic(err)
			}
		}, func(d *rights.Desk, id string) error {
			_, err := d.Verify(context.Background(), dpo, id)
			return err
		}, rights.ErrState},
		{"unknown request", nil, func(d *rights.Desk, _ string) error {
			_, err := d.Start(context.Background(), dpo, rights.RequestID("none"))
			return err
		}, rights.ErrNotFound},
		{"no access", nil, func(d *rights.Desk, id string) error {
			_, err := d.Refuse(context.Background(), custos.Access{}, id, "unfounded")
			return err
		}, custos.ErrNoActor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			d := f.desk()
			r, err := d.Submit(context.Background(), dpo, request("form-0200", rights.Access))
			require.NoError(t, err)
			f.verified[r.ID] = rights.Identity{Method: "sms-otp", Evidence: "otp:1"}
			if tt.setup != nil {
				tt.setup(f, d, r.ID)
			}
			before := f.snapshot()
			err = tt.step(d, r.ID)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, before, f.snapshot(), "nothing changed")
		})
	}
}

// TestVerifierBadIdentity: a verifier returning no method, or evidence
// holding personal data, is refused; nothing changed.
func TestVerifierBadIdentity(t *testing.T) {
	for name, id := range map[string]rights.Identity{
		"no method":                    {Evidence: "otp:1"},
		"no evidence":                  {Method: "sms-otp"},
		"evidence holding a mobile":    {Method: "sms-otp", Evidence: "sent-to-13800138000"},
		"evidence with white space":    {Method: "sms-otp", Evidence: "otp 1"},
		"method holding a resident id": {Method: "id-110101199003074514", Evidence: "otp:1"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			d := f.desk()
			r, err := d.Submit(context.Background(), dpo, request("form-0300", rights.Access))
			require.NoError(t, err)
			f.verified[r.ID] = id
			before := f.snapshot()
			_, err = d.Verify(context.Background(), dpo, r.ID)
			require.ErrorIs(t, err, rights.ErrVerification)
			assert.NotContains(t, err.Error(), "13800138000")
			assert.Equal(t, before, f.snapshot(), "nothing changed")
		})
	}
}

// TestAuditFailsClosed: with the recorder failing, no step is stored.
func TestAuditFailsClosed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.desk()
	r, err := d.Submit(ctx, dpo, request("form-0400", rights.Access))
	require.NoError(t, err)
	f.verified[r.ID] = rights.Identity{Method: "sms-otp", Evidence: "otp:1"}
	before := f.snapshot()
	f.events.Fail(errors.New("log down"))
	_, err = d.Submit(ctx, dpo, request("form-0401", rights.Access))
	assert.ErrorIs(t, err, rights.ErrAudit)
	_, err = d.Verify(ctx, dpo, r.ID)
	assert.ErrorIs(t, err, rights.ErrAudit)
	_, err = d.Refuse(ctx, dpo, r.ID, "unfounded")
	assert.ErrorIs(t, err, rights.ErrAudit)
	f.events.Fail(nil)
	assert.Equal(t, before, f.snapshot(), "nothing stored")
}

func TestNewRefusesBadConfig(t *testing.T) {
	f := newFixture(t)
	f.desk()
	good := f.config()
	_, err := rights.New(good)
	require.NoError(t, err)
	for name, edit := range map[string]func(*rights.Config){
		"no store":                          func(c *rights.Config) { c.Store = nil },
		"no recorder":                       func(c *rights.Config) { c.Recorder = nil },
		"no verifier":                       func(c *rights.Config) { c.Verifier = nil },
		"no regime":                         func(c *rights.Config) { c.Regimes = nil },
		"regime twice":                      func(c *rights.Config) { c.Regimes = []rights.Regime{rights.GDPR(), rights.GDPR()} },
		"invalid regime":                    func(c *rights.Config) { c.Regimes = []rights.Regime{{Name: "x"}} },
		"negative tolerance":                func(c *rights.Config) { c.Tolerance = -time.Second },
		"no vault":                          func(c *rights.Config) { c.Vault = nil },
		"no consent":                        func(c *rights.Config) { c.Consent = nil },
		"no retention":                      func(c *rights.Config) { c.Retention = nil },
		"no outbox":                         func(c *rights.Config) { c.Outbox = nil },
		"no schema":                         func(c *rights.Config) { c.Schema = vault.Schema{} },
		"no pseudonyms":                     func(c *rights.Config) { c.Pseudonyms = nil },
		"no controller":                     func(c *rights.Config) { c.Policy.Controller = consent.Party{} },
		"no complaint route":                func(c *rights.Config) { c.Policy.Complaint = consent.Text{EN: "complain"} },
		"contact holding an e-mail address": func(c *rights.Config) { c.Policy.Contact = "write to dpo@leasing.example" },
		"disclosure of an unknown field": func(c *rights.Config) {
			c.Policy.Disclosures = []rights.Disclosure{{Organisation: "credit-bureau", Fields: []string{"customer.income"}}}
		},
		"automated decision without logic": func(c *rights.Config) { c.Policy.Automated = []rights.Decision{{ID: "score"}} },
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			edit(&c)
			_, err := rights.New(c)
			assert.ErrorIs(t, err, rights.ErrConfig)
		})
	}
}
