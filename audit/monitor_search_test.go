package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// find is a synthetic Find entry as the vault records it: naming the
// customer found (customer > 0), or none with Reason "no-match".
func find(i int, at time.Time, actor string, customer byte, outcome custos.Outcome) audit.Entry {
	e := read(i, at, actor, customer, outcome)
	e.Action, e.RecordType, e.Fields = custos.ActionFind, "customer", []string{"mobile"}
	if customer == 0 {
		e.Period, e.Ref, e.Reason = "", nil, "no-match"
	}
	return e
}

func TestMonitorSearchEnumeration(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	rule := audit.MonitorConfig{SearchEnumeration: &audit.SearchEnumeration{MinSearches: 10, MaxMatchRatio: 0.2, Window: time.Hour}}
	// probe: n Finds by one actor a second apart, the k-th of them
	// (k%every == 0) finding a customer.
	probe := func(first, n, every int, actor string, start time.Time) []audit.Entry {
		var out []audit.Entry
		for k := range n {
			var c byte
			if every > 0 && k%every == 0 {
				c = 1
			}
			out = append(out, find(first+k, start.Add(time.Duration(k)*time.Second), actor, c, custos.OutcomeAllowed))
		}
		return out
	}
	cases := []struct {
		name    string
		entries []audit.Entry
		want    []string
	}{
		{"trying values: ten searches, none found", probe(0, 12, 0, "cs-1", at), []string{"search-enumeration@9"}},
		{"one match in ten is under the ratio", probe(0, 10, 10, "cs-1", at), []string{"search-enumeration@9"}},
		{"a clerk who finds most customers", probe(0, 30, 2, "clerk-1", at), nil},
		{"few searches are not judged", probe(0, 9, 0, "cs-1", at), nil},
		{"searches spread beyond the window", func() []audit.Entry {
			var out []audit.Entry
			for k := range 20 {
				out = append(out, find(k, at.Add(time.Duration(k)*10*time.Minute), "cs-1", 0, custos.OutcomeAllowed))
			}
			return out
		}(), nil},
		{"masked-field searches refused count as searches that found nothing", func() []audit.Entry {
			var out []audit.Entry
			for k := range 10 {
				e := find(k, at.Add(time.Duration(k)*time.Second), "cs-1", 0, custos.OutcomeDenied)
				e.Reason = "masked-search"
				out = append(out, e)
			}
			return out
		}(), []string{"search-enumeration@9"}},
		{"a refused holder is not a match", func() []audit.Entry {
			var out []audit.Entry
			for k := range 10 {
				out = append(out, find(k, at.Add(time.Duration(k)*time.Second), "cs-1", 1, custos.OutcomeDenied))
			}
			return out
		}(), []string{"search-enumeration@9"}},
		{"actors are judged apart", append(probe(0, 5, 0, "cs-1", at), probe(5, 5, 0, "cs-2", at)...), nil},
		{"alerts again once the pattern stopped and came back", append(append(probe(0, 10, 0, "cs-1", at),
			probe(10, 40, 1, "cs-1", at.Add(time.Minute))...), probe(50, 60, 0, "cs-1", at.Add(2*time.Hour))...),
			[]string{"search-enumeration@9", "search-enumeration@59"}},
		{"reads are not searches", []audit.Entry{read(0, at, "cs-1", 1, custos.OutcomeAllowed)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := audit.NewMonitor(rule)
			require.NoError(t, err)
			var got []audit.Alert
			for _, e := range c.entries {
				got = append(got, m.Observe(e)...)
			}
			assert.Equal(t, c.want, rules(got))
			for _, a := range got {
				assert.NotEmpty(t, a.Actor, "the alert names the actor")
				assert.GreaterOrEqual(t, a.Count, 10)
			}
		})
	}
}

func TestMonitorSearchEnumerationBadConfig(t *testing.T) {
	for name, cfg := range map[string]audit.SearchEnumeration{
		"no searches":     {MinSearches: 0, MaxMatchRatio: 0.1, Window: time.Hour},
		"negative ratio":  {MinSearches: 5, MaxMatchRatio: -0.1, Window: time.Hour},
		"ratio of one":    {MinSearches: 5, MaxMatchRatio: 1, Window: time.Hour},
		"no window":       {MinSearches: 5, MaxMatchRatio: 0.1},
		"negative window": {MinSearches: 5, MaxMatchRatio: 0.1, Window: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := audit.NewMonitor(audit.MonitorConfig{SearchEnumeration: &cfg})
			assert.ErrorIs(t, err, audit.ErrConfig)
		})
	}
}
