package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// Find returns, one Record each, the customers whose record of recordType
// holds exactly the values in query, with the named fields. query names the
// fields of a Searchable field or of a declared Index; its values are
// validated and normalized by their kinds first, so "+86 138 0000 0000" in
// full-width digits finds "13800000000".
//
// The blind index narrows the search to a few candidates per value (see
// LeakageBudget); Find decrypts each candidate's indexed fields and drops
// those that do not match, so it never returns a false positive. Matches
// are then subject to the same rules as Get: the purpose must be allowed the
// query and result fields of that customer, restricted customers are left
// out unless the purpose is a legal hold, and each returned customer's read
// is durably recorded before anything is returned. A customer left out by a
// rule is recorded as a denied read.
//
// Find returns ErrNoIndex when no index covers exactly the query's fields.
func (v *Vault) Find(ctx context.Context, acc custos.Access, recordType string, query Values, fields ...string) ([]Record, error) {
	if err := acc.Validate(); err != nil {
		return nil, err
	}
	t, err := v.schema.recordType(recordType)
	if err != nil {
		return nil, err
	}
	qnames, qcanon, err := t.canonicalize(query)
	if err != nil {
		return nil, err
	}
	ix := t.indexFor(qnames)
	if ix == nil {
		return nil, fmt.Errorf("%w: %s has no index on exactly the fields queried", ErrNoIndex, t.name)
	}
	names, _, err := t.checkFields(fields)
	if err != nil {
		return nil, err
	}
	read := union(qnames, names)
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionFind, RecordType: t.name, Fields: read})
	if err != nil {
		return nil, err
	}
	candidates, err := v.candidates(ctx, t, ix, qcanon)
	if err != nil {
		return nil, v.event(ctx, ev, err)
	}
	var out []Record
	for _, s := range candidates {
		rec, ok, err := v.match(ctx, acc, t, ix, qcanon, names, read, s)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, rec)
		}
	}
	if len(out) == 0 {
		ev.Reason = "no-match"
		if err := v.event(ctx, ev, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// candidates looks the query up in the index under every live key and
// returns the records found, each customer once.
func (v *Vault) candidates(ctx context.Context, t *recordType, ix *index, qcanon map[string]string) ([]Stored, error) {
	live, err := v.ikeys.forFind(ctx, v.now())
	if err != nil {
		return nil, err
	}
	var out []Stored
	for _, k := range live {
		val, err := v.indexValue(k, t, ix, qcanon)
		if err != nil {
			return nil, fmt.Errorf("vault: index: %w", err)
		}
		found, err := v.store.FindIndex(ctx, t.name, indexName(t.name, ix, k.version), val)
		if err != nil {
			return nil, fmt.Errorf("vault: index lookup: %w", err)
		}
		for _, s := range found {
			if !slices.ContainsFunc(out, func(o Stored) bool { return o.Subject == s.Subject }) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// match decrypts a candidate, checks that its indexed values equal the
// query, applies the rules of a read and, if all hold, records the read and
// returns the record. ok is false for a candidate that does not match or is
// refused.
func (v *Vault) match(ctx context.Context, acc custos.Access, t *recordType, ix *index, qcanon map[string]string, names, read []string, s Stored) (Record, bool, error) {
	got := make(map[string]string, len(read))
	err := v.open(ctx, s.Subject, t, s.Envelope, read, func(i int, c string) error {
		got[read[i]] = c
		return nil
	})
	if errors.Is(err, ErrForgotten) {
		return Record{}, false, nil // forgotten since the lookup
	}
	if err != nil {
		return Record{}, false, err
	}
	for _, f := range ix.fields {
		fd := t.fields[f]
		if c, ok := got[f]; !ok || searchForm(fd, c) != searchForm(fd, qcanon[f]) {
			return Record{}, false, nil // a false positive of the truncated index
		}
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionFind, Subject: s.Subject, RecordType: t.name, Fields: read, AuthVersion: s.AuthVersion})
	if err != nil {
		return Record{}, false, ignoreRefusal(err)
	}
	if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
		return Record{}, false, ignoreRefusal(v.event(ctx, ev, err))
	}
	rec := Record{Subject: s.Subject, Type: t.name, Values: make(map[string]any, len(names)), Version: s.Version, Updated: s.Updated}
	for _, n := range names {
		if c, ok := got[n]; ok {
			if err := v.show(&rec, acc.Actor.Role, t, t.fields[n], c); err != nil {
				return Record{}, false, err
			}
		}
	}
	if err := v.event(ctx, ev, nil); err != nil {
		return Record{}, false, err
	}
	return rec, true, nil
}

// ignoreRefusal drops a refusal, which leaves the customer out of Find's
// result, and keeps any other error, such as a failed audit.
func ignoreRefusal(err error) error {
	if errors.Is(err, ErrAudit) {
		return err
	}
	if errors.Is(err, ErrDenied) || errors.Is(err, ErrRestricted) {
		return nil
	}
	return err
}

// union returns the sorted union of two sorted lists.
func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
