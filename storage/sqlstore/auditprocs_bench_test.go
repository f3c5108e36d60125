package sqlstore_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/custos-go/custos/storage/sqlstore"
)

// BenchmarkAuditAppendProcesses measures durable audit appends from one
// process and from four appending to the same log at once, each process
// with eight appending goroutines (the children of
// TestAuditAppendsFromManyProcesses). ns/op is wall time per append of all
// processes together, process start-up excluded:
//
//	go test ./storage/sqlstore -run '^$' -bench BenchmarkAuditAppendProcesses -benchtime 4000x
func BenchmarkAuditAppendProcesses(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, procs := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/procs=%d", engine, procs), func(b *testing.B) { benchProcesses(b, engine, procs) })
		}
	}
}

func benchProcesses(b *testing.B, engine string, procs int) {
	dir := b.TempDir()
	var db *sqlstore.DB
	schema := ""
	switch engine {
	case "sqlite":
		var err error
		if db, err = sqlstore.OpenSQLite(b.Context(), filepath.Join(dir, "custos.db"), nil); err != nil {
			b.Fatal(err)
		}
	case "postgres":
		dsn := os.Getenv("CUSTOS_TEST_POSTGRES_DSN")
		if dsn == "" {
			b.Skip("CUSTOS_TEST_POSTGRES_DSN is not set")
		}
		var r [8]byte
		rand.Read(r[:])
		schema = "custos_bench_" + hex.EncodeToString(r[:])
		var err error
		if db, err = sqlstore.OpenPostgres(b.Context(), dsn, &sqlstore.Options{Schema: schema}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.SQL().Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`) })
	}
	defer db.Close()
	l := appendLog(b, db, dir)
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	each := max(b.N/procs, 1)
	start := startAppenders(b, procs, each, dir, schema)
	b.ResetTimer()
	start()
	b.StopTimer()
	b.ReportMetric(float64(each*procs)/b.Elapsed().Seconds(), "appends/s")
}
