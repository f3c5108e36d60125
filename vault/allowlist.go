package vault

import (
	"context"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// Grant is what one purpose may do under an AllowList.
type Grant struct {
	// Basis is the legal basis the purpose rests on (PIPL Art. 13),
	// recorded in audit events. Required.
	Basis custos.LegalBasis
	// Actions are the operations the purpose may perform.
	Actions []custos.Action
	// Fields maps record types to the fields the purpose may read or write
	// (the minimum necessary, PIPL Art. 6; GDPR Art. 5(1)(c)).
	Fields map[string][]string
}

// AllowList is an Authorizer that permits an access when its purpose is
// granted the action and every field asked for. It checks no consent: use
// it for purposes whose legal basis holds for every customer (a contract,
// a legal duty), or until a consent-aware authorizer is configured.
type AllowList struct {
	grants map[custos.PurposeID]grant
}

type grant struct {
	basis   custos.LegalBasis
	actions map[custos.Action]bool
	fields  map[string][]string // sorted
}

// NewAllowList validates grants against the schema: every purpose needs a
// legal basis and at least one action, and every record type and field
// named must exist.
func NewAllowList(s Schema, grants map[custos.PurposeID]Grant) (*AllowList, error) {
	sc, err := compileSchema(s, defaultMaxValueBytes)
	if err != nil {
		return nil, err
	}
	a := &AllowList{grants: map[custos.PurposeID]grant{}}
	for p, g := range grants {
		if err := (custos.Access{Actor: custos.Actor{ID: "x", Role: "x"}, Purpose: p}).Validate(); err != nil {
			return nil, fmt.Errorf("%w: allow list: %v", ErrConfig, err)
		}
		if err := g.Basis.Validate(); err != nil {
			return nil, fmt.Errorf("%w: allow list: purpose %q: %v", ErrConfig, p, err)
		}
		if len(g.Actions) == 0 {
			return nil, fmt.Errorf("%w: allow list: purpose %q grants no action", ErrConfig, p)
		}
		out := grant{basis: g.Basis, actions: map[custos.Action]bool{}, fields: map[string][]string{}}
		for _, act := range g.Actions {
			out.actions[act] = true
		}
		for typ, names := range g.Fields {
			rt, err := sc.recordType(typ)
			if err != nil {
				return nil, fmt.Errorf("%w: allow list: purpose %q: unknown record type %q", ErrConfig, p, typ)
			}
			for _, n := range names {
				if rt.fields[n] == nil {
					return nil, fmt.Errorf("%w: allow list: purpose %q: %s has no field %q", ErrConfig, p, typ, n)
				}
			}
			sorted := slices.Clone(names)
			slices.Sort(sorted)
			out.fields[typ] = slices.Compact(sorted)
		}
		a.grants[p] = out
	}
	return a, nil
}

// AllFields returns every field name of the record type, sorted, for
// grants that cover a whole record.
func (s Schema) AllFields(recordType string) []string {
	for _, t := range s.Types {
		if t.Name == recordType {
			names := make([]string, 0, len(t.Fields))
			for _, f := range t.Fields {
				names = append(names, f.Name)
			}
			slices.Sort(names)
			return names
		}
	}
	return nil
}

// Classes returns the class of every field by record type, the form
// consent.Config.Fields takes, so that consent rules (PIPL Art. 29: separate
// consent for sensitive fields) are checked against the vault's schema.
func (s Schema) Classes() map[string]map[string]custos.Class {
	out := make(map[string]map[string]custos.Class, len(s.Types))
	for _, t := range s.Types {
		m := make(map[string]custos.Class, len(t.Fields))
		for _, f := range t.Fields {
			m[f.Name] = f.Class
		}
		out[t.Name] = m
	}
	return out
}

var _ StaticAuthorizer = (*AllowList)(nil)

// Authorize implements Authorizer.
func (a *AllowList) Authorize(_ context.Context, r Request) (Decision, error) {
	d, _ := a.AuthorizeStatic(r)
	return d, nil
}

// AuthorizeStatic implements StaticAuthorizer: an AllowList never looks at
// the customer, and its grants do not change after NewAllowList.
func (a *AllowList) AuthorizeStatic(r Request) (Decision, bool) {
	g, ok := a.grants[r.Access.Purpose]
	switch {
	case !ok:
		return Decision{Reason: "purpose-unknown"}, true
	case !g.actions[r.Action]:
		return Decision{Reason: "action-not-allowed"}, true
	}
	if !subset(r.Fields, g.fields[r.RecordType]) {
		return Decision{Reason: "field-not-allowed"}, true
	}
	return Decision{Allowed: true, Basis: g.basis}, true
}

// subset reports whether every element of a is in b; both are sorted.
func subset(a, b []string) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
	}
	return true
}
