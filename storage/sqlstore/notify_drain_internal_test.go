package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// counter is a Notifier that counts and keeps nothing.
type counter struct{ n atomic.Int64 }

func (c *counter) Send(context.Context, notify.Delivery) (notify.Receipt, error) {
	c.n.Add(1)
	return notify.Receipt{}, nil
}

// seedOutbox writes n pending messages in one transaction, as Enqueue
// would store them.
func seedOutbox(t testing.TB, s *DB, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tx, err := s.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	for i := range n {
		m := benchMessage(i)
		params, err := encodeParams(m.Params)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, `INSERT INTO custos_notify_messages (`+messageColumns+`, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
			notify.MessageID(m.Key), m.Key, string(m.To.Subject), "", string(m.Channel), string(m.Template), params,
			m.Sender.Actor.ID, string(m.Sender.Actor.Role), string(m.Sender.Purpose), m.Sender.RequestID,
			int(notify.StatePending), 0, 0, micros(now), "", int64(0), "", micros(now), micros(now), micros(now))
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// drain dispatches every message of the outbox and returns how many were
// sent and the highest live heap above the one before, sampled after every
// RunOnce.
func drain(t testing.TB, s *DB) (int64, uint64) {
	t.Helper()
	ctx := context.Background()
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: s.Notify(), Recorder: benchRecorder{}, Subjects: benchSubjects{}})
	require.NoError(t, err)
	c := &counter{}
	dir := notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
		return notify.Contact{Address: "synthetic@mail.example", Language: "zh-CN"}, nil
	})
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: c},
		Directory: dir, Owner: "drain", Batch: 256, Workers: 64})
	require.NoError(t, err)
	base := heapInUse()
	var peak uint64
	for i := 0; ; i++ {
		r, err := disp.RunOnce(ctx)
		require.NoError(t, err)
		if r.Claimed == 0 {
			break
		}
		if i%16 == 0 {
			if h := heapInUse(); h > base && h-base > peak {
				peak = h - base
			}
		}
	}
	return c.n.Load(), peak
}

// TestDrainBoundedMemory: a queue of CUSTOS_NOTIFY_DRAIN messages (2,000
// by default; 100,000 for the figure in BENCHMARKS.md) drains in SQLite
// with the live heap bounded by the batch, not the queue: well under what
// holding the queued messages would take.
func TestDrainBoundedMemory(t *testing.T) {
	n := 2000
	if v := os.Getenv("CUSTOS_NOTIFY_DRAIN"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "drain.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	seedOutbox(t, s, n)
	start := time.Now()
	sent, peak := drain(t, s)
	took := time.Since(start)
	assert.Equal(t, int64(n), sent)
	c, err := s.Notify().Counts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[notify.State]int{notify.StateSent: n}, c.ByState)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d messages drained in %s (%.0f msgs/s), live heap at most %.1f MiB above the start; Go runtime memory from the OS %.0f MiB", n, took.Round(time.Millisecond),
		float64(n)/took.Seconds(), float64(peak)/(1<<20), float64(ms.Sys)/(1<<20))
	assert.Less(t, peak, uint64(32<<20), "the live heap grows with the batch, not the queue")
}
