package retention_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// leasingSchema is the record types of a leasing company, by name: a
// policy is validated against the names alone.
func leasingSchema() vault.Schema {
	return vault.Schema{Types: []vault.RecordType{
		{Name: "identity"}, {Name: "transaction"}, {Name: "marketing"},
	}}
}

// leasingPolicy is a valid policy over leasingSchema.
func leasingPolicy() retention.Policy {
	return retention.Policy{Rules: []retention.Rule{
		{
			Name: "aml-identity", RecordType: "identity",
			Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min:   retention.Years(10), Max: retention.Years(11),
			Expiry: retention.RestrictThenDestroy, Law: "AML Art. 34",
		},
		{
			Name: "aml-transaction", RecordType: "transaction",
			Start: retention.Start{Event: retention.EventTransaction},
			Min:   retention.Years(10), Max: retention.Years(10),
			Expiry: retention.Destroy, Law: "AML Art. 34",
		},
		{
			Name: "marketing-consent", RecordType: "marketing", Purpose: "marketing",
			Start: retention.Start{Event: retention.EventConsentWithdrawn, Purpose: "marketing"},
			Max:   retention.Days(1), Expiry: retention.Destroy, Law: "PIPL Art. 47(1)(3)",
		},
	}}
}

func TestPolicyValidateAcceptsTheLeasingPolicy(t *testing.T) {
	p := leasingPolicy()
	require.NoError(t, p.Validate(leasingSchema()))

	handOver := p
	handOver.Rules = append(handOver.Rules, retention.Rule{
		Name: "aml-dissolution", RecordType: "identity",
		Start: retention.Start{Event: retention.EventContractEnded}, Max: retention.Years(10),
		Expiry: retention.HandOver, Body: "the institution the State Council designates", Law: "AML Art. 34",
	})
	assert.NoError(t, handOver.Validate(leasingSchema()))
}

func TestPolicyValidateRefusesBadPolicies(t *testing.T) {
	type edit func(p *retention.Policy)
	rule := func(i int, f func(r *retention.Rule)) edit {
		return func(p *retention.Policy) { f(&p.Rules[i]) }
	}
	tests := []struct {
		name string
		edit edit
		want []string // substrings of the error, all of them
	}{
		{"rule for an unknown record type", func(p *retention.Policy) {
			p.Rules = append(p.Rules, retention.Rule{Name: "ghost", RecordType: "vehicle",
				Start: retention.Start{Event: retention.EventCollected}, Max: retention.Years(1), Expiry: retention.Destroy, Law: "PIPL Art. 19"})
		}, []string{`"ghost"`, `"vehicle"`, "does not declare"}},
		{"record type without a rule", func(p *retention.Policy) { p.Rules = p.Rules[:2] },
			[]string{`"marketing"`, "no retention rule", "PIPL Art. 19"}},
		{"max below its own statutory min", rule(0, func(r *retention.Rule) { r.Max = retention.Years(5) }),
			[]string{`"aml-identity"`, "max 5y", "min 10y"}},
		{"max below another rule's statutory min", func(p *retention.Policy) {
			p.Rules = append(p.Rules, retention.Rule{Name: "servicing", RecordType: "identity",
				Start: retention.Start{Event: retention.EventContractEnded}, Max: retention.Years(5), Expiry: retention.Destroy, Law: "PIPL Art. 19"})
		}, []string{`rule "servicing"`, "at most 5y", "minimum 10y", `rule "aml-identity"`}},
		{"12 months below 366 days from a leap year", rule(0, func(r *retention.Rule) {
			r.Min, r.Max = retention.Days(366), retention.Months(12)
		}), []string{`"aml-identity"`, "max 12m", "min 366d"}},
		{"zero max", rule(1, func(r *retention.Rule) { r.Max, r.Min = retention.Period{}, retention.Period{} }),
			[]string{`"aml-transaction"`, "max", "zero"}},
		{"negative max", rule(1, func(r *retention.Rule) { r.Max = retention.Period{Years: 11, Days: -1} }),
			[]string{`"aml-transaction"`, "negative"}},
		{"negative min", rule(1, func(r *retention.Rule) { r.Min = retention.Years(-10) }),
			[]string{`"aml-transaction"`, "min", "negative"}},
		{"unbounded max", rule(1, func(r *retention.Rule) { r.Max = retention.Years(101) }),
			[]string{`"aml-transaction"`, "longer than 100 years"}},
		{"unbounded max in days", rule(1, func(r *retention.Rule) { r.Max = retention.Period{Years: 99, Days: 800} }),
			[]string{`"aml-transaction"`, "longer than 100 years"}},
		{"unbounded min", rule(1, func(r *retention.Rule) { r.Min = retention.Months(1300); r.Max = retention.Months(1300) }),
			[]string{`"aml-transaction"`, "longer than 100 years"}},
		{"duplicate rule name", rule(1, func(r *retention.Rule) { r.Name = "aml-identity" }),
			[]string{`"aml-identity"`, "twice"}},
		{"invalid rule name", rule(1, func(r *retention.Rule) { r.Name = "AML identity" }),
			[]string{"rule name"}},
		{"no law", rule(1, func(r *retention.Rule) { r.Law = "" }), []string{`"aml-transaction"`, "law"}},
		{"law with a control character", rule(1, func(r *retention.Rule) { r.Law = "AML\x1bArt. 34" }),
			[]string{`"aml-transaction"`, "law", "control"}},
		{"undeclared start event", rule(1, func(r *retention.Rule) { r.Start.Event = 0 }),
			[]string{`"aml-transaction"`, "clock-start event"}},
		{"consent withdrawal without purpose", rule(2, func(r *retention.Rule) { r.Start.Purpose = "" }),
			[]string{`"marketing-consent"`, "names no purpose"}},
		{"purpose on another start event", rule(1, func(r *retention.Rule) { r.Start.Purpose = "marketing" }),
			[]string{`"aml-transaction"`, "only consent-withdrawn"}},
		{"invalid purpose", rule(2, func(r *retention.Rule) { r.Purpose = "mar keting" }),
			[]string{`"marketing-consent"`, "purpose"}},
		{"undeclared expiry action", rule(1, func(r *retention.Rule) { r.Expiry = 9 }),
			[]string{`"aml-transaction"`, "expiry action"}},
		{"restrict-after not below max", rule(0, func(r *retention.Rule) { r.RestrictAfter = retention.Years(11) }),
			[]string{`"aml-identity"`, "restrict-after 11y", "max 11y"}},
		{"restrict-after on destroy", rule(1, func(r *retention.Rule) { r.RestrictAfter = retention.Years(1) }),
			[]string{`"aml-transaction"`, "restrict-after", "destroy"}},
		{"hand-over without body", rule(1, func(r *retention.Rule) { r.Expiry = retention.HandOver }),
			[]string{`"aml-transaction"`, "no body"}},
		{"body on destroy", rule(1, func(r *retention.Rule) { r.Body = "archive" }),
			[]string{`"aml-transaction"`, "body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := leasingPolicy()
			tt.edit(&p)
			before := slices.Clone(p.Rules)
			err := p.Validate(leasingSchema())
			require.Error(t, err)
			assert.ErrorIs(t, err, retention.ErrPolicy)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, before, p.Rules, "validation changes nothing")
		})
	}
}

func TestPeriodAfterCountsTheCalendar(t *testing.T) {
	start := mustTime(t, "2024-02-29T10:00:00Z")
	tests := []struct {
		p    retention.Period
		want string
	}{
		{retention.Years(10), "2034-03-01T10:00:00Z"}, // 29 Feb normalised
		{retention.Months(1), "2024-03-29T10:00:00Z"},
		{retention.Days(1), "2024-03-01T10:00:00Z"},
		{retention.Period{Years: 1, Months: 6, Days: 15}, "2025-09-13T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.p.String(), func(t *testing.T) {
			assert.Equal(t, mustTime(t, tt.want), tt.p.After(start))
		})
	}
}
