package memstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// incidentState is what the Store holds for incident.Store, under the
// Store's lock.
type incidentState struct {
	records     map[string]incident.Record
	ids         []string // sorted
	timeline    map[string][]incident.Entry
	affected    map[string]*sorted[custos.SubjectID]
	revocations map[string]incident.Revocation
}

// Incident returns the Store as an incident.Store.
func (s *Store) Incident() incident.Store { return (*incidentStore)(s) }

type incidentStore Store

var _ incident.Store = (*incidentStore)(nil)

func (t *incidentStore) state() *incidentState {
	s := (*Store)(t)
	if s.incident == nil {
		s.incident = &incidentState{records: map[string]incident.Record{}, timeline: map[string][]incident.Entry{},
			affected: map[string]*sorted[custos.SubjectID]{}, revocations: map[string]incident.Revocation{}}
	}
	return s.incident
}

func (t *incidentStore) lock() (*incidentState, func(), error) {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return nil, nil, err
	}
	return t.state(), unlock, nil
}

func (t *incidentStore) Create(_ context.Context, r incident.Record, first incident.Entry) error {
	st, unlock, err := t.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := st.records[r.ID]; ok {
		return fmt.Errorf("memstore: incident %s: %w", r.ID, incident.ErrExists)
	}
	r.Body = bytes.Clone(r.Body)
	st.records[r.ID] = r
	i, _ := slices.BinarySearch(st.ids, r.ID)
	st.ids = slices.Insert(st.ids, i, r.ID)
	st.timeline[r.ID] = []incident.Entry{first}
	return nil
}

func (t *incidentStore) Get(_ context.Context, id string) (incident.Record, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return incident.Record{}, err
	}
	defer unlock()
	r, ok := st.records[id]
	if !ok {
		return incident.Record{}, fmt.Errorf("memstore: incident %s: %w", id, incident.ErrNotFound)
	}
	r.Body = bytes.Clone(r.Body)
	return r, nil
}

func (t *incidentStore) List(_ context.Context, after string, limit int) ([]incident.Record, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	i, found := slices.BinarySearch(st.ids, after)
	if found {
		i++
	}
	var out []incident.Record
	for _, id := range st.ids[i:] {
		if len(out) >= limit {
			break
		}
		r := st.records[id]
		r.Body = bytes.Clone(r.Body)
		out = append(out, r)
	}
	return out, nil
}

func (t *incidentStore) Update(_ context.Context, r incident.Record, e incident.Entry) error {
	st, unlock, err := t.lock()
	if err != nil {
		return err
	}
	defer unlock()
	cur, ok := st.records[r.ID]
	if !ok {
		return fmt.Errorf("memstore: incident %s: %w", r.ID, incident.ErrNotFound)
	}
	tl := st.timeline[r.ID]
	if cur.Version != r.Version-1 || e.Seq != tl[len(tl)-1].Seq+1 {
		return fmt.Errorf("memstore: incident %s: %w", r.ID, incident.ErrConflict)
	}
	for _, x := range tl {
		if x.Key == e.Key {
			return fmt.Errorf("memstore: incident %s step key: %w", r.ID, incident.ErrConflict)
		}
	}
	r.Body = bytes.Clone(r.Body)
	st.records[r.ID] = r
	st.timeline[r.ID] = append(tl, e)
	return nil
}

func (t *incidentStore) Timeline(_ context.Context, id string, from int64, limit int) ([]incident.Entry, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []incident.Entry
	for _, e := range st.timeline[id] {
		if e.Seq >= from && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (t *incidentStore) EntryByKey(_ context.Context, id, key string) (incident.Entry, bool, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return incident.Entry{}, false, err
	}
	defer unlock()
	for _, e := range st.timeline[id] {
		if e.Key == key {
			return e, true, nil
		}
	}
	return incident.Entry{}, false, nil
}

func (t *incidentStore) AddAffected(_ context.Context, id string, subjects []custos.SubjectID) (int64, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return 0, err
	}
	defer unlock()
	if _, ok := st.records[id]; !ok {
		return 0, fmt.Errorf("memstore: incident %s: %w", id, incident.ErrNotFound)
	}
	set := st.affected[id]
	if set == nil {
		set = &sorted[custos.SubjectID]{}
		st.affected[id] = set
	}
	for _, s := range subjects {
		set.add(s)
	}
	return int64(len(set.set)), nil
}

func (t *incidentStore) Affected(_ context.Context, id string, after custos.SubjectID, limit int) ([]custos.SubjectID, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	set := st.affected[id]
	if set == nil {
		return nil, nil
	}
	return set.after(after, limit), nil
}

func (t *incidentStore) Revoke(_ context.Context, r incident.Revocation) error {
	st, unlock, err := t.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := st.revocations[r.Actor]; !ok {
		st.revocations[r.Actor] = r
	}
	return nil
}

func (t *incidentStore) Revoked(_ context.Context, actor string) (incident.Revocation, bool, error) {
	st, unlock, err := t.lock()
	if err != nil {
		return incident.Revocation{}, false, err
	}
	defer unlock()
	r, ok := st.revocations[actor]
	return r, ok, nil
}
