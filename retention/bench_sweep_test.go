package retention_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// BenchmarkSweep measures, per destroyed customer, a sweep on SQLite of
// b.N customers each holding one transaction record whose AML clock ran
// out: the due-date lookup, the audited reads of state, vault.Forget
// (audit event, tombstone, key shred, deletion) and the certificate kept.
// sqlite-raw is the baseline: the same rows and the wrapped key deleted
// with plain SQL, one transaction per customer, nothing audited. Both
// build the same population first (untimed); the sweep also reports the
// peak heap it reached, sampled after each batch: peak-heap-MiB is the
// allocated heap, garbage included; peak-live-MiB the live heap at the
// latest collection; live-growth-MiB what stays live after the sweep
// beyond what was live before it.
func BenchmarkSweep(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		ctx := context.Background()
		p := newPopulation(b, b.N)
		log, err := audit.New(ctx, audit.Config{Store: p.db.Audit(), Keys: p.keys, Origin: "bench.custos.example/audit", Clock: p.clock})
		require.NoError(b, err)
		defer log.Close()
		r := p.retention(b, log)
		runtime.GC()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(live)
		start := live[0].Value.Uint64()
		var peak, peakLive uint64
		var ms runtime.MemStats
		b.ResetTimer()
		res, err := r.Sweep(ctx, retention.SweepOptions{At: t0.AddDate(10, 0, 1), Workers: benchWorkers, Progress: func(retention.Progress) {
			runtime.ReadMemStats(&ms)
			metrics.Read(live)
			peak, peakLive = max(peak, ms.HeapAlloc), max(peakLive, live[0].Value.Uint64())
		}})
		b.StopTimer()
		require.NoError(b, err)
		require.Equal(b, int64(b.N), res.Destroyed)
		runtime.GC()
		metrics.Read(live)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-MiB")
		b.ReportMetric((float64(live[0].Value.Uint64())-float64(start))/(1<<20), "live-growth-MiB")
	})
	b.Run("sqlite-raw", func(b *testing.B) {
		ctx := context.Background()
		p := newPopulation(b, b.N)
		db := p.db.SQL()
		b.ResetTimer()
		for i := range b.N {
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(b, err)
			s := string(benchSubject(i))
			for _, q := range []string{
				`DELETE FROM custos_index WHERE subject = $1`,
				`DELETE FROM custos_records WHERE subject = $1`,
				`DELETE FROM custos_subjects WHERE subject = $1`,
				`DELETE FROM custos_deks WHERE subject = $1`,
				`DELETE FROM custos_retention_clocks WHERE subject = $1`,
			} {
				_, err := tx.ExecContext(ctx, q, s)
				require.NoError(b, err)
			}
			require.NoError(b, tx.Commit())
		}
	})
}

// population is n customers on SQLite, each with one transaction record
// and its AML clock started at t0.
type population struct {
	db    *sqlstore.DB
	keys  *keys.Keyring
	vault func(custos.Recorder) *vault.Vault
	now   time.Time
}

func (p *population) clock() time.Time { return p.now }

func benchSubject(i int) custos.SubjectID { return custos.SubjectID(fmt.Sprintf("C%08d", i)) }

func newPopulation(b testing.TB, n int) *population {
	b.Helper()
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "sweep.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	p := &population{db: db, now: t0}
	kek, err := insecuredevkek.New()
	require.NoError(b, err)
	p.keys, err = keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger(), Clock: p.clock})
	require.NoError(b, err)
	s := fullSchema()
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{
		"lease-servicing": {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut}, Fields: map[string][]string{"transaction": s.AllFields("transaction")}},
		"retention":       {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
	})
	require.NoError(b, err)
	p.vault = func(rec custos.Recorder) *vault.Vault {
		v, err := vault.New(vault.Config{Schema: s, Keys: p.keys, Store: db.Vault(), Authorizer: al, Recorder: rec, Clock: p.clock})
		require.NoError(b, err)
		return v
	}
	setup := p.vault(discard{})
	const batch = 1000
	for i := 0; i < n; i += batch {
		var items []vault.Item
		for j := i; j < min(n, i+batch); j++ {
			items = append(items, vault.Item{Subject: benchSubject(j), Values: vault.Values{"ref": "TX-1"}})
		}
		require.NoError(b, setup.PutBatch(ctx, clerk, "transaction", items))
	}
	// The clocks, with plain SQL in one transaction: setup, not measured.
	tx, err := db.SQL().BeginTx(ctx, nil)
	require.NoError(b, err)
	due := t0.AddDate(10, 0, 0).UnixMicro()
	for i := range n {
		_, err := tx.ExecContext(ctx, `INSERT INTO custos_retention_clocks (subject, rule, record_type, started, keep_until, due, next_at)
			VALUES ($1, 'aml-transaction', 'transaction', $2, $3, $3, $3)`, string(benchSubject(i)), t0.UnixMicro(), due)
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit())
	p.now = t0.AddDate(10, 0, 1)
	return p
}

// discard is a Recorder that keeps nothing, for setting up benchmarks.
type discard struct{}

func (discard) Record(context.Context, custos.Event) error { return nil }

func (p *population) retention(b testing.TB, rec custos.Recorder) *retention.Retention {
	r, err := retention.New(retention.Config{Policy: leasingPolicy(), Schema: fullSchema(), Store: p.db.Retention(), Vault: p.vault(rec),
		Recorder: rec, Actor: sweeper, Purpose: "retention", Clock: p.clock})
	require.NoError(b, err)
	return r
}

// benchWorkers is SweepOptions.Workers in BenchmarkSweep.
const benchWorkers = 64
