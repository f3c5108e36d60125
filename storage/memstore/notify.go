package memstore

import (
	"container/heap"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// notifyState is what the Store holds for notify.Store, under the Store's
// lock.
type notifyState struct {
	messages map[string]notify.Stored
	byKey    map[string]string
	attempts map[string][]notify.Attempt
	// due orders the pending and claimed messages by when they are next
	// due (NextAt, or LeaseUntil while claimed); entries whose time is no
	// longer the message's are skipped when popped.
	due dueHeap
}

func newNotifyState() *notifyState {
	return &notifyState{messages: map[string]notify.Stored{}, byKey: map[string]string{}, attempts: map[string][]notify.Attempt{}}
}

// Notify returns the Store as a notify.Store.
func (s *Store) Notify() notify.Store { return (*notifyStore)(s) }

type notifyStore Store

var _ notify.Store = (*notifyStore)(nil)

func cloneMessage(m notify.Stored) notify.Stored {
	m.Params = maps.Clone(m.Params)
	return m
}

func (n *notifyStore) Enqueue(_ context.Context, m notify.Stored) (notify.Stored, bool, error) {
	s := (*Store)(n)
	unlock, err := s.write()
	if err != nil {
		return notify.Stored{}, false, err
	}
	defer unlock()
	st := s.notify
	if id, ok := st.byKey[m.Key]; ok {
		return cloneMessage(st.messages[id]), false, nil
	}
	st.messages[m.ID] = cloneMessage(m)
	st.byKey[m.Key] = m.ID
	heap.Push(&st.due, dueEntry{at: m.NextAt, id: m.ID})
	return cloneMessage(m), true, nil
}

func (n *notifyStore) Get(_ context.Context, id string) (notify.Stored, error) {
	s := (*Store)(n)
	unlock, err := s.read()
	if err != nil {
		return notify.Stored{}, err
	}
	defer unlock()
	m, ok := s.notify.messages[id]
	if !ok {
		return notify.Stored{}, notify.ErrNotFound
	}
	return cloneMessage(m), nil
}

// dueAt is when an active message is next due, and whether it is active.
func dueAt(m notify.Stored) (time.Time, bool) {
	switch m.State {
	case notify.StatePending:
		return m.NextAt, true
	case notify.StateClaimed:
		return m.LeaseUntil, true
	}
	return time.Time{}, false
}

func (n *notifyStore) Claim(_ context.Context, c notify.Claim) ([]notify.Stored, error) {
	s := (*Store)(n)
	unlock, err := s.write()
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := s.notify
	var out []notify.Stored
	for len(out) < c.Limit && st.due.Len() > 0 && !st.due[0].at.After(c.Now) {
		e := heap.Pop(&st.due).(dueEntry)
		m, ok := st.messages[e.id]
		if at, active := dueAt(m); !ok || !active || !at.Equal(e.at) {
			continue // stale entry
		}
		if m.State == notify.StateClaimed {
			st.abandon(m.ID, c.Now)
		}
		m.State, m.Owner, m.LeaseUntil, m.Updated = notify.StateClaimed, c.Owner, c.Until, c.Now
		m.Attempts++
		st.messages[m.ID] = m
		st.attempts[m.ID] = append(st.attempts[m.ID], notify.Attempt{
			Message: m.ID, N: m.Attempts, Owner: c.Owner, Channel: m.Channel, Started: c.Now, Result: notify.ResultInFlight,
		})
		heap.Push(&st.due, dueEntry{at: m.LeaseUntil, id: m.ID})
		out = append(out, cloneMessage(m))
	}
	return out, nil
}

// abandon marks the in-flight attempts of a message abandoned.
func (st *notifyState) abandon(id string, now time.Time) {
	for i, a := range st.attempts[id] {
		if a.Result == notify.ResultInFlight {
			a.Result, a.Finished, a.Reason = notify.ResultAbandoned, now, "lease-expired"
			st.attempts[id][i] = a
		}
	}
}

func (n *notifyStore) Finish(_ context.Context, f notify.Finish) error {
	s := (*Store)(n)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.notify
	m, ok := st.messages[f.ID]
	if !ok || m.State != notify.StateClaimed || m.Owner != f.Owner || m.Attempts != f.N {
		return notify.ErrLeaseLost
	}
	as := st.attempts[f.ID]
	a := f.Attempt
	a.Message, a.N, a.Owner, a.Channel, a.Started = f.ID, f.N, f.Owner, as[f.N-1].Channel, as[f.N-1].Started
	as[f.N-1] = a
	m.State, m.Reason, m.Owner, m.LeaseUntil, m.Updated = f.State, f.Reason, "", time.Time{}, a.Finished
	if f.State == notify.StatePending {
		m.NextAt = f.NextAt
		heap.Push(&st.due, dueEntry{at: m.NextAt, id: m.ID})
	}
	st.messages[f.ID] = m
	return nil
}

func (n *notifyStore) Attempts(_ context.Context, id string) ([]notify.Attempt, error) {
	s := (*Store)(n)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, ok := s.notify.messages[id]; !ok {
		return nil, notify.ErrNotFound
	}
	return slices.Clone(s.notify.attempts[id]), nil
}

func (n *notifyStore) Counts(_ context.Context) (notify.Counts, error) {
	s := (*Store)(n)
	unlock, err := s.read()
	if err != nil {
		return notify.Counts{}, err
	}
	defer unlock()
	c := notify.Counts{ByState: map[notify.State]int{}}
	for _, m := range s.notify.messages {
		c.ByState[m.State]++
		if (m.State == notify.StatePending || m.State == notify.StateClaimed) && (c.OldestPending.IsZero() || m.Created.Before(c.OldestPending)) {
			c.OldestPending = m.Created
		}
	}
	return c, nil
}

// List scans every message: memstore is for tests and examples.
func (n *notifyStore) List(_ context.Context, state notify.State, after string, limit int) ([]notify.Stored, error) {
	s := (*Store)(n)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []notify.Stored
	for _, m := range s.notify.messages {
		if m.State == state && m.ID > after {
			out = append(out, cloneMessage(m))
		}
	}
	slices.SortFunc(out, func(a, b notify.Stored) int { return strings.Compare(a.ID, b.ID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (n *notifyStore) Retry(_ context.Context, id string, now time.Time) error {
	s := (*Store)(n)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	st := s.notify
	m, ok := st.messages[id]
	switch {
	case !ok:
		return notify.ErrNotFound
	case m.State != notify.StateDead:
		return notify.ErrNotDead
	}
	m.State, m.Reason, m.Base, m.NextAt, m.Updated = notify.StatePending, "", m.Attempts, now, now
	st.messages[id] = m
	heap.Push(&st.due, dueEntry{at: now, id: id})
	return nil
}

func (n *notifyStore) EraseSubject(_ context.Context, subject custos.SubjectID) (int, error) {
	s := (*Store)(n)
	unlock, err := s.write()
	if err != nil {
		return 0, err
	}
	defer unlock()
	st := s.notify
	removed := 0
	for id, m := range st.messages {
		if m.To.Subject == subject {
			delete(st.messages, id)
			delete(st.byKey, m.Key)
			delete(st.attempts, id)
			removed++
		}
	}
	return removed, nil
}

// dueEntry is one message's due time in the heap.
type dueEntry struct {
	at time.Time
	id string
}

// dueHeap is a min-heap of due entries, by time then id.
type dueHeap []dueEntry

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].id < h[j].id
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
