package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

type keyStore Store

var _ keys.Store = (*keyStore)(nil)

func (k *keyStore) CreateDEK(_ context.Context, d keys.WrappedDEK) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.checkDEKLocked(d); err != nil {
		return err
	}
	s.createDEKLocked(d)
	return nil
}

func (k *keyStore) CreateDEKs(_ context.Context, ds []keys.WrappedDEK) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	for i, d := range ds {
		if err := s.checkDEKLocked(d); err != nil {
			return &custos.ItemError{Index: i, Err: err}
		}
	}
	for _, d := range ds {
		s.createDEKLocked(d)
	}
	return nil
}

func (k *keyStore) GetDEKs(_ context.Context, subjects []custos.SubjectID) ([]keys.WrappedDEK, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []keys.WrappedDEK
	for _, subject := range subjects {
		if d, ok := s.deks[subject]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// checkDEKLocked says whether d may be created now.
func (s *Store) checkDEKLocked(d keys.WrappedDEK) error {
	if s.keyTombs[string(d.Ref)] {
		return keys.ErrShredded
	}
	if _, ok := s.deks[d.Subject]; ok {
		return keys.ErrExists
	}
	if !s.groupKeyLocked(d) {
		return keys.ErrConflict
	}
	return nil
}

// createDEKLocked stores d, which checkDEKLocked allowed.
func (s *Store) createDEKLocked(d keys.WrappedDEK) {
	s.deks[d.Subject] = d
	s.dekByRef[string(d.Ref)] = d.Subject
	s.dekOrder.add(d.Subject)
	s.groupOrderLocked(d.Group).add(d.Subject)
}

func (k *keyStore) GetDEK(_ context.Context, subject custos.SubjectID) (keys.WrappedDEK, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return keys.WrappedDEK{}, err
	}
	defer unlock()
	d, ok := s.deks[subject]
	if !ok {
		return keys.WrappedDEK{}, keys.ErrNotFound
	}
	return d, nil
}

func (k *keyStore) UpdateDEK(_ context.Context, d keys.WrappedDEK) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	old, ok := s.deks[d.Subject]
	switch {
	case !ok:
		return keys.ErrNotFound
	case old.Version != d.Version-1, !s.groupKeyLocked(d):
		return keys.ErrConflict
	}
	d.Ref, d.Created = old.Ref, old.Created
	s.deks[d.Subject] = d
	if old.Group != d.Group {
		s.groupOrderLocked(old.Group).remove(d.Subject)
		s.groupOrderLocked(d.Group).add(d.Subject)
	}
	return nil
}

func (k *keyStore) DeleteDEK(_ context.Context, subject custos.SubjectID) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if !s.deleteDEKLocked(subject) {
		return keys.ErrNotFound
	}
	return nil
}

func (s *Store) deleteDEKLocked(subject custos.SubjectID) bool {
	d, ok := s.deks[subject]
	if !ok {
		return false
	}
	s.keyTombs[string(d.Ref)] = true
	delete(s.deks, subject)
	delete(s.dekByRef, string(d.Ref))
	s.dekOrder.remove(subject)
	s.groupOrderLocked(d.Group).remove(subject)
	return true
}

func (k *keyStore) DeleteDEKByRef(_ context.Context, ref []byte) (bool, error) {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return false, err
	}
	defer unlock()
	s.keyTombs[string(ref)] = true
	subject, ok := s.dekByRef[string(ref)]
	return ok && s.deleteDEKLocked(subject), nil
}

func (k *keyStore) ScanDEKs(_ context.Context, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	s := (*Store)(k)
	unlock, err := s.write() // a scan may sort the key order
	if err != nil {
		return nil, err
	}
	defer unlock()
	subjects := s.dekOrder.after(after, limit)
	out := make([]keys.WrappedDEK, len(subjects))
	for i, sub := range subjects {
		out[i] = s.deks[sub]
	}
	return out, nil
}

func (k *keyStore) CountDEKs(context.Context) (int64, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return 0, err
	}
	defer unlock()
	return int64(len(s.deks)), nil
}

func (k *keyStore) CreateKey(_ context.Context, w keys.WrappedKey) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.named[w.Name]; ok {
		return keys.ErrExists
	}
	s.named[w.Name] = w
	return nil
}

func (k *keyStore) GetKey(_ context.Context, name string) (keys.WrappedKey, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return keys.WrappedKey{}, err
	}
	defer unlock()
	w, ok := s.named[name]
	if !ok {
		return keys.WrappedKey{}, keys.ErrNotFound
	}
	return w, nil
}

func (k *keyStore) UpdateKey(_ context.Context, w keys.WrappedKey) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	old, ok := s.named[w.Name]
	switch {
	case !ok:
		return keys.ErrNotFound
	case old.Version != w.Version-1:
		return keys.ErrConflict
	}
	w.Created = old.Created
	s.named[w.Name] = w
	return nil
}

func (k *keyStore) ListKeys(context.Context) ([]keys.WrappedKey, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make([]keys.WrappedKey, 0, len(s.named))
	for _, w := range s.named {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b keys.WrappedKey) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (k *keyStore) DeleteKey(_ context.Context, name string) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.named[name]; !ok {
		return keys.ErrNotFound
	}
	delete(s.named, name)
	return nil
}
