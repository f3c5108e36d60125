package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
)

// ConsentRecords returns the Store's consent records and histories as the
// report reads them, in key order a page at a time.
func (s *Store) ConsentRecords() report.ConsentRecords { return (*consentStore)(s) }

var _ report.ConsentRecords = (*consentStore)(nil)

func compareConsentKey(a, b consentKey) int {
	return cmp.Or(cmp.Compare(a.subject, b.subject), cmp.Compare(a.purpose, b.purpose))
}

// keysAfter returns the record keys after k, sorted. The in-memory store
// sorts on every page: it is for tests and examples, not for a million
// customers.
func (c *consentStore) keysAfter(k consentKey) []consentKey {
	var out []consentKey
	for key := range c.consent.records {
		if compareConsentKey(key, k) > 0 {
			out = append(out, key)
		}
	}
	slices.SortFunc(out, compareConsentKey)
	return out
}

func (c *consentStore) ScanConsents(_ context.Context, after report.ConsentKey, limit int) ([]consent.Record, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []consent.Record
	for _, k := range c.keysAfter(consentKey{after.Subject, after.Purpose}) {
		if len(out) == limit {
			break
		}
		out = append(out, c.consent.records[k])
	}
	return out, nil
}

func (c *consentStore) ScanHistory(_ context.Context, after report.HistoryKey, limit int) ([]report.HistoryEntry, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []report.HistoryEntry
	start := consentKey{after.Subject, after.Purpose}
	// The record of `after` itself, from the entry after its Seq, then the
	// records after it.
	keys := c.keysAfter(start)
	if _, ok := c.consent.history[start]; ok {
		keys = append([]consentKey{start}, keys...)
	}
	for _, k := range keys {
		for _, e := range c.consent.history[k] {
			if k == start && e.Seq <= after.Seq {
				continue
			}
			if len(out) == limit {
				return out, nil
			}
			out = append(out, report.HistoryEntry{Subject: k.subject, Purpose: k.purpose, Entry: e})
		}
	}
	return out, nil
}
