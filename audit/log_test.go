package audit_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

func TestNewValidatesConfig(t *testing.T) {
	kr := newKeyring(t)
	s := memstore.New().Audit()
	cases := map[string]audit.Config{
		"no store":          {Keys: kr, Origin: origin},
		"no keys":           {Store: s, Origin: origin},
		"no origin":         {Store: s, Keys: kr},
		"origin with space": {Store: s, Keys: kr, Origin: "audit log"},
		"origin with plus":  {Store: s, Keys: kr, Origin: "a+b"},
		"negative batch":    {Store: s, Keys: kr, Origin: origin, MaxBatch: -1},
		"unknown period":    {Store: s, Keys: kr, Origin: origin, Period: 7},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := audit.New(context.Background(), cfg)
			require.ErrorIs(t, err, audit.ErrConfig)
			_, err = s.SigningKey(context.Background())
			assert.ErrorIs(t, err, audit.ErrNotFound, "nothing was stored")
		})
	}
}

func TestAppendAndProofs(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	var saved [][]byte // a checkpoint after each append, as an auditor polling would keep
	for i := range 40 {
		idx, err := l.Append(ctx, event(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i), idx, "indexes are consecutive from 0")
		cp, err := l.Checkpoint(ctx)
		require.NoError(t, err)
		saved = append(saved, cp)
	}
	leaves := copyStore(t, s).leaves
	for _, cp := range saved {
		c, err := audit.OpenCheckpoint(cp, l.Verifier())
		require.NoError(t, err)
		for i := uint64(0); i < c.Size; i++ {
			p, err := l.InclusionProof(ctx, i, c.Size)
			require.NoError(t, err)
			_, err = audit.VerifyInclusion(cp, l.Verifier(), i, leaves[i].Entry, p)
			require.NoError(t, err, "entry %d in tree %d", i, c.Size)
			_, err = audit.VerifyInclusion(cp, l.Verifier(), i, leaves[(i+1)%40].Entry, p)
			require.ErrorIs(t, err, audit.ErrTampered, "another entry does not verify at %d", i)
		}
	}
	for a := range saved {
		for b := a; b < len(saved); b++ {
			ca, _ := audit.OpenCheckpoint(saved[a], l.Verifier())
			cb, _ := audit.OpenCheckpoint(saved[b], l.Verifier())
			p, err := l.ConsistencyProof(ctx, ca.Size, cb.Size)
			require.NoError(t, err)
			require.NoError(t, audit.VerifyConsistency(saved[a], saved[b], l.Verifier(), p), "%d -> %d", ca.Size, cb.Size)
			if a != b {
				assert.Error(t, audit.VerifyConsistency(saved[b], saved[a], l.Verifier(), p), "reversed")
			}
		}
	}
	_, err := l.InclusionProof(ctx, 3, 41)
	assert.ErrorIs(t, err, audit.ErrNotFound, "a tree larger than the log")
}

func TestEntriesHoldNoPersonalData(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	const subject = "customer-0008-secret"
	e := event(0)
	e.Subject = subject
	_, err := l.Append(ctx, e)
	require.NoError(t, err)
	leaf := copyStore(t, s).leaves[0]
	assert.NotContains(t, string(leaf.Entry), subject)
	got, err := audit.ParseEntry(leaf.Entry)
	require.NoError(t, err)
	assert.Len(t, got.Ref, audit.RefSize)
	assert.Equal(t, "2026-03", got.Period)
	_, ref, err := l.Reference(ctx, subject, e.Time)
	require.NoError(t, err)
	assert.Equal(t, ref, got.Ref, "the reference is the subject's PRF in its period")

	// A later period uses another key: the references do not link.
	e.Time = t0.AddDate(0, 1, 0)
	_, err = l.Append(ctx, e)
	require.NoError(t, err)
	next, err := audit.ParseEntry(copyStore(t, s).leaves[1].Entry)
	require.NoError(t, err)
	assert.Equal(t, "2026-04", next.Period)
	assert.NotEqual(t, got.Ref, next.Ref)
}

func TestPeriods(t *testing.T) {
	at := time.Date(2026, 11, 30, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)) // 15:59 UTC
	assert.Equal(t, "2026-11", audit.PeriodMonth.ID(at))
	assert.Equal(t, "2026-Q4", audit.PeriodQuarter.ID(at))
	assert.Equal(t, "2026", audit.PeriodYear.ID(at))
}

// gatedStore holds its first Append until released, so that a test can
// queue appends behind it: before its batch is built, as while the Log
// waits for the store's append lock (another process holding it), or,
// with inFlight, after, as while the batch is being written.
type gatedStore struct {
	*sliceStore
	inFlight bool
	once     sync.Once
	entered  chan struct{}
	release  chan struct{}
}

func (g *gatedStore) Append(ctx context.Context, extend audit.Extend) error {
	held := false
	g.once.Do(func() { held = true })
	if !held {
		return g.sliceStore.Append(ctx, extend)
	}
	if !g.inFlight {
		close(g.entered)
		<-g.release
		return g.sliceStore.Append(ctx, extend)
	}
	return g.sliceStore.Append(ctx, func(ctx context.Context, h audit.Head, r audit.HashReader) (audit.Batch, error) {
		b, err := extend(ctx, h, r)
		close(g.entered)
		<-g.release
		return b, err
	})
}

// TestGroupCommit builds the batch it checks: n-1 appends queue up while
// the first append's store write is held. Held while the Log waits for the
// append lock, they join that write: one store write for all n. Held once
// its batch is built, they wait and are written in exactly one more.
func TestGroupCommit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		inFlight bool
		writes   int
	}{
		{"queued while waiting for the lock join the batch", false, 1},
		{"queued while the batch is written take the next write", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := &sliceStore{}
			kr := newKeyring(t)
			newLog(t, s, kr) // stores the head and signing key
			g := &gatedStore{sliceStore: s, inFlight: tc.inFlight, entered: make(chan struct{}), release: make(chan struct{})}
			l := newLog(t, g, kr)
			s.mu.Lock()
			before := s.appends
			s.mu.Unlock()
			const n = 400
			var wg sync.WaitGroup
			idx := make([]uint64, n)
			wg.Go(func() {
				var err error
				idx[0], err = l.Append(ctx, event(0))
				assert.NoError(t, err)
			})
			<-g.entered
			for i := 1; i < n; i++ {
				wg.Go(func() {
					var err error
					idx[i], err = l.Append(ctx, event(i))
					assert.NoError(t, err)
				})
			}
			for audit.QueueLen(l) < n-1 {
				runtime.Gosched() // wait for the state, not for a time
			}
			close(g.release)
			wg.Wait()
			seen := map[uint64]bool{}
			for _, x := range idx {
				seen[x] = true
			}
			assert.Len(t, seen, n, "every append got its own index")
			assert.Equal(t, uint64(0), idx[0], "the first append is first in its batch")
			s.mu.Lock()
			writes := s.appends - before
			s.mu.Unlock()
			assert.Equal(t, tc.writes, writes, "store writes for %d appends", n)
			_, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier()})
			require.NoError(t, err)
		})
	}
}

func TestFailedBatchFailsEveryCaller(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 3)
	injected := errors.New("disk full")
	s.mu.Lock()
	s.failAppend = injected
	s.mu.Unlock()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			_, err := l.Append(ctx, event(i))
			assert.ErrorIs(t, err, injected, "every caller sees the failure")
		})
	}
	wg.Wait()
	s.mu.Lock()
	s.failAppend = nil
	s.mu.Unlock()
	idx, err := l.Append(ctx, event(99))
	require.NoError(t, err)
	assert.Equal(t, uint64(3), idx, "nothing of the failed batches was kept")
}

func TestAppendRefusesBadEvents(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	cases := map[string]func(*custos.Event){
		"no action":       func(e *custos.Event) { e.Action = "" },
		"no outcome":      func(e *custos.Event) { e.Outcome = 0 },
		"bad subject":     func(e *custos.Event) { e.Subject = "has space" },
		"field too long":  func(e *custos.Event) { e.Fields = []string{strings.Repeat("x", 200)} },
		"control in text": func(e *custos.Event) { e.Reason = "a\x00b" },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			e := event(0)
			mod(&e)
			_, err := l.Append(ctx, e)
			require.ErrorIs(t, err, audit.ErrInvalidEvent)
			h, err := s.Head(ctx)
			require.NoError(t, err)
			assert.Equal(t, uint64(0), h.Size, "nothing was written")
		})
	}
}

func TestCloseAndContext(t *testing.T) {
	ctx := context.Background()
	l := newLog(t, memstore.New().Audit(), newKeyring(t))
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := l.Append(canceled, event(0))
	assert.ErrorIs(t, err, context.Canceled)
	appendN(t, l, 0, 2)
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "Close twice")
	_, err = l.Append(ctx, event(2))
	assert.ErrorIs(t, err, custos.ErrClosed)
	assert.ErrorIs(t, l.Record(ctx, event(2)), custos.ErrClosed)
}

func TestCloseKeepsCheckpointInHistory(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 5)
	require.NoError(t, l.Close())
	cps, err := s.ScanCheckpoints(ctx, 0, 10)
	require.NoError(t, err)
	require.Len(t, cps, 1)
	assert.Equal(t, uint64(5), cps[0].Size)
}

func TestReopenAndSecondWriter(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	kr := newKeyring(t)
	a := newLog(t, s, kr)
	appendN(t, a, 0, 5)
	b := newLog(t, s, kr) // another process
	appendN(t, b, 5, 8)
	idx, err := a.Append(ctx, event(8))
	require.NoError(t, err, "a reloads the tree b extended")
	assert.Equal(t, uint64(8), idx)
	rep, err := audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: a.Verifier()})
	require.NoError(t, err)
	assert.Equal(t, uint64(9), rep.Entries)
}

func TestNewRefusesTamperedHead(t *testing.T) {
	ctx := context.Background()
	kr := newKeyring(t)
	s := &sliceStore{}
	l := newLog(t, s, kr)
	appendN(t, l, 0, 6)
	require.NoError(t, l.Close())

	t.Run("hashes changed", func(t *testing.T) {
		c := s.clone()
		c.leaves[5].Hashes[32] ^= 1 // node (1,2), on the right edge of the tree of 6
		_, err := audit.New(ctx, audit.Config{Store: c, Keys: kr, Origin: origin})
		assert.ErrorIs(t, err, audit.ErrTampered)
	})
	t.Run("head signed by another log", func(t *testing.T) {
		c := s.clone()
		other := newLog(t, &sliceStore{}, newKeyring(t))
		appendN(t, other, 0, 6)
		cp, err := other.Checkpoint(ctx)
		require.NoError(t, err)
		c.head.Checkpoint = cp
		_, err = audit.New(ctx, audit.Config{Store: c, Keys: kr, Origin: origin})
		assert.ErrorIs(t, err, audit.ErrTampered)
	})
	t.Run("origin changed", func(t *testing.T) {
		_, err := audit.New(ctx, audit.Config{Store: s.clone(), Keys: kr, Origin: "another.example/log"})
		assert.ErrorIs(t, err, audit.ErrConfig)
	})
	t.Run("signing key of another keyring", func(t *testing.T) {
		_, err := audit.New(ctx, audit.Config{Store: s.clone(), Keys: newKeyring(t), Origin: origin})
		assert.ErrorIs(t, err, audit.ErrSigningKey)
	})
	t.Run("verifier key replaced", func(t *testing.T) {
		c := s.clone()
		k := *c.key
		other := &sliceStore{}
		newLog(t, other, kr, func(cfg *audit.Config) {})
		k.Verifier = other.key.Verifier
		c.key = &k
		_, err := audit.New(ctx, audit.Config{Store: c, Keys: kr, Origin: origin})
		assert.ErrorIs(t, err, audit.ErrSigningKey)
	})
}

// threeYearsOn sets a log's clock 3 years after t0, when the periods
// before t0 are old enough to be forgotten (PIPL Art. 56).
func threeYearsOn(c *audit.Config) { c.Clock = func() time.Time { return t0.AddDate(3, 0, 0) } }

func TestForgetPeriod(t *testing.T) {
	ctx := context.Background()
	kr := newKeyring(t)
	s := memstore.New().Audit()
	l := newLog(t, s, kr, threeYearsOn)
	e := event(0)
	e.Time = t0.AddDate(0, -1, 0)
	_, err := l.Append(ctx, e)
	require.NoError(t, err)
	assert.ErrorIs(t, l.ForgetPeriod(ctx, "2029-03"), audit.ErrConfig, "the current period")
	assert.ErrorIs(t, l.ForgetPeriod(ctx, "../x"), audit.ErrConfig)

	require.NoError(t, l.ForgetPeriod(ctx, "2026-02"))
	_, _, err = l.Reference(ctx, e.Subject, e.Time)
	assert.ErrorIs(t, err, audit.ErrReference, "the period's references are now unlinkable")
	_, err = audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier()})
	assert.NoError(t, err, "the entries still verify")

	again := newLog(t, s, kr, threeYearsOn) // a restart must not bring the key back
	_, _, err = again.Reference(ctx, e.Subject, e.Time)
	assert.ErrorIs(t, err, audit.ErrReference)

	assert.ErrorIs(t, l.ForgetPeriod(ctx, "2026-02"), audit.ErrUnknownPeriod, "a period already forgotten")

	only := newLog(t, memstore.New().Audit(), onlyNamed{kr}, threeYearsOn)
	assert.ErrorIs(t, only.ForgetPeriod(ctx, "2026-01"), audit.ErrUnsupported, "Keys that cannot delete")
}

// TestForgetUnknownPeriod: forgetting a period that never named a customer
// fails with its own error and changes nothing: the other periods' keys
// stay, and the log still verifies.
func TestForgetUnknownPeriod(t *testing.T) {
	ctx := context.Background()
	kr := newKeyring(t)
	s := memstore.New().Audit()
	l := newLog(t, s, kr, threeYearsOn)
	e := event(0)
	e.Time = t0.AddDate(0, -1, 0) // 2026-02
	_, err := l.Append(ctx, e)
	require.NoError(t, err)
	_, before, err := l.Reference(ctx, e.Subject, e.Time)
	require.NoError(t, err)
	h, err := s.Head(ctx)
	require.NoError(t, err)

	for _, period := range []string{"2025-12", "2026-01", "2019-07"} {
		err := l.ForgetPeriod(ctx, period)
		assert.ErrorIs(t, err, audit.ErrUnknownPeriod, period)
		assert.NotErrorIs(t, err, audit.ErrConfig, "not a configuration error")
	}
	_, after, err := l.Reference(ctx, e.Subject, e.Time)
	require.NoError(t, err, "the used period's key is still there")
	assert.Equal(t, before, after)
	h2, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, h, h2, "nothing was appended")
	_, err = audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier()})
	assert.NoError(t, err)
}

// onlyNamed hides every method of a key ring but NamedKeyset.
type onlyNamed struct{ audit.Keys }
