package memstore

import (
	"bytes"
	"context"
	"slices"

	"github.com/custos-go/custos/audit"
)

var _ audit.IndexedStore = (*auditStore)(nil)

// auditIndex holds the audit log's lookup indexes: per actor, role,
// credential and instance the leaf indexes in (time, index) order, per
// customer reference the leaf indexes in index order, and the reference
// periods in order of first use.
type auditIndex struct {
	byActor      map[string][]uint64
	byRole       map[string][]uint64
	byCredential map[string][]uint64
	byInstance   map[string][]uint64
	byRef        map[string][]uint64
	periods      []string
	seen         map[string]bool
}

func refKey(period string, ref []byte) string { return period + "\x00" + string(ref) }

// add indexes leaf, whose Lookup keys st.leaves already holds.
func (st *auditState) index(l audit.Leaf) {
	ix := &st.lookup
	if ix.byActor == nil {
		ix.byActor, ix.byRole, ix.byRef, ix.seen = map[string][]uint64{}, map[string][]uint64{}, map[string][]uint64{}, map[string]bool{}
		ix.byCredential, ix.byInstance = map[string][]uint64{}, map[string][]uint64{}
	}
	ix.byActor[l.Lookup.Actor] = st.insertByTime(ix.byActor[l.Lookup.Actor], l)
	ix.byRole[string(l.Lookup.Role)] = st.insertByTime(ix.byRole[string(l.Lookup.Role)], l)
	if c := l.Lookup.Credential; c != "" {
		ix.byCredential[c] = st.insertByTime(ix.byCredential[c], l)
	}
	if in := l.Lookup.Instance; in != "" {
		ix.byInstance[in] = st.insertByTime(ix.byInstance[in], l)
	}
	if l.Lookup.Period != "" || len(l.Lookup.Ref) > 0 {
		k := refKey(l.Lookup.Period, l.Lookup.Ref)
		ix.byRef[k] = append(ix.byRef[k], l.Index)
		if !ix.seen[l.Lookup.Period] {
			ix.seen[l.Lookup.Period] = true
			ix.periods = append(ix.periods, l.Lookup.Period)
		}
	}
}

func (st *auditState) position(i uint64) audit.Position {
	return audit.Position{Time: st.leaves[i].Lookup.Time, Index: i}
}

func (st *auditState) cmpPosition(i uint64, p audit.Position) int {
	switch at := st.position(i); {
	case at.Before(p):
		return -1
	case p.Before(at):
		return 1
	}
	return 0
}

func (st *auditState) insertByTime(list []uint64, l audit.Leaf) []uint64 {
	i, _ := slices.BinarySearchFunc(list, audit.Position{Time: l.Lookup.Time, Index: l.Index}, st.cmpPosition)
	return slices.Insert(list, i, l.Index)
}

func (st *auditState) leafWithKeys(i uint64) audit.Leaf {
	l := st.leaves[i]
	l.Entry, l.Hashes, l.Lookup.Ref = bytes.Clone(l.Entry), bytes.Clone(l.Hashes), bytes.Clone(l.Lookup.Ref)
	return l
}

func (a *auditStore) ActorLeaves(_ context.Context, q audit.ActorLookup, from audit.Position, limit int) ([]audit.Leaf, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if limit <= 0 || !q.Keyed() {
		return nil, nil
	}
	var list []uint64
	switch {
	case q.Actor != "":
		list = st.lookup.byActor[q.Actor]
	case q.Credential != "":
		list = st.lookup.byCredential[q.Credential]
	case q.Instance != "":
		list = st.lookup.byInstance[q.Instance]
	default:
		list = st.lookup.byRole[string(q.Role)]
	}
	if from.Before(audit.Position{Time: q.Since}) {
		from = audit.Position{Time: q.Since}
	}
	i, _ := slices.BinarySearchFunc(list, from, st.cmpPosition)
	var out []audit.Leaf
	for _, x := range list[i:] {
		k := st.leaves[x].Lookup
		if !q.Until.IsZero() && !k.Time.Before(q.Until) {
			break
		}
		if !q.Matches(k) {
			continue
		}
		out = append(out, st.leafWithKeys(x))
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func (a *auditStore) RefLeaves(_ context.Context, period string, ref []byte, from uint64, limit int) ([]audit.Leaf, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if limit <= 0 || len(ref) == 0 {
		return nil, nil
	}
	list := st.lookup.byRef[refKey(period, ref)]
	i, _ := slices.BinarySearch(list, from)
	var out []audit.Leaf
	for _, x := range list[i:min(len(list), i+limit)] {
		out = append(out, st.leafWithKeys(x))
	}
	return out, nil
}

func (a *auditStore) RefPeriods(context.Context) ([]string, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return slices.Clone(st.lookup.periods), nil
}
