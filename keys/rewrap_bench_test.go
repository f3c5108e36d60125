package keys_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/storage/sqlstore"
)

// rewrapCustomers is the population of BenchmarkRewrap: 100,000 unless
// CUSTOS_BENCH_CUSTOMERS says otherwise.
func rewrapCustomers(b *testing.B) int {
	if s := os.Getenv("CUSTOS_BENCH_CUSTOMERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CUSTOS_BENCH_CUSTOMERS=%q is not a population", s)
		}
		return n
	}
	return 100_000
}

// peakHeap samples the live heap until stop is called and returns the
// highest value seen, in bytes, above the heap at start.
func peakHeap() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkRewrap rotates the KEK of N customers' DEKs in a SQLite
// database (keys.Keyring.Rewrap, streaming in batches) and reports the
// peak heap above the starting heap. The baseline, raw-tink-in-memory,
// rewraps the same number of keysets held in a slice, as a program that
// loads everything first would: its heap grows with N, the Keyring's does
// not.
func BenchmarkRewrap(b *testing.B) {
	ctx := context.Background()
	n := rewrapCustomers(b)
	b.Run("raw-tink-in-memory", func(b *testing.B) {
		oldKEK, newKEK := newKEK(b), newKEK(b)
		wrapped := make([][]byte, n)
		for i := range wrapped {
			h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), oldKEK.AEAD, []byte(strconv.Itoa(i))); err != nil {
				b.Fatal(err)
			}
			wrapped[i] = buf.Bytes()
		}
		for b.Loop() {
			stop := peakHeap()
			out := make([][]byte, n)
			for i, w := range wrapped {
				h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(w)), oldKEK.AEAD, []byte(strconv.Itoa(i)))
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), newKEK.AEAD, []byte(strconv.Itoa(i))); err != nil {
					b.Fatal(err)
				}
				out[i] = buf.Bytes()
			}
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
			runtime.KeepAlive(out)
		}
		b.ReportMetric(float64(n), "customers")
	})
	b.Run("sqlite", func(b *testing.B) {
		dir := b.TempDir()
		db, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "keys.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		kek := newKEK(b)
		kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger(), Cache: keys.CacheConfig{Disabled: true}})
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range 16 {
			wg.Go(func() {
				for i := next.Add(1); i <= int64(n); i = next.Add(1) {
					if _, err := kr.ForWrite(ctx, custos.SubjectID(fmt.Sprintf("C%07d", i))); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		for b.Loop() {
			next := newKEK(b)
			rot, err := keys.New(ctx, keys.Config{KEK: next, PreviousKEKs: []keys.KEK{kek}, Store: db.Keys(), Ledger: db.Ledger()})
			if err != nil {
				b.Fatal(err)
			}
			stop := peakHeap()
			p, err := rot.Rewrap(ctx, keys.RewrapOptions{})
			peak := stop()
			if err != nil || p.Rewrapped != int64(n) {
				b.Fatalf("rewrapped %d of %d: %v", p.Rewrapped, n, err)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			kek = next
		}
		b.ReportMetric(float64(n), "customers")
	})
}
