package transfer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

// scaleEnv names the opt-in scale run's customer count.
const scaleEnv = "CUSTOS_TRANSFER_SCALE"

// maxScaleHeap is the bound on the heap in use while 100,000
// customers transfer.
const maxScaleHeap = 128 << 20

// heapPeak keeps the largest heap in use seen at the points it samples.
type heapPeak struct{ max uint64 }

func (h *heapPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.max = max(h.max, m.HeapInuse)
}

// TestTransferAtScale exports and imports CUSTOS_TRANSFER_SCALE customers
// (100000 for the figure), seller and acquirer each on its own
// SQLite database, the bundle through a file, and checks that the heap in
// use stays under 128 MiB. Both sides bound their keyring caches to 4096
// DEKs (keys.CacheConfig; the default holds up to a million) and keep no
// test events in memory. The heap is sampled (runtime.ReadMemStats) after
// every 100th customer exported and imported, and at the end of each step:
// the figure is the largest sample, not a continuous maximum.
//
//	CUSTOS_TRANSFER_SCALE=100000 go test -run TestTransferAtScale -timeout 3h -v ./transfer
func TestTransferAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv(scaleEnv))
	if n <= 0 {
		t.Skipf("%s is not set: the opt-in scale run (e.g. %s=100000) is skipped", scaleEnv, scaleEnv)
	}
	ctx := context.Background()
	w := newWorldOn(t, mergerPlan, openSQLite(t), openSQLite(t), 3)
	w.from, w.to = w.from.leaned(), w.to.leaned()
	w.sell, w.buy = w.from.seller(t), w.to.acquirer(t, w.rcpt)
	start := time.Now()
	const batch = 1000
	for first := 4; first <= n; first += batch {
		var cs, ls []vault.Item
		for i := first; i < first+batch && i <= n; i++ {
			s := custos.SubjectID(fmt.Sprintf("s-%07d", i))
			cs = append(cs, vault.Item{Subject: s, Values: vault.Values{"name": "Synthetic Person", "mobile": fmt.Sprintf("139%08d", i)}})
			ls = append(ls, vault.Item{Subject: s, Values: vault.Values{"contract": "L-" + string(s)}})
		}
		require.NoError(t, w.from.vault.PutBatch(ctx, teller, "customer", cs))
		require.NoError(t, w.from.vault.PutBatch(ctx, teller, "lease", ls))
	}
	_, err := w.sell.Notify(ctx, seller, w.plan.ID, notify.ChannelEmail)
	require.NoError(t, err)
	t.Logf("seeded and notified %d customers in %v", n, time.Since(start).Round(time.Second))

	var peak heapPeak
	runtime.GC()
	peak.sample()
	path := filepath.Join(t.TempDir(), "scale.bundle")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	defer f.Close()
	start = time.Now()
	rep, err := w.sell.Export(ctx, seller, w.plan.ID, f, &transfer.ExportOptions{Progress: func(r transfer.ExportReport) {
		if r.Moved%100 == 0 {
			peak.sample()
		}
	}})
	require.NoError(t, err)
	peak.sample()
	exported := time.Since(start)
	require.Equal(t, int64(n), rep.Moved)
	_, err = f.Seek(0, 0)
	require.NoError(t, err)
	start = time.Now()
	got, err := w.buy.Import(ctx, seller, f, w.ag, &transfer.ImportOptions{Progress: func(done, _ uint64) {
		if done%100 == 0 {
			peak.sample()
		}
	}})
	require.NoError(t, err)
	peak.sample()
	imported := time.Since(start)
	assert.Equal(t, uint64(n), got.Customers)
	assert.Equal(t, rep.Manifest.Root, got.Manifest.Root)
	st, err := f.Stat()
	require.NoError(t, err)
	t.Logf("%d customers: bundle %d MiB; export %v (%v/customer), import %v (%v/customer); peak heap in use %d MiB (sampled)",
		n, st.Size()>>20, exported.Round(time.Second), exported/time.Duration(n), imported.Round(time.Second), imported/time.Duration(n), peak.max>>20)
	assert.Less(t, peak.max, uint64(maxScaleHeap), "peak heap in use under 128 MiB")
}
