package keys_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/sqlstore"
)

// BenchmarkCloseEpoch closes the erasure epoch of one group of size DEKs
// in a SQLite database after one erasure (keys.Keyring.CloseEpoch: create
// the next key, rewrap the survivors, destroy the old key, scrub), and
// reports the DEKs rewrapped per second. The baseline, raw-tink, rewraps
// the same number of keysets held in memory from one AEAD to another: the
// cryptographic floor of a close.
func BenchmarkCloseEpoch(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{256, 1024, 4096} {
		b.Run(fmt.Sprintf("raw-tink/group-%d", size), func(b *testing.B) {
			from, to := newKEK(b), newKEK(b)
			wrapped := make([][]byte, size)
			for i := range wrapped {
				h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), from.AEAD, []byte(strconv.Itoa(i))); err != nil {
					b.Fatal(err)
				}
				wrapped[i] = buf.Bytes()
			}
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				for i, w := range wrapped {
					h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(w)), from.AEAD, []byte(strconv.Itoa(i)))
					if err != nil {
						b.Fatal(err)
					}
					var buf bytes.Buffer
					if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), to.AEAD, []byte(strconv.Itoa(i))); err != nil {
						b.Fatal(err)
					}
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(size*b.N)/elapsed.Seconds(), "DEKs/s")
		})
		b.Run(fmt.Sprintf("sqlite/group-%d", size), func(b *testing.B) {
			db, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "keys.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			kr, err := keys.New(ctx, keys.Config{KEK: newKEK(b), Store: db.Keys(), Ledger: db.Ledger(),
				Cache:  keys.CacheConfig{Disabled: true},
				Epochs: &keys.EpochConfig{Source: insecuredevkek.NewSource(), Groups: 1}})
			if err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			var next atomic.Int64
			for range 16 {
				wg.Go(func() {
					for i := next.Add(1); i <= int64(size); i = next.Add(1) {
						if _, err := kr.ForWrite(ctx, custos.SubjectID(fmt.Sprintf("C%07d", i))); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			var elapsed time.Duration
			var moved int64
			i := int64(size)
			for b.Loop() {
				// One erasure and one new customer: the group keeps its size.
				b.StopTimer()
				i++
				if _, err := kr.Shred(ctx, custos.SubjectID(fmt.Sprintf("C%07d", i-int64(size)))); err != nil {
					b.Fatal(err)
				}
				if _, err := kr.ForWrite(ctx, custos.SubjectID(fmt.Sprintf("C%07d", i))); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				rep, err := kr.CloseEpoch(ctx, 1)
				elapsed += time.Since(start)
				if err != nil || rep.Rewrapped != int64(size) {
					b.Fatalf("rewrapped %d of %d: %v", rep.Rewrapped, size, err)
				}
				moved += rep.Rewrapped
			}
			b.ReportMetric(float64(moved)/elapsed.Seconds(), "DEKs/s")
		})
	}
}
