package memstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/custos-go/custos/audit"
)

// auditState is the in-memory audit log: leaves in index order, the head,
// the checkpoint history and the signing key.
type auditState struct {
	mu          sync.RWMutex
	leaves      []audit.Leaf
	head        audit.Head
	checkpoints []audit.SavedCheckpoint // ascending Size
	signer      *audit.SigningKey
	lookup      auditIndex
}

func newAuditState() *auditState { return &auditState{} }

type auditStore Store

var _ audit.Store = (*auditStore)(nil)

// Audit returns the Store as an audit.Store.
func (s *Store) Audit() audit.Store { return (*auditStore)(s) }

// lock checks that the Store is open and locks the audit state.
func (a *auditStore) lock(write bool) (*auditState, func(), error) {
	s := (*Store)(a)
	unlock, err := s.read()
	if err != nil {
		return nil, nil, err
	}
	unlock() // the audit state has its own lock; only closedness is checked
	st := s.audit
	if write {
		st.mu.Lock()
		return st, st.mu.Unlock, nil
	}
	st.mu.RLock()
	return st, st.mu.RUnlock, nil
}

// Append holds the audit state's write lock while extend builds the batch,
// so appends take turns.
func (a *auditStore) Append(ctx context.Context, extend audit.Extend) error {
	st, unlock, err := a.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	head := audit.Head{Size: st.head.Size, Checkpoint: bytes.Clone(st.head.Checkpoint)}
	b, err := extend(ctx, head, lockedHashes{st})
	if err != nil {
		return err
	}
	if uint64(len(st.leaves)) != st.head.Size {
		return fmt.Errorf("memstore: audit state holds %d leaves under a head of %d", len(st.leaves), st.head.Size)
	}
	if err := audit.CheckBatch(st.head.Size, b); err != nil {
		return err
	}
	for _, l := range b.Leaves {
		l.Lookup.Ref = bytes.Clone(l.Lookup.Ref)
		st.leaves = append(st.leaves, l)
		st.index(l)
	}
	st.head = b.Head
	return nil
}

// lockedHashes reads hashes while Append holds the lock.
type lockedHashes struct{ st *auditState }

func (r lockedHashes) ReadHashes(_ context.Context, indexes []uint64) ([][]byte, error) {
	return r.st.hashes(indexes)
}

func (st *auditState) hashes(indexes []uint64) ([][]byte, error) {
	out := make([][]byte, len(indexes))
	for i, x := range indexes {
		if x >= uint64(len(st.leaves)) {
			return nil, fmt.Errorf("memstore: leaf %d: %w", x, audit.ErrNotFound)
		}
		out[i] = bytes.Clone(st.leaves[x].Hashes)
	}
	return out, nil
}

func (a *auditStore) Head(context.Context) (audit.Head, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return audit.Head{}, err
	}
	defer unlock()
	return audit.Head{Size: st.head.Size, Checkpoint: bytes.Clone(st.head.Checkpoint)}, nil
}

func (a *auditStore) ReadLeaves(_ context.Context, from uint64, limit int) ([]audit.Leaf, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if from >= uint64(len(st.leaves)) || limit <= 0 {
		return nil, nil
	}
	end := min(uint64(len(st.leaves)), from+uint64(limit))
	out := make([]audit.Leaf, 0, end-from)
	for _, l := range st.leaves[from:end] {
		out = append(out, audit.Leaf{Index: l.Index, Entry: bytes.Clone(l.Entry), Hashes: bytes.Clone(l.Hashes)})
	}
	return out, nil
}

func (a *auditStore) ReadHashes(_ context.Context, indexes []uint64) ([][]byte, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return st.hashes(indexes)
}

func (a *auditStore) SaveCheckpoint(_ context.Context, c audit.SavedCheckpoint) error {
	st, unlock, err := a.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	i, found := slices.BinarySearchFunc(st.checkpoints, c.Size, func(x audit.SavedCheckpoint, size uint64) int {
		return cmpSize(x.Size, size)
	})
	if !found {
		st.checkpoints = slices.Insert(st.checkpoints, i, c)
	}
	return nil
}

func (a *auditStore) ScanCheckpoints(_ context.Context, from uint64, limit int) ([]audit.SavedCheckpoint, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	i, _ := slices.BinarySearchFunc(st.checkpoints, from, func(x audit.SavedCheckpoint, size uint64) int {
		return cmpSize(x.Size, size)
	})
	end := min(len(st.checkpoints), i+max(limit, 0))
	out := make([]audit.SavedCheckpoint, 0, end-i)
	for _, c := range st.checkpoints[i:end] {
		c.Checkpoint = bytes.Clone(c.Checkpoint)
		out = append(out, c)
	}
	return out, nil
}

func (a *auditStore) CreateSigningKey(_ context.Context, k audit.SigningKey) error {
	st, unlock, err := a.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	if st.signer != nil {
		return audit.ErrExists
	}
	st.signer = &k
	return nil
}

func (a *auditStore) SigningKey(context.Context) (audit.SigningKey, error) {
	st, unlock, err := a.lock(false)
	if err != nil {
		return audit.SigningKey{}, err
	}
	defer unlock()
	if st.signer == nil {
		return audit.SigningKey{}, audit.ErrNotFound
	}
	k := *st.signer
	k.Wrapped = bytes.Clone(k.Wrapped)
	return k, nil
}

func cmpSize(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
