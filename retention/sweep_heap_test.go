package retention_test

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/retention"
)

// sweepHeapLimit is the bound on a sweep's heap.
const sweepHeapLimit = 64 << 20

// TestSweep100kKeepsHeapBounded sweeps 100,000 due customers on SQLite
// (each one transaction record whose AML clock ran out, as BenchmarkSweep
// builds them) with the audit log on the same file, and checks that the
// heap stays under 64 MiB throughout: sampled after every batch (the
// Progress callback) and every 10 ms between, as
// /memory/classes/heap/objects:bytes (live objects and garbage not yet
// swept), and that every customer was destroyed. It takes minutes, so it
// runs only with CUSTOS_SWEEP_100K=1; the figures are logged (go test -v).
func TestSweep100kKeepsHeapBounded(t *testing.T) {
	if os.Getenv("CUSTOS_SWEEP_100K") != "1" {
		t.Skip("set CUSTOS_SWEEP_100K=1 to sweep 100,000 customers on SQLite and measure the peak heap (minutes)")
	}
	const n = 100_000
	ctx := context.Background()
	setup := time.Now()
	p := newPopulation(t, n)
	log, err := audit.New(ctx, audit.Config{Store: p.db.Audit(), Keys: p.keys, Origin: "test.custos.example/audit", Clock: p.clock})
	require.NoError(t, err)
	defer log.Close()
	r := p.retention(t, log)
	t.Logf("setup of %d customers: %s", n, time.Since(setup).Round(time.Second))

	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	var mu sync.Mutex
	var peak, peakLive uint64
	sample := func() {
		mu.Lock()
		defer mu.Unlock()
		metrics.Read(samples)
		peak, peakLive = max(peak, samples[0].Value.Uint64()), max(peakLive, samples[1].Value.Uint64())
	}
	sample()
	start := peak
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	began := time.Now()
	res, err := r.Sweep(ctx, retention.SweepOptions{At: t0.AddDate(10, 0, 1), Workers: benchWorkers, Progress: func(retention.Progress) { sample() }})
	took := time.Since(began)
	close(done)
	wg.Wait()
	require.NoError(t, err)
	assert.Equal(t, int64(n), res.Destroyed, "every customer destroyed")
	t.Logf("sweep of %d: %s (%.2f ms per customer); heap before %.1f MiB, peak heap %.1f MiB, peak live heap %.1f MiB",
		n, took.Round(time.Second), float64(took.Microseconds())/1000/n, mib(start), mib(peak), mib(peakLive))
	assert.Less(t, peak, uint64(sweepHeapLimit), "peak heap %.1f MiB", mib(peak))
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
