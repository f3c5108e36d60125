package memstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

func (v *vaultStore) GetTombstone(_ context.Context, ref []byte) (vault.Tombstone, error) {
	s := (*Store)(v)
	unlock, err := s.read()
	if err != nil {
		return vault.Tombstone{}, err
	}
	defer unlock()
	t, ok := s.tombstones[string(ref)]
	if !ok {
		return vault.Tombstone{}, vault.ErrNotFound
	}
	return t, nil
}

func (v *vaultStore) PlaceTombstone(_ context.Context, f vault.Fence) error {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, gone := s.tombstones[string(f.Tombstone.Ref)]; gone {
		return vault.ErrForgotten
	}
	if s.subjects[f.Subject].Restriction.Restricted {
		return vault.ErrRestricted
	}
	var held []vault.RecordVersion
	entries := 0
	for typ, r := range s.records[f.Subject] {
		held = append(held, vault.RecordVersion{Type: typ, Version: r.Version})
		entries += s.indexCountLocked(recordKey{f.Subject, typ})
	}
	slices.SortFunc(held, func(a, b vault.RecordVersion) int { return strings.Compare(a.Type, b.Type) })
	if !slices.Equal(held, f.Records) || entries != f.IndexEntries {
		return vault.ErrConflict
	}
	t := f.Tombstone
	t.Ref, t.Certificate, t.Done = slices.Clone(t.Ref), slices.Clone(t.Certificate), false
	s.tombstones[string(t.Ref)] = t
	return nil
}

func (v *vaultStore) ForgetSubject(_ context.Context, ref []byte, at time.Time) (vault.Deleted, error) {
	s := (*Store)(v)
	unlock, err := s.write()
	if err != nil {
		return vault.Deleted{}, err
	}
	defer unlock()
	var d vault.Deleted
	if subject, ok := s.subjectByRef[string(ref)]; ok {
		d = s.deleteSubjectLocked(subject)
		d.Subject = true
	}
	t, ok := s.tombstones[string(ref)]
	if !ok {
		t = vault.Tombstone{Ref: slices.Clone(ref), Created: at}
	}
	t.Done = true
	s.tombstones[string(ref)] = t
	return d, nil
}

// forgettingLocked reports whether the customer's subject entry has a
// tombstone: reads and scans skip their records.
func (s *Store) forgettingLocked(subject custos.SubjectID) bool {
	sub, ok := s.subjects[subject]
	if !ok {
		return false
	}
	_, gone := s.tombstones[string(sub.Ref)]
	return gone
}

// indexCountLocked counts a record's index entries.
func (s *Store) indexCountLocked(rk recordKey) int {
	n := 0
	for _, vals := range s.recordIndex[rk] {
		n += len(vals)
	}
	return n
}

func (s *Store) deleteSubjectLocked(subject custos.SubjectID) vault.Deleted {
	var d vault.Deleted
	for typ := range s.records[subject] {
		rk := recordKey{subject, typ}
		for name, vals := range s.recordIndex[rk] {
			for _, val := range vals {
				s.unindexLocked(name, val, rk)
				d.IndexEntries++
			}
		}
		delete(s.recordIndex, rk)
		d.Records++
	}
	delete(s.records, subject)
	delete(s.subjectByRef, string(s.subjects[subject].Ref))
	delete(s.subjects, subject)
	return d
}
