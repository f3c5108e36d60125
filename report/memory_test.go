package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/report"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
)

// population is a SQLite database holding n customers' consent records
// (one per customer, a third withdrawn), their retention clocks, and an
// audit log of entries entries.
type population struct {
	db       *sqlstore.DB
	verifier string
}

func populate(t testing.TB, n, entries int) *population {
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "report.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	cs := db.Consent()
	staff := custos.Actor{ID: "app", Role: "channel"}
	const batch = 1000
	for from := 0; from < n; from += batch {
		var ws []consent.Write
		for i := from; i < min(n, from+batch); i++ {
			given := at.AddDate(0, -(i % 12), -1)
			rec := consent.Record{Subject: custos.SubjectID(synthID(i)), Purpose: "marketing", ID: synthRecordID(i), State: consent.StateGiven,
				Notice: "privacy-v1", Language: "zh-Hans", Generation: "g1", Given: given, Version: 1, Created: given, Updated: given}
			ws = append(ws, consent.Write{Record: rec, Entry: consent.Entry{Seq: 1, Time: given, Action: custos.ActionConsentGrant,
				State: consent.StateGiven, Actor: staff, Channel: "app", Signal: consent.SignalClick, Notice: "privacy-v1", Language: "zh-Hans"},
				Ref: []byte("ref-0123456789abcdef" + synthID(i))})
		}
		require.NoError(t, cs.Apply(ctx, ws))
	}
	// Retention clocks straight into their table, in one transaction: the
	// store's PutClock commits one clock at a time.
	tx, err := db.SQL().BeginTx(ctx, nil)
	require.NoError(t, err)
	st, err := tx.PrepareContext(ctx, `INSERT INTO custos_retention_clocks (subject, rule, record_type, started, keep_until, due, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	require.NoError(t, err)
	for i := range n {
		due := at.AddDate(0, i%24, 1).UnixMicro()
		_, err := st.ExecContext(ctx, synthID(i), "lease-records", "lease", at.AddDate(-5, 0, 0).UnixMicro(), int64(0), due, due)
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())
	require.NoError(t, tx.Commit())

	kek, err := insecuredevkek.New()
	require.NoError(t, err)
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: memstore.New().Ledger()})
	require.NoError(t, err)
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "audit.leasing.example/custos", MaxBatch: 4096})
	require.NoError(t, err)
	clerk := custos.Access{Actor: custos.Actor{ID: "clerk-7", Role: "customer-service"}, Purpose: "servicing"}
	var wg sync.WaitGroup
	const workers = 64
	for w := range workers {
		wg.Go(func() {
			for i := w; i < entries; i += workers {
				_, err := log.Append(ctx, custos.Event{Time: at.Add(-time.Duration(entries-i) * time.Second), Action: custos.ActionGet, Access: clerk,
					Basis: custos.BasisContract, Subject: custos.SubjectID(synthID(i % max(n, 1))), RecordType: "customer", Fields: []string{"mobile"}, Outcome: custos.OutcomeAllowed})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	p := &population{db: db, verifier: log.Verifier()}
	require.NoError(t, log.Close())
	return p
}

func (p *population) config() report.Config {
	return report.Config{Policies: policies(), Consents: p.db.ConsentRecords(), Retention: p.db.Retention(), Outbox: p.db.Notify(),
		Audit: &report.AuditState{Store: p.db.Audit(), Verifier: p.verifier, Monitor: &audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 100, Window: time.Hour}}}}
}

// peakHeap builds the report while sampling the live heap, and returns the
// report, the peak and the time taken.
func peakHeap(t testing.TB, cfg report.Config) (report.Report, uint64, time.Duration) {
	r, err := report.New(cfg)
	require.NoError(t, err)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	rep, err := r.Build(context.Background(), at)
	took := time.Since(start)
	close(stop)
	<-done
	require.NoError(t, err)
	return rep, peak, took
}

// The report streams the stores: ten times the customers (and the log)
// leave its peak heap where it was.
func TestReportMemoryStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two populations in SQLite")
	}
	var peaks []uint64
	for _, n := range []int{2_000, 20_000} {
		p := populate(t, n, n/10)
		rep, peak, took := peakHeap(t, p.config())
		cons := section(t, rep, "consent")
		assert.Equal(t, int64(n), cell(t, table(t, cons, "consent-now"), "marketing", "state.given").N)
		t.Logf("%d customers, %d audit entries: peak live heap %.1f MiB, %v", n, n/10, float64(peak)/(1<<20), took)
		peaks = append(peaks, peak)
	}
	assert.Less(t, peaks[1], peaks[0]+16<<20, "the peak heap does not grow with the customers")
	assert.Less(t, peaks[1], uint64(64<<20))
}

// TestReportMillion builds the report over 1,000,000 customers and a
// 1,000,000-entry audit log (by hand, not in CI):
//
//	CUSTOS_REPORT_MILLION=1 go test ./report -run TestReportMillion -v -timeout 60m
//
// CUSTOS_REPORT_MILLION may give another number of customers;
// CUSTOS_REPORT_DB names a database populated before, to report on it
// without populating again.
func TestReportMillion(t *testing.T) {
	v := os.Getenv("CUSTOS_REPORT_MILLION")
	if v == "" {
		t.Skip("set CUSTOS_REPORT_MILLION=1 to build the report over 1,000,000 customers and audit entries")
	}
	n := 1_000_000
	if m, err := strconv.Atoi(v); err == nil && m > 1 {
		n = m
	}
	var p *population
	if path := os.Getenv("CUSTOS_REPORT_DB"); path != "" {
		// A database populated by an earlier, interrupted run: its audit
		// log is verified with the key stored beside it.
		db, err := sqlstore.OpenSQLite(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		k, err := db.Audit().SigningKey(context.Background())
		require.NoError(t, err)
		p = &population{db: db, verifier: k.Verifier}
	} else {
		start := time.Now()
		p = populate(t, n, n)
		t.Logf("populated %d customers and audit entries in %v", n, time.Since(start))
	}
	rep, peak, took := peakHeap(t, p.config())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("report built in %v, peak live heap %.1f MiB (HeapSys %.0f MiB)", took, float64(peak)/(1<<20), float64(ms.HeapSys)/(1<<20))
	assert.Less(t, peak, uint64(256<<20), "peak heap under 256 MiB")
	size := cell(t, table(t, section(t, rep, "audit"), "audit-state"), "audit.size", "value").S
	customers := cell(t, table(t, section(t, rep, "consent"), "consent-now"), "marketing", "state.given").N
	verification := cell(t, table(t, section(t, rep, "audit"), "audit-state"), "audit.verification", "value").S
	t.Logf("customers with consent %d, audit entries %s, verification %s", customers, size, verification)
	if os.Getenv("CUSTOS_REPORT_DB") == "" {
		assert.Equal(t, fmt.Sprint(n), size)
	}
}
