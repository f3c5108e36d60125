package memstore

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
)

// retentionState is what the Store holds for retention.Store, under the
// Store's lock.
type retentionState struct {
	clocks       map[custos.SubjectID]map[string]retention.Clock // subject → rule → clock
	due          sorted[string]                                  // dueKey of every clock
	destructions map[string]retention.Destruction
	destroyed    sorted[string]
	holds        map[string]retention.Hold
	holdIDs      sorted[string]
	mark         time.Time
	reviews      map[custos.SubjectID]map[string]retention.Review // subject → record type → review
	reviewDue    sorted[string]                                   // reviewKey of every review
}

func newRetentionState() *retentionState {
	return &retentionState{
		clocks:       map[custos.SubjectID]map[string]retention.Clock{},
		destructions: map[string]retention.Destruction{},
		holds:        map[string]retention.Hold{},
		reviews:      map[custos.SubjectID]map[string]retention.Review{},
	}
}

// dueKey encodes a DueKey so that keys sort like DueKeys: Next as a fixed
// width big-endian number, then subject and rule after NUL bytes, which
// neither contains.
func dueKey(k retention.DueKey) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(k.Next.UnixMicro())^(1<<63))
	return string(b[:]) + "\x00" + string(k.Subject) + "\x00" + k.Rule
}

func clockKey(c retention.Clock) string {
	return dueKey(retention.DueKey{Next: c.Next, Subject: c.Subject, Rule: c.Rule})
}

// Retention returns the Store as a retention.Store.
func (s *Store) Retention() retention.Store { return (*retentionStore)(s) }

type retentionStore Store

var _ retention.Store = (*retentionStore)(nil)

func (r *retentionStore) PutClock(_ context.Context, c retention.Clock) (bool, error) {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return false, err
	}
	defer unlock()
	st := s.retention
	old, ok := st.clocks[c.Subject][c.Rule]
	if ok && old.Started.After(c.Started) {
		return false, nil
	}
	if ok {
		st.due.remove(clockKey(old))
	}
	if st.clocks[c.Subject] == nil {
		st.clocks[c.Subject] = map[string]retention.Clock{}
	}
	st.clocks[c.Subject][c.Rule] = c
	st.due.add(clockKey(c))
	return true, nil
}

func (r *retentionStore) SetNext(_ context.Context, subject custos.SubjectID, rule string, started, next time.Time) error {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.retention
	c, ok := st.clocks[subject][rule]
	switch {
	case !ok:
		return retention.ErrNotFound
	case !c.Started.Equal(started):
		return retention.ErrConflict
	}
	st.due.remove(clockKey(c))
	c.Next = next
	st.clocks[subject][rule] = c
	st.due.add(clockKey(c))
	return nil
}

func (r *retentionStore) Clocks(_ context.Context, subject custos.SubjectID) ([]retention.Clock, error) {
	s := (*Store)(r)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []retention.Clock
	for _, c := range s.retention.clocks[subject] {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b retention.Clock) int { return strings.Compare(a.Rule, b.Rule) })
	return out, nil
}

func (r *retentionStore) DueClocks(_ context.Context, at time.Time, after retention.DueKey, limit int) ([]retention.Clock, error) {
	s := (*Store)(r)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := s.retention
	var out []retention.Clock
	from := ""
	if after != (retention.DueKey{}) {
		from = dueKey(after)
	}
	for len(out) < limit {
		keys := st.due.after(from, limit-len(out))
		if len(keys) == 0 {
			break
		}
		for _, k := range keys {
			parts := strings.SplitN(k[9:], "\x00", 2)
			c := st.clocks[custos.SubjectID(parts[0])][parts[1]]
			if c.Next.After(at) {
				return out, nil
			}
			out = append(out, c)
		}
		from = keys[len(keys)-1]
	}
	return out, nil
}

func (r *retentionStore) DeleteClocks(_ context.Context, subject custos.SubjectID) (int, error) {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return 0, err
	}
	defer unlock()
	return s.retention.deleteClocks(subject), nil
}

func (st *retentionState) deleteClocks(subject custos.SubjectID) int {
	n := len(st.clocks[subject])
	for _, c := range st.clocks[subject] {
		st.due.remove(clockKey(c))
	}
	delete(st.clocks, subject)
	for _, rv := range st.reviews[subject] {
		st.reviewDue.remove(reviewKey(rv))
	}
	delete(st.reviews, subject)
	return n
}

func (r *retentionStore) Destroyed(_ context.Context, subject custos.SubjectID, d retention.Destruction) error {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.retention
	if _, ok := st.destructions[d.Ref]; ok {
		return retention.ErrConflict
	}
	st.destructions[d.Ref] = cloneDestruction(d)
	st.destroyed.add(d.Ref)
	st.deleteClocks(subject)
	return nil
}

func cloneDestruction(d retention.Destruction) retention.Destruction {
	d.Rules = slices.Clone(d.Rules)
	d.Certificate = slices.Clone(d.Certificate)
	return d
}

func (r *retentionStore) GetDestruction(_ context.Context, ref string) (retention.Destruction, error) {
	s := (*Store)(r)
	unlock, err := s.read()
	if err != nil {
		return retention.Destruction{}, err
	}
	defer unlock()
	d, ok := s.retention.destructions[ref]
	if !ok {
		return retention.Destruction{}, retention.ErrNotFound
	}
	return cloneDestruction(d), nil
}

func (r *retentionStore) Destructions(_ context.Context, after string, limit int) ([]retention.Destruction, error) {
	s := (*Store)(r)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []retention.Destruction
	for _, ref := range s.retention.destroyed.after(after, limit) {
		out = append(out, cloneDestruction(s.retention.destructions[ref]))
	}
	return out, nil
}

func cloneHold(h retention.Hold) retention.Hold {
	h.Subjects = slices.Clone(h.Subjects)
	h.RecordTypes = slices.Clone(h.RecordTypes)
	return h
}

func (r *retentionStore) PutHold(_ context.Context, h retention.Hold) error {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.retention.holds[h.ID]; ok {
		return retention.ErrConflict
	}
	s.retention.holds[h.ID] = cloneHold(h)
	s.retention.holdIDs.add(h.ID)
	return nil
}

func (r *retentionStore) GetHold(_ context.Context, id string) (retention.Hold, error) {
	s := (*Store)(r)
	unlock, err := s.read()
	if err != nil {
		return retention.Hold{}, err
	}
	defer unlock()
	h, ok := s.retention.holds[id]
	if !ok {
		return retention.Hold{}, retention.ErrNotFound
	}
	return cloneHold(h), nil
}

func (r *retentionStore) ReleaseHold(_ context.Context, id string, at time.Time, by string) error {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	h, ok := s.retention.holds[id]
	switch {
	case !ok:
		return retention.ErrNotFound
	case !h.Released.IsZero():
		return retention.ErrConflict
	}
	h.Released, h.ReleasedBy = at, by
	s.retention.holds[id] = h
	return nil
}

func (r *retentionStore) Holds(_ context.Context, subject custos.SubjectID, at time.Time) ([]retention.Hold, error) {
	s := (*Store)(r)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []retention.Hold
	for _, id := range s.retention.holdIDs.after("", len(s.retention.holds)) {
		h := s.retention.holds[id]
		inForce := !h.Start.After(at) && (h.End.IsZero() || h.End.After(at)) && h.Released.IsZero()
		if inForce && (len(h.Subjects) == 0 || slices.Contains(h.Subjects, subject)) {
			out = append(out, cloneHold(h))
		}
	}
	return out, nil
}

func (r *retentionStore) SweepMark(_ context.Context) (time.Time, error) {
	s := (*Store)(r)
	unlock, err := s.read()
	if err != nil {
		return time.Time{}, err
	}
	defer unlock()
	return s.retention.mark, nil
}

func (r *retentionStore) AdvanceSweep(_ context.Context, at time.Time) error {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if s.retention.mark.After(at) {
		return retention.ErrConflict
	}
	s.retention.mark = at
	return nil
}

func (r *retentionStore) ListHolds(_ context.Context, after string, limit int) ([]retention.Hold, error) {
	s := (*Store)(r)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []retention.Hold
	for _, id := range s.retention.holdIDs.after(after, limit) {
		out = append(out, cloneHold(s.retention.holds[id]))
	}
	return out, nil
}

// reviewKey encodes a ReviewKey like dueKey a DueKey.
func reviewKey(rv retention.Review) string {
	return dueKey(retention.DueKey{Next: rv.Due, Subject: rv.Subject, Rule: rv.RecordType})
}

func (r *retentionStore) PutReview(_ context.Context, rv retention.Review) (bool, error) {
	s := (*Store)(r)
	unlock, err := s.write()
	if err != nil {
		return false, err
	}
	defer unlock()
	st := s.retention
	old, ok := st.reviews[rv.Subject][rv.RecordType]
	if ok && old.Reviewed.After(rv.Reviewed) {
		return false, nil
	}
	if ok {
		st.reviewDue.remove(reviewKey(old))
	}
	if st.reviews[rv.Subject] == nil {
		st.reviews[rv.Subject] = map[string]retention.Review{}
	}
	st.reviews[rv.Subject][rv.RecordType] = rv
	st.reviewDue.add(reviewKey(rv))
	return true, nil
}

func (r *retentionStore) Reviews(_ context.Context, subject custos.SubjectID) ([]retention.Review, error) {
	s := (*Store)(r)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []retention.Review
	for _, rv := range s.retention.reviews[subject] {
		out = append(out, rv)
	}
	slices.SortFunc(out, func(a, b retention.Review) int { return strings.Compare(a.RecordType, b.RecordType) })
	return out, nil
}

func (r *retentionStore) DueReviews(_ context.Context, at time.Time, after retention.ReviewKey, limit int) ([]retention.Review, error) {
	s := (*Store)(r)
	unlock, err := s.write() // sorted.after may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := s.retention
	from := ""
	if after != (retention.ReviewKey{}) {
		from = reviewKey(retention.Review{Due: after.Due, Subject: after.Subject, RecordType: after.RecordType})
	}
	var out []retention.Review
	for _, k := range st.reviewDue.after(from, limit) {
		parts := strings.SplitN(k[9:], "\x00", 2)
		rv := st.reviews[custos.SubjectID(parts[0])][parts[1]]
		if rv.Due.After(at) {
			break
		}
		out = append(out, rv)
	}
	return out, nil
}
