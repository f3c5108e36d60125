package audit_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/sqlstore"
)

// benchParallelism is goroutines per CPU in BenchmarkAppend: appenders
// waiting on each other's commit is what group commit is for.
const benchParallelism = 8

// countingStore counts the store writes of a Log.
type countingStore struct {
	audit.Store
	writes atomic.Int64
}

func (c *countingStore) Append(ctx context.Context, extend audit.Extend) error {
	c.writes.Add(1)
	return c.Store.Append(ctx, extend)
}

// BenchmarkAppend measures a durable audit append on SQLite
// (synchronous=FULL) against the baseline of inserting the same encoded
// entries, grouped into batches the same way, into a plain table of the
// same database with database/sql:
//
//	go test ./audit -run '^$' -bench BenchmarkAppend -benchtime 20000x
func BenchmarkAppend(b *testing.B) {
	entry, err := sampleEntry().Encode()
	require.NoError(b, err)

	b.Run("sqlite-raw", func(b *testing.B) {
		db := openBenchSQLite(b)
		_, err := db.SQL().Exec(`CREATE TABLE bench_raw (idx INTEGER NOT NULL PRIMARY KEY, entry BLOB NOT NULL)`)
		require.NoError(b, err)
		g, err := newRawGroup(db.SQL(), 512)
		require.NoError(b, err)
		defer g.close()
		b.SetParallelism(benchParallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := g.insert(entry); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/float64(g.batches.Load()), "entries/batch")
	})

	b.Run("sqlite", func(b *testing.B) {
		db := openBenchSQLite(b)
		cs := &countingStore{Store: db.Audit()}
		kr := newKeyring(b)
		l := newLog(b, cs, kr)
		var n atomic.Int64
		ctx := context.Background()
		_, err := l.Append(ctx, event(0)) // creates the period's reference key
		require.NoError(b, err)
		cs.writes.Store(0)
		b.SetParallelism(benchParallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := l.Append(ctx, event(int(n.Add(1)))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/float64(cs.writes.Load()), "entries/batch")
	})
}

func openBenchSQLite(b testing.TB) *sqlstore.DB {
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	return db
}

// rawGroup is the baseline's group commit: what a host would write to
// batch its own access-log inserts, with the Log's batching policy and a
// prepared INSERT, as the audit store uses.
type rawGroup struct {
	db      *sql.DB
	stmt    *sql.Stmt
	max     int
	reqs    chan rawReq
	done    sync.WaitGroup
	next    int64
	batches atomic.Int64
}

type rawReq struct {
	entry []byte
	done  chan error
}

func newRawGroup(db *sql.DB, max int) (*rawGroup, error) {
	insert, err := db.Prepare(`INSERT INTO bench_raw (idx, entry) VALUES ($1, $2)`)
	if err != nil {
		return nil, err
	}
	g := &rawGroup{db: db, stmt: insert, max: max, reqs: make(chan rawReq, max)}
	g.done.Go(g.loop)
	return g, nil
}

func (g *rawGroup) insert(entry []byte) error {
	r := rawReq{entry: entry, done: make(chan error, 1)}
	g.reqs <- r
	return <-r.done
}

func (g *rawGroup) close() { close(g.reqs); g.done.Wait() }

func (g *rawGroup) loop() {
	batch := make([]rawReq, 0, g.max)
	for r := range g.reqs {
		batch = append(batch[:0], r)
	fill:
		for len(batch) < g.max {
			select {
			case r, ok := <-g.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		err := g.write(batch)
		g.batches.Add(1)
		for _, r := range batch {
			r.done <- err
		}
	}
}

func (g *rawGroup) write(batch []rawReq) error {
	tx, err := g.db.Begin()
	if err != nil {
		return err
	}
	ins := tx.Stmt(g.stmt)
	for _, r := range batch {
		if _, err := ins.Exec(g.next, r.entry); err != nil {
			tx.Rollback()
			return err
		}
		g.next++
	}
	return tx.Commit()
}

// TestVerifyMillion measures the time to verify a log of 1,000,000
// entries on SQLite. It takes minutes and a few hundred MB of disk, so it
// runs only by hand:
//
//	CUSTOS_AUDIT_MILLION=1 go test ./audit -run TestVerifyMillion -v -timeout 30m
func TestVerifyMillion(t *testing.T) {
	if os.Getenv("CUSTOS_AUDIT_MILLION") == "" {
		t.Skip("set CUSTOS_AUDIT_MILLION=1 to build and verify a log of 1,000,000 entries")
	}
	const n = 1_000_000
	ctx := context.Background()
	db := openBenchSQLite(t)
	l := newLog(t, db.Audit(), newKeyring(t), func(c *audit.Config) { c.MaxBatch = 4096 })
	start := time.Now()
	appendParallel(t, l, 0, n)
	t.Logf("appended %d entries in %v (%.0f entries/s)", n, time.Since(start), n/time.Since(start).Seconds())
	require.NoError(t, l.Close())

	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	start = time.Now()
	rep, err := audit.Verify(ctx, audit.StoreSource(db.Audit()), audit.VerifyOptions{Verifier: l.Verifier(),
		ProgressEvery: 50_000, Progress: func(p audit.VerifyProgress) {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			if p.Done%250_000 == 0 {
				t.Logf("verified %d/%d, heap in use %d MiB", p.Done, p.Total, ms.HeapInuse>>20)
			}
		}})
	require.NoError(t, err)
	took := time.Since(start)
	require.Equal(t, uint64(n), rep.Entries)
	t.Logf("verified %d entries in %v (%.0f entries/s), peak heap in use %d MiB", rep.Entries, took, float64(rep.Entries)/took.Seconds(), peak>>20)

	dir := t.TempDir()
	start = time.Now()
	_, err = audit.ExportTiles(ctx, db.Audit(), dir, nil)
	require.NoError(t, err)
	t.Logf("exported tiles in %v", time.Since(start))
	start = time.Now()
	_, err = audit.Verify(ctx, audit.TilesSource(os.DirFS(dir)), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
	t.Logf("verified the tiles in %v", time.Since(start))
}
