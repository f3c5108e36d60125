package memstore

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos/rights"
)

// rightsState is what the Store holds for rights.Store, under the Store's
// lock.
type rightsState struct {
	requests map[string]rights.Request
	history  map[string][]rights.Entry
	ids      sorted[string]
	due      sorted[string] // rightsDueKey of every open request
	subjects sorted[string] // rightsSubjectKey of every request
}

func newRightsState() *rightsState {
	return &rightsState{requests: map[string]rights.Request{}, history: map[string][]rights.Entry{}}
}

// rightsDueKey encodes a DueKey so that keys sort like DueKeys: Due as a
// fixed-width big-endian number, then the ID after a NUL byte, which an ID
// does not contain.
func rightsDueKey(k rights.DueKey) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(k.Due.UnixMicro())^(1<<63))
	return string(b[:]) + "\x00" + k.ID
}

// rightsSubjectKey files a request under its SubjectKey, then its ID
// after a NUL byte, which neither contains.
func rightsSubjectKey(r rights.Request) string { return r.SubjectKey() + "\x00" + r.ID }

// Rights returns the Store as a rights.Store.
func (s *Store) Rights() rights.Store { return (*rightsStore)(s) }

type rightsStore Store

var _ rights.Store = (*rightsStore)(nil)

func cloneRequest(r rights.Request) rights.Request {
	r.Fields, r.Purposes = slices.Clone(r.Fields), slices.Clone(r.Purposes)
	return r
}

func (m *rightsStore) Create(_ context.Context, r rights.Request, e rights.Entry) (rights.Request, bool, error) {
	s := (*Store)(m)
	unlock, err := s.write()
	if err != nil {
		return rights.Request{}, false, err
	}
	defer unlock()
	st := s.rights
	if old, ok := st.requests[r.ID]; ok {
		return cloneRequest(old), false, nil
	}
	r = cloneRequest(r)
	r.Version = 1
	st.requests[r.ID] = r
	st.history[r.ID] = []rights.Entry{e}
	st.ids.add(r.ID)
	st.subjects.add(rightsSubjectKey(r))
	if r.Open() {
		st.due.add(rightsDueKey(rights.DueKey{Due: r.Due, ID: r.ID}))
	}
	return cloneRequest(r), true, nil
}

func (m *rightsStore) Get(_ context.Context, id string) (rights.Request, error) {
	s := (*Store)(m)
	unlock, err := s.read()
	if err != nil {
		return rights.Request{}, err
	}
	defer unlock()
	r, ok := s.rights.requests[id]
	if !ok {
		return rights.Request{}, rights.ErrNotFound
	}
	return cloneRequest(r), nil
}

func (m *rightsStore) Advance(_ context.Context, r rights.Request, e rights.Entry) error {
	s := (*Store)(m)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.rights
	old, ok := st.requests[r.ID]
	switch {
	case !ok:
		return rights.ErrNotFound
	case old.Version != r.Version-1 || e.Seq != r.Version:
		return rights.ErrConflict
	}
	if old.Open() {
		st.due.remove(rightsDueKey(rights.DueKey{Due: old.Due, ID: old.ID}))
	}
	if old.SubjectKey() != r.SubjectKey() {
		st.subjects.remove(rightsSubjectKey(old))
		st.subjects.add(rightsSubjectKey(r))
	}
	st.requests[r.ID] = cloneRequest(r)
	st.history[r.ID] = append(st.history[r.ID], e)
	if r.Open() {
		st.due.add(rightsDueKey(rights.DueKey{Due: r.Due, ID: r.ID}))
	}
	return nil
}

func (m *rightsStore) History(_ context.Context, id string) ([]rights.Entry, error) {
	s := (*Store)(m)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	h, ok := s.rights.history[id]
	if !ok {
		return nil, rights.ErrNotFound
	}
	return slices.Clone(h), nil
}

func (m *rightsStore) Due(_ context.Context, until time.Time, after rights.DueKey, limit int) ([]rights.Request, error) {
	s := (*Store)(m)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := s.rights
	from := ""
	if after != (rights.DueKey{}) {
		from = rightsDueKey(after)
	}
	var out []rights.Request
	for _, k := range st.due.after(from, limit) {
		r := st.requests[k[9:]]
		if r.Due.After(until) {
			break
		}
		out = append(out, cloneRequest(r))
	}
	return out, nil
}

func (m *rightsStore) List(_ context.Context, after string, limit int) ([]rights.Request, error) {
	s := (*Store)(m)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []rights.Request
	for _, id := range s.rights.ids.after(after, limit) {
		out = append(out, cloneRequest(s.rights.requests[id]))
	}
	return out, nil
}

func (m *rightsStore) OfSubject(_ context.Context, key string, after string, limit int) ([]rights.Request, error) {
	s := (*Store)(m)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	prefix := key + "\x00"
	var out []rights.Request
	for _, k := range s.rights.subjects.after(prefix+after, limit) {
		id, ok := strings.CutPrefix(k, prefix)
		if !ok {
			break
		}
		out = append(out, cloneRequest(s.rights.requests[id]))
	}
	return out, nil
}
