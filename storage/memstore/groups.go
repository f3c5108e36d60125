package memstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// groupKeyLocked reports whether d may be written: a DEK of a group only
// under the group's current key.
func (s *Store) groupKeyLocked(d keys.WrappedDEK) bool {
	if d.Group == 0 {
		return true
	}
	g, ok := s.groups[d.Group]
	return ok && g.Key == d.KEKID
}

// groupOrderLocked returns the sorted subjects of one group's DEKs.
func (s *Store) groupOrderLocked(group int64) *sorted[custos.SubjectID] {
	o := s.groupDEKs[group]
	if o == nil {
		o = &sorted[custos.SubjectID]{}
		s.groupDEKs[group] = o
	}
	return o
}

func (k *keyStore) ScanGroupDEKs(_ context.Context, group int64, after custos.SubjectID, limit int) ([]keys.WrappedDEK, error) {
	s := (*Store)(k)
	unlock, err := s.write() // a scan may sort the key order
	if err != nil {
		return nil, err
	}
	defer unlock()
	subjects := s.groupOrderLocked(group).after(after, limit)
	out := make([]keys.WrappedDEK, len(subjects))
	for i, sub := range subjects {
		out[i] = s.deks[sub]
	}
	return out, nil
}

func (k *keyStore) CreateGroup(_ context.Context, g keys.Group) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.groups[g.ID]; ok {
		return keys.ErrExists
	}
	s.groups[g.ID] = g
	return nil
}

func (k *keyStore) GetGroup(_ context.Context, id int64) (keys.Group, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return keys.Group{}, err
	}
	defer unlock()
	g, ok := s.groups[id]
	if !ok {
		return keys.Group{}, keys.ErrNotFound
	}
	return g, nil
}

func (k *keyStore) UpdateGroup(_ context.Context, g keys.Group) error {
	s := (*Store)(k)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	old, ok := s.groups[g.ID]
	switch {
	case !ok:
		return keys.ErrNotFound
	case old.Version != g.Version-1:
		return keys.ErrConflict
	}
	s.groups[g.ID] = g
	return nil
}

func (k *keyStore) DueGroups(_ context.Context, dirtyBefore time.Time, after int64, limit int) ([]keys.Group, error) {
	s := (*Store)(k)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []keys.Group
	for _, g := range s.groups {
		if g.ID > after && (g.Retiring != "" || !g.DirtySince.IsZero() && !g.DirtySince.After(dirtyBefore)) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b keys.Group) int { return cmp.Compare(a.ID, b.ID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
