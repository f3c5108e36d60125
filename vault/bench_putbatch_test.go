package vault_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/internal/synth"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

// putBatchSize is the number of customers of one batch in BenchmarkPutBatch.
const putBatchSize = 1000

// BenchmarkPutBatch loads new customers into SQLite, putBatchSize per
// operation, and reports customers/s. sqlite is Vault.PutBatch with
// everything a real load does: a DEK made and wrapped per customer,
// five fields encrypted, two blind indexes, and one audit event per
// customer durably appended to an audit.Log in the same database, before
// the records commit. Its baseline sqlite-plain-insert INSERTs the same
// rows in clear, with the same two indexes, in one transaction per batch.
func BenchmarkPutBatch(b *testing.B) {
	ctx := context.Background()
	gen := synth.New(7)
	next := func() []synth.Customer {
		out := make([]synth.Customer, putBatchSize)
		for i := range out {
			out[i] = gen.Next()
		}
		return out
	}
	// report gives customers/s of wall time, and the process's CPU time
	// per customer (see cpuPerOp), which includes generating the
	// synthetic customers outside the timer (about 15 µs each).
	report := func(b *testing.B, batches int, cpu time.Duration) {
		b.ReportMetric(float64(b.N*batches*putBatchSize)/b.Elapsed().Seconds(), "customers/s")
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N*batches*putBatchSize), "cpu-ns/customer")
	}

	b.Run("sqlite-plain-insert", func(b *testing.B) {
		db := openBenchSQLite(b).SQL()
		for _, q := range []string{
			`CREATE TABLE plain_customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, mobile TEXT NOT NULL,
				resident_id TEXT NOT NULL, birth TEXT NOT NULL, address TEXT NOT NULL)`,
			`CREATE INDEX plain_customers_mobile ON plain_customers (mobile)`,
			`CREATE INDEX plain_customers_resident ON plain_customers (resident_id)`,
		} {
			if _, err := db.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
		cpu := processCPU()
		for b.Loop() {
			b.StopTimer()
			batch := next()
			b.StartTimer()
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			stmt, err := tx.Prepare(`INSERT INTO plain_customers VALUES ($1, $2, $3, $4, $5, $6)`)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range batch {
				if _, err := stmt.Exec(c.ID, c.Name, c.Mobile, c.ResidentID, c.Birth.Format(time.DateOnly), c.Address); err != nil {
					b.Fatal(err)
				}
			}
			stmt.Close()
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		report(b, 1, cpu)
	})

	newLoad := func(b *testing.B) (*vault.Vault, func() []vault.Item) {
		db := openBenchSQLite(b)
		kek, err := insecuredevkek.New()
		if err != nil {
			b.Fatal(err)
		}
		kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: db.Ledger()})
		if err != nil {
			b.Fatal(err)
		}
		trail, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "bench.example/custos"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { trail.Close() })
		schema := vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
			{Name: "name", Kind: kind.PersonName{}, Class: c2},
			{Name: "mobile", Kind: kind.Mobile{}, Class: c2, Searchable: true},
			{Name: "resident_id", Kind: kind.ResidentID{}, Class: custos.Class{Level: custos.C2, Sensitive: true}, Searchable: true},
			{Name: "birth", Kind: kind.Date{}, Class: c2},
			{Name: "address", Kind: kind.Address{}, Class: c2},
		}}}}
		al, err := vault.NewAllowList(schema, map[custos.PurposeID]vault.Grant{benchAccess.Purpose: {
			Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut},
			Fields: map[string][]string{"customer": schema.AllFields("customer")}}})
		if err != nil {
			b.Fatal(err)
		}
		v, err := vault.New(vault.Config{Schema: schema, Keys: kr, Store: db.Vault(), Authorizer: al, Recorder: trail,
			Search: vault.SearchConfig{ExpectedCustomers: 1_000_000}})
		if err != nil {
			b.Fatal(err)
		}
		items := func() []vault.Item {
			items := make([]vault.Item, putBatchSize)
			for i, c := range next() {
				items[i] = vault.Item{Subject: custos.SubjectID(c.ID), Values: vault.Values{
					"name": c.Name, "mobile": c.Mobile, "resident_id": c.ResidentID, "birth": c.Birth, "address": c.Address}}
			}
			return items
		}
		return v, items
	}

	b.Run("sqlite", func(b *testing.B) {
		v, items := newLoad(b)
		cpu := processCPU()
		for b.Loop() {
			b.StopTimer()
			batch := items()
			b.StartTimer()
			if err := v.PutBatch(ctx, benchAccess, "customer", batch); err != nil {
				b.Fatal(err)
			}
		}
		report(b, 1, cpu)
	})
	// Two batches in flight: one's encryption overlaps the other's store
	// write.
	b.Run("sqlite-2-loaders", func(b *testing.B) {
		v, items := newLoad(b)
		cpu := processCPU()
		for b.Loop() {
			b.StopTimer()
			batches := [][]vault.Item{items(), items()}
			b.StartTimer()
			var wg sync.WaitGroup
			for _, batch := range batches {
				wg.Go(func() {
					if err := v.PutBatch(ctx, benchAccess, "customer", batch); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
		}
		report(b, 2, cpu)
	})
}
