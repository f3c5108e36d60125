package memstore

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// consentState is what the Store holds for consent.Store, under the
// Store's lock.
type consentState struct {
	notices map[string]consent.PublishedNotice
	records map[consentKey]consent.Record
	history map[consentKey][]consent.Entry
	// bySubject lists the purposes with a record, per customer.
	bySubject map[custos.SubjectID][]custos.PurposeID
	// erasures holds the erasures, with their proof, by reference.
	erasures map[string]consent.Erasure
}

type consentKey struct {
	subject custos.SubjectID
	purpose custos.PurposeID
}

func newConsentState() *consentState {
	return &consentState{
		notices: map[string]consent.PublishedNotice{}, records: map[consentKey]consent.Record{},
		history: map[consentKey][]consent.Entry{}, bySubject: map[custos.SubjectID][]custos.PurposeID{},
		erasures: map[string]consent.Erasure{},
	}
}

// Consent returns the Store as a consent.Store.
func (s *Store) Consent() consent.Store { return (*consentStore)(s) }

type consentStore Store

var _ consent.Store = (*consentStore)(nil)

func (c *consentStore) PutNotice(_ context.Context, n consent.PublishedNotice) error {
	s := (*Store)(c)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.consent.notices[n.Version]; !ok {
		s.consent.notices[n.Version] = clonePublished(n)
	}
	return nil
}

func (c *consentStore) GetNotice(_ context.Context, version string) (consent.PublishedNotice, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return consent.PublishedNotice{}, err
	}
	defer unlock()
	n, ok := s.consent.notices[version]
	if !ok {
		return consent.PublishedNotice{}, consent.ErrNotFound
	}
	return clonePublished(n), nil
}

func clonePublished(n consent.PublishedNotice) consent.PublishedNotice {
	n.Generations = maps.Clone(n.Generations)
	n.Content = slices.Clone(n.Content)
	return n
}

func (c *consentStore) GetConsent(_ context.Context, subject custos.SubjectID, purpose custos.PurposeID) (consent.Record, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return consent.Record{}, err
	}
	defer unlock()
	r, ok := s.consent.records[consentKey{subject, purpose}]
	if !ok {
		return consent.Record{}, consent.ErrNotFound
	}
	return r, nil
}

func (c *consentStore) SubjectConsents(_ context.Context, subject custos.SubjectID) ([]consent.Record, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	purposes := slices.Clone(s.consent.bySubject[subject])
	slices.SortFunc(purposes, func(a, b custos.PurposeID) int { return strings.Compare(string(a), string(b)) })
	out := make([]consent.Record, len(purposes))
	for i, p := range purposes {
		out[i] = s.consent.records[consentKey{subject, p}]
	}
	return out, nil
}

func (c *consentStore) History(_ context.Context, subject custos.SubjectID, purpose custos.PurposeID) ([]consent.Entry, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return slices.Clone(s.consent.history[consentKey{subject, purpose}]), nil
}

func (c *consentStore) Apply(_ context.Context, writes []consent.Write) error {
	s := (*Store)(c)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.consent
	for _, w := range writes {
		if _, gone := st.erasures[string(w.Ref)]; gone {
			return consent.ErrForgotten
		}
	}
	for i, w := range writes {
		k := consentKey{w.Record.Subject, w.Record.Purpose}
		if st.records[k].Version != w.Expect {
			return consent.ErrConflict
		}
		for _, prev := range writes[:i] {
			if prev.Record.Subject == k.subject && prev.Record.Purpose == k.purpose {
				return consent.ErrConflict
			}
		}
	}
	for _, w := range writes {
		k := consentKey{w.Record.Subject, w.Record.Purpose}
		r := w.Record
		if w.Expect == 0 {
			st.bySubject[k.subject] = append(st.bySubject[k.subject], k.purpose)
		} else {
			old := st.records[k]
			r.ID, r.Created = old.ID, old.Created
		}
		st.records[k] = r
		st.history[k] = append(st.history[k], w.Entry)
		s.authBumps[k.subject]++
	}
	return nil
}

func (c *consentStore) Erase(_ context.Context, e consent.Erasure) error {
	s := (*Store)(c)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.consent
	held := st.bySubject[e.Subject]
	want := make(map[custos.PurposeID]int64, len(e.Records))
	for _, rv := range e.Records {
		want[rv.Purpose] = rv.Version
	}
	if len(held) != len(want) {
		return consent.ErrConflict
	}
	for _, p := range held {
		if v, ok := want[p]; !ok || st.records[consentKey{e.Subject, p}].Version != v {
			return consent.ErrConflict
		}
	}
	for _, p := range held {
		k := consentKey{e.Subject, p}
		delete(st.records, k)
		delete(st.history, k)
	}
	delete(st.bySubject, e.Subject)
	s.authBumps[e.Subject]++

	old, ok := st.erasures[string(e.Ref)]
	if !ok {
		old = consent.Erasure{Ref: slices.Clone(e.Ref), At: e.At, Until: e.Until}
	}
	old.Removed += e.Removed
	proof := slices.Clone(old.Proof)
	for _, p := range e.Proof {
		if !slices.ContainsFunc(proof, func(q consent.ProofEntry) bool { return q.Purpose == p.Purpose && q.Seq == p.Seq }) {
			proof = append(proof, p)
		}
	}
	slices.SortFunc(proof, func(a, b consent.ProofEntry) int {
		if c := strings.Compare(string(a.Purpose), string(b.Purpose)); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	old.Proof = proof
	st.erasures[string(e.Ref)] = old
	return nil
}

func (c *consentStore) GetErasure(_ context.Context, ref []byte) (consent.Erasure, error) {
	s := (*Store)(c)
	unlock, err := s.read()
	if err != nil {
		return consent.Erasure{}, err
	}
	defer unlock()
	e, ok := s.consent.erasures[string(ref)]
	if !ok {
		return consent.Erasure{}, consent.ErrNotFound
	}
	e.Ref, e.Proof = slices.Clone(e.Ref), slices.Clone(e.Proof)
	return e, nil
}

func (c *consentStore) PurgeProof(_ context.Context, t time.Time, limit int) (int, error) {
	s := (*Store)(c)
	unlock, err := s.write()
	if err != nil {
		return 0, err
	}
	defer unlock()
	n := 0
	for ref, e := range s.consent.erasures {
		if n == limit {
			break
		}
		if e.Until.IsZero() || e.Until.After(t) {
			continue
		}
		e.Until, e.Proof = time.Time{}, nil
		s.consent.erasures[ref] = e
		n++
	}
	return n, nil
}
