package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
)

// Find returns, one Record each, the customers whose record of recordType
// holds exactly the values in query, with the named fields. query names the
// fields of a Searchable field or of a declared Index; its values are
// validated and normalized by their kinds first, so "+86 138 0000 0000" in
// full-width digits finds "13800000000".
//
// The blind index narrows the search to a few candidates per value (see
// LeakageBudget); Find decrypts each candidate's index check (its indexed
// values, encrypted under its own key) and drops those that do not match,
// so it never returns a false positive and reads only matching records. Matches
// are then subject to the same rules as Get: the purpose must be allowed the
// query and result fields of that customer, restricted customers are left
// out unless the purpose is a legal hold, and each returned customer's read
// is durably recorded before anything is returned. A customer left out by a
// rule is recorded as a denied read.
//
// A role may search only by fields it sees in full: a query field its
// Masking shows masked or hidden is refused with an error wrapping
// ErrDenied and ErrMaskedSearch, recorded as a denied find, so that trying
// the hidden digits of 138****1234 one by one, or probing who holds an
// identity number the role may not see, finds nothing (JR/T 0171-2020 access
// control; PIPL Art. 51(3)).
//
// A Find records one audit event per customer holding the queried values,
// returned or refused, and, when none does, one event naming the query
// fields with Reason "no-match". A search that returns nothing therefore
// makes the same store calls and records the same number of events whether
// nobody holds the values or one holder is refused (by the authorizer or a
// restriction): the vault reads one record's entry when no holder was read,
// so the caller cannot tell the two apart by the work done.
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
	sel, err := v.selection(t, fields)
	if err != nil {
		return nil, err
	}
	read := union(qnames, sel.names)
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionFind, RecordType: t.name, Fields: read})
	if err != nil {
		return nil, err
	}
	if err := v.masking.searchable(acc.Actor.Role, t, qnames); err != nil {
		return nil, v.event(ctx, ev, err)
	}
	input := searchInput(t, ix, qcanon)
	candidates, err := v.candidates(ctx, t, ix, input)
	if err != nil {
		return nil, v.event(ctx, ev, err)
	}
	var out []Record
	holders := 0 // customers whose read or refusal was recorded
	for _, c := range candidates {
		ok, err := v.matches(ctx, t, ix, input, c)
		if err != nil {
			return nil, v.event(ctx, ev, err)
		}
		if !ok {
			continue // a false positive of the truncated index
		}
		rec, m, err := v.match(ctx, acc, sel, read, c.Subject)
		if err != nil {
			return nil, err
		}
		if m != matchGone {
			holders++
		}
		if m == matchRead {
			out = append(out, rec)
		}
	}
	if holders == 0 {
		v.readAsHolder(ctx, t, candidates)
		ev.Reason = "no-match"
		if err := v.event(ctx, ev, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readAsHolder reads one record entry, as the read of a holder refused by a
// rule would, so that a search nobody matches makes the same store calls as
// one whose holder is refused. The result is discarded: nothing is
// decrypted. It reads a candidate's record when the index found any, and
// otherwise the entry of an empty subject, which no customer can have.
func (v *Vault) readAsHolder(ctx context.Context, t *recordType, candidates []IndexCandidate) {
	var subject custos.SubjectID
	if len(candidates) > 0 {
		subject = candidates[0].Subject
	}
	_, _ = v.store.GetRecord(ctx, subject, t.name)
}

// candidates looks the query up in the index under every live key and
// returns the customers found, each once, with their checks.
func (v *Vault) candidates(ctx context.Context, t *recordType, ix *index, input []byte) ([]IndexCandidate, error) {
	live, err := v.ikeys.forFind(ctx, v.now())
	if err != nil {
		return nil, err
	}
	var out []IndexCandidate
	for _, k := range live {
		val, err := v.indexValue(k, t, ix, input)
		if err != nil {
			return nil, fmt.Errorf("vault: index: %w", err)
		}
		found, err := v.store.IndexCandidates(ctx, t.name, indexName(t.name, ix, k.version), val)
		if err != nil {
			return nil, fmt.Errorf("vault: index lookup: %w", err)
		}
		for _, c := range found {
			if !slices.ContainsFunc(out, func(o IndexCandidate) bool { return o.Subject == c.Subject }) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// matches reports whether a candidate's check, decrypted with its DEK,
// holds exactly the query's search input. A candidate forgotten since the
// lookup does not match; a check that does not decrypt is corrupt.
func (v *Vault) matches(ctx context.Context, t *recordType, ix *index, input []byte, c IndexCandidate) (bool, error) {
	var got []byte
	err := v.withDEK(ctx, c.Subject, "an index check", func(a tink.AEAD) (err error) {
		got, err = a.Decrypt(c.Check, checkAD(t, ix, c.Subject))
		return err
	})
	if errors.Is(err, ErrForgotten) {
		return false, nil
	}
	return err == nil && bytes.Equal(got, input), err
}

// matchResult says how Find's look at one holder of the queried values
// ended.
type matchResult uint8

const (
	// matchGone: the customer was forgotten or replaced since the lookup;
	// nothing was recorded.
	matchGone matchResult = iota
	// matchRefused: a rule left the customer out; the refusal was recorded.
	matchRefused
	// matchRead: the record is returned; its read was recorded.
	matchRead
)

// match reads a matching customer's record, applies the rules of a read
// and, if all hold, records the read and returns the record.
func (v *Vault) match(ctx context.Context, acc custos.Access, sel *Selection, read []string, subject custos.SubjectID) (Record, matchResult, error) {
	t := sel.t
	s, err := v.store.GetRecord(ctx, subject, t.name)
	if errors.Is(err, ErrNotFound) {
		return Record{}, matchGone, nil // forgotten or replaced since the lookup
	}
	if err != nil {
		return Record{}, matchGone, fmt.Errorf("vault: read record: %w", err)
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionFind, Subject: subject, RecordType: t.name, Fields: read, AuthVersion: s.AuthVersion})
	if err != nil {
		return Record{}, matchRefused, ignoreRefusal(err)
	}
	if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
		return Record{}, matchRefused, ignoreRefusal(v.event(ctx, ev, err))
	}
	rec, err := v.readable(ctx, acc.Actor.Role, sel, s)
	if errors.Is(err, ErrForgotten) {
		return Record{}, matchGone, nil
	}
	if err != nil {
		return Record{}, matchRefused, v.event(ctx, ev, err)
	}
	if err := v.event(ctx, ev, nil); err != nil {
		return Record{}, matchRefused, err
	}
	return rec, matchRead, nil
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
