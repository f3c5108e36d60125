package audit_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

const origin = "audit.test.example/custos"

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday

var (
	_ audit.Keys         = (*keys.Keyring)(nil)
	_ audit.Store        = (*sliceStore)(nil)
	_ custosRecorderLike = (*audit.Log)(nil)
)

// custosRecorderLike is the vault's Recorder, restated so that this file
// does not need the vault; vault_test.go checks the real one.
type custosRecorderLike interface {
	Record(ctx context.Context, e custos.Event) error
}

// newKeyring returns a key ring over an in-memory store with a fresh
// development KEK.
func newKeyring(t testing.TB) *keys.Keyring {
	t.Helper()
	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	db := memstore.New()
	kr, err := keys.New(context.Background(), keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	require.NoError(t, err)
	return kr
}

// newLog opens a Log over s, closed when the test ends.
func newLog(t testing.TB, s audit.Store, kr audit.Keys, mod ...func(*audit.Config)) *audit.Log {
	t.Helper()
	cfg := audit.Config{Store: s, Keys: kr, Origin: origin, Clock: func() time.Time { return t0 }}
	for _, m := range mod {
		m(&cfg)
	}
	l, err := audit.New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

// event returns the i-th synthetic event: three clerks reading seven
// customers, one second apart.
func event(i int) custos.Event {
	return custos.Event{
		Time:       t0.Add(time.Duration(i) * time.Second),
		Action:     custos.ActionGet,
		Access:     custos.Access{Actor: custos.Actor{ID: fmt.Sprintf("clerk-%d", i%3), Role: "clerk"}, Purpose: "servicing", RequestID: fmt.Sprintf("req-%d", i)},
		Basis:      custos.BasisContract,
		Subject:    custos.SubjectID(fmt.Sprintf("C%d", i%7)),
		RecordType: "customer", Fields: []string{"mobile", "name"},
		Outcome: custos.OutcomeAllowed,
	}
}

// appendN appends events from..to-1 in order.
func appendN(t testing.TB, l *audit.Log, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		_, err := l.Append(context.Background(), event(i))
		require.NoError(t, err)
	}
}

// sliceStore is an audit.Store over plain slices that tests tamper with
// directly, as an administrator with write access to the database could.
type sliceStore struct {
	mu          sync.Mutex
	leaves      []audit.Leaf
	head        audit.Head
	checkpoints []audit.SavedCheckpoint
	key         *audit.SigningKey
	failAppend  error
	appends     int
}

// copyStore copies everything s holds.
func copyStore(t testing.TB, s audit.Store) *sliceStore {
	t.Helper()
	ctx := context.Background()
	c := &sliceStore{}
	var err error
	c.head, err = s.Head(ctx)
	require.NoError(t, err)
	for from := uint64(0); ; {
		page, err := s.ReadLeaves(ctx, from, 500)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		c.leaves = append(c.leaves, page...)
		from = page[len(page)-1].Index + 1
	}
	c.checkpoints, err = s.ScanCheckpoints(ctx, 0, 1<<20)
	require.NoError(t, err)
	if k, err := s.SigningKey(ctx); err == nil {
		c.key = &k
	}
	return c
}

func (s *sliceStore) Append(ctx context.Context, extend audit.Extend) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appends++
	if s.failAppend != nil {
		return s.failAppend
	}
	b, err := extend(ctx, s.head, lockedSlice{s})
	if err != nil {
		return err
	}
	if err := audit.CheckBatch(s.head.Size, b); err != nil {
		return err
	}
	s.leaves = append(s.leaves, b.Leaves...)
	s.head = b.Head
	return nil
}

// lockedSlice reads a sliceStore's hashes while Append holds its lock.
type lockedSlice struct{ s *sliceStore }

func (r lockedSlice) ReadHashes(_ context.Context, indexes []uint64) ([][]byte, error) {
	return r.s.hashes(indexes)
}

func (s *sliceStore) Head(context.Context) (audit.Head, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head, nil
}

func (s *sliceStore) ReadLeaves(_ context.Context, from uint64, limit int) ([]audit.Leaf, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []audit.Leaf
	for _, l := range s.leaves {
		if l.Index >= from && len(out) < limit {
			out = append(out, l)
		}
	}
	return out, nil
}

func (s *sliceStore) ReadHashes(_ context.Context, indexes []uint64) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hashes(indexes)
}

func (s *sliceStore) hashes(indexes []uint64) ([][]byte, error) {
	out := make([][]byte, len(indexes))
	for i, x := range indexes {
		j := slices.IndexFunc(s.leaves, func(l audit.Leaf) bool { return l.Index == x })
		if j < 0 {
			return nil, audit.ErrNotFound
		}
		out[i] = s.leaves[j].Hashes
	}
	return out, nil
}

func (s *sliceStore) SaveCheckpoint(_ context.Context, c audit.SavedCheckpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.checkpoints {
		if x.Size == c.Size {
			return nil
		}
	}
	s.checkpoints = append(s.checkpoints, c)
	slices.SortFunc(s.checkpoints, func(a, b audit.SavedCheckpoint) int { return int(a.Size) - int(b.Size) })
	return nil
}

func (s *sliceStore) ScanCheckpoints(_ context.Context, from uint64, limit int) ([]audit.SavedCheckpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []audit.SavedCheckpoint
	for _, c := range s.checkpoints {
		if c.Size >= from && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *sliceStore) CreateSigningKey(_ context.Context, k audit.SigningKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return audit.ErrExists
	}
	s.key = &k
	return nil
}

func (s *sliceStore) SigningKey(context.Context) (audit.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		return audit.SigningKey{}, audit.ErrNotFound
	}
	return *s.key, nil
}

// clone returns an independent copy of the leaves, so a test can tamper
// with one copy.
func (s *sliceStore) clone() *sliceStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &sliceStore{head: s.head, key: s.key, checkpoints: slices.Clone(s.checkpoints)}
	for _, l := range s.leaves {
		c.leaves = append(c.leaves, audit.Leaf{Index: l.Index, Entry: slices.Clone(l.Entry), Hashes: slices.Clone(l.Hashes)})
	}
	return c
}

func osDirFS(dir string) fs.FS { return os.DirFS(dir) }
