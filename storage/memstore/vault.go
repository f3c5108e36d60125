package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

type vaultStore Store

var _ vault.Store = (*vaultStore)(nil)

func (v *vaultStore) GetRecord(_ context.Context, subject custos.SubjectID, typ string) (vault.Stored, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return vault.Stored{}, err
	}
	defer unlock()
	r, ok := s.records[subject][typ]
	if !ok || s.forgettingLocked(subject) {
		return vault.Stored{}, vault.ErrNotFound
	}
	r.Restriction, r.AuthVersion = s.subjects[subject].Restriction, s.authVersionLocked(subject)
	return r, nil
}

func (v *vaultStore) GetSubject(_ context.Context, subject custos.SubjectID) (vault.Subject, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return vault.Subject{}, err
	}
	defer unlock()
	sub, ok := s.subjects[subject]
	if !ok {
		return vault.Subject{}, vault.ErrNotFound
	}
	return sub, nil
}

func (v *vaultStore) SubjectRecords(_ context.Context, subject custos.SubjectID) ([]vault.Stored, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	sub, ok := s.subjects[subject]
	if !ok || s.forgettingLocked(subject) {
		return nil, vault.ErrNotFound
	}
	out := make([]vault.Stored, 0, len(s.records[subject]))
	for _, r := range s.records[subject] {
		r.Restriction, r.AuthVersion = sub.Restriction, s.authVersionLocked(subject)
		r.IndexEntries = s.indexCountLocked(recordKey{subject, r.Type})
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b vault.Stored) int { return strings.Compare(a.Type, b.Type) })
	return out, nil
}

func (v *vaultStore) PutRecord(_ context.Context, w vault.Write) error {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.checkWriteLocked(w); err != nil {
		return err
	}
	s.putLocked(w)
	return nil
}

func (v *vaultStore) PutRecords(_ context.Context, ws []vault.Write) error {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	for i, w := range ws {
		if err := s.checkWriteLocked(w); err != nil {
			return &custos.ItemError{Index: i, Err: err}
		}
	}
	for _, w := range ws {
		s.putLocked(w)
	}
	return nil
}

func (v *vaultStore) LookupSubjects(_ context.Context, subjects []custos.SubjectID, refs [][]byte) ([]vault.SubjectLookup, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make([]vault.SubjectLookup, len(subjects))
	for i, subject := range subjects {
		out[i].Subject, out[i].Found = s.subjects[subject]
		if i < len(refs) {
			_, out[i].Forgotten = s.tombstones[string(refs[i])]
		}
	}
	return out, nil
}

// checkWriteLocked says whether w may be applied now.
func (s *Store) checkWriteLocked(w vault.Write) error {
	if _, gone := s.tombstones[string(w.Ref)]; gone {
		return vault.ErrForgotten
	}
	old, exists := s.records[w.Subject][w.Type]
	switch {
	case w.Expect == vault.ExpectAny:
	case w.Expect == vault.ExpectAbsent && exists, w.Expect > 0 && (!exists || old.Version != w.Expect):
		return vault.ErrConflict
	}
	return nil
}

// putLocked applies w, which checkWriteLocked allowed.
func (s *Store) putLocked(w vault.Write) {
	old, exists := s.records[w.Subject][w.Type]
	rec := vault.Stored{Subject: w.Subject, Type: w.Type, Envelope: w.Envelope, Version: 1, Created: w.Time, Updated: w.Time}
	if exists {
		rec.Version, rec.Created = old.Version+1, old.Created
	}
	if _, ok := s.subjects[w.Subject]; !ok {
		s.subjects[w.Subject] = vault.Subject{Subject: w.Subject, Ref: w.Ref, Created: w.Time}
		s.subjectByRef[string(w.Ref)] = w.Subject
	}
	if s.records[w.Subject] == nil {
		s.records[w.Subject] = map[string]vault.Stored{}
	}
	s.records[w.Subject][w.Type] = rec
	s.replaceIndexLocked(recordKey{w.Subject, w.Type}, w.ReplaceIndexes, w.Index)
}

// replaceIndexLocked replaces a record's entries of the named indexes.
func (s *Store) replaceIndexLocked(rk recordKey, replace []string, entries []vault.IndexEntry) {
	for _, name := range replace {
		for _, val := range s.recordIndex[rk][name] {
			s.unindexLocked(name, val, rk)
		}
		delete(s.recordIndex[rk], name)
	}
	for _, e := range entries {
		ik := indexKey{e.Index, string(e.Value)}
		if s.index[ik] == nil {
			s.index[ik] = map[recordKey][]byte{}
		}
		s.index[ik][rk] = e.Check
		if s.recordIndex[rk] == nil {
			s.recordIndex[rk] = map[string][][]byte{}
		}
		s.recordIndex[rk][e.Index] = append(s.recordIndex[rk][e.Index], e.Value)
	}
}

func (s *Store) unindexLocked(name string, val []byte, rk recordKey) {
	ik := indexKey{name, string(val)}
	delete(s.index[ik], rk)
	if len(s.index[ik]) == 0 {
		delete(s.index, ik)
	}
}

func (v *vaultStore) SetRestriction(_ context.Context, subject custos.SubjectID, r vault.Restriction) error {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	sub, ok := s.subjects[subject]
	if !ok {
		return vault.ErrNotFound
	}
	if _, gone := s.tombstones[string(sub.Ref)]; gone {
		return vault.ErrForgotten
	}
	sub.Restriction = r
	s.subjects[subject] = sub
	return nil
}

func (v *vaultStore) IndexCandidates(_ context.Context, typ, index string, value []byte) ([]vault.IndexCandidate, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []vault.IndexCandidate
	for rk, check := range s.index[indexKey{index, string(value)}] {
		if rk.typ == typ {
			out = append(out, vault.IndexCandidate{Subject: rk.subject, Check: check})
		}
	}
	slices.SortFunc(out, func(a, b vault.IndexCandidate) int { return strings.Compare(string(a.Subject), string(b.Subject)) })
	return out, nil
}

func (v *vaultStore) ScanRecords(_ context.Context, typ string, after custos.SubjectID, limit int) ([]vault.Stored, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Records are few in a memory store: sort the matching ones each time.
	var out []vault.Stored
	for sub, recs := range s.records {
		if r, ok := recs[typ]; ok && sub > after && !s.forgettingLocked(sub) {
			r.Restriction, r.AuthVersion = s.subjects[sub].Restriction, s.authVersionLocked(sub)
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b vault.Stored) int { return strings.Compare(string(a.Subject), string(b.Subject)) })
	return out[:min(len(out), limit)], nil
}

func (v *vaultStore) SetIndex(_ context.Context, subject custos.SubjectID, typ string, expect int64, replace []string, entries []vault.IndexEntry) error {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	r, ok := s.records[subject][typ]
	_, gone := s.tombstones[string(s.subjects[subject].Ref)]
	switch {
	case !ok:
		return vault.ErrNotFound
	case gone:
		return vault.ErrForgotten
	case r.Version != expect:
		return vault.ErrConflict
	}
	s.replaceIndexLocked(recordKey{subject, typ}, replace, entries)
	return nil
}

func (v *vaultStore) DeleteIndex(_ context.Context, index string) (int64, error) {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return 0, err
	}
	defer unlock()
	var n int64
	for rk, byName := range s.recordIndex {
		for _, val := range byName[index] {
			s.unindexLocked(index, val, rk)
			n++
		}
		delete(byName, index)
	}
	return n, nil
}

// authVersionLocked returns a subject's authorization version: 1 plus the
// number of consent writes for it.
func (s *Store) authVersionLocked(subject custos.SubjectID) int64 {
	return 1 + s.authBumps[subject]
}
