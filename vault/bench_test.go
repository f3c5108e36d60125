package vault_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// benchRecord is the 10-field record every sub-benchmark reads.
var benchFields = []string{"address", "amount", "card", "contract", "email", "mobile", "name", "note", "resident_id", "start"}

var benchValues = vault.Values{
	"address":     "上海市浦东新区世纪大道100号",
	"amount":      "125000.00 CNY",
	"card":        "6222020200112233445",
	"contract":    "LC-2026-000123",
	"email":       "customer0001@example.com",
	"mobile":      "13800000000",
	"name":        "张三",
	"note":        "leased vehicle, monthly payments",
	"resident_id": "110105194912310021",
	"start":       "2026-01-15",
}

func benchSchema() vault.Schema {
	fields := make([]vault.Field, len(benchFields))
	for i, n := range benchFields {
		fields[i] = vault.Field{Name: n, Kind: kind.Text{}, Class: c2}
	}
	return vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: fields}}}
}

var (
	benchAccess    = custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	benchMarketer  = custos.Access{Actor: custos.Actor{ID: "staff-002", Role: "marketer"}, Purpose: "marketing"}
	benchGetAction = []custos.Action{custos.ActionPut, custos.ActionGet}
)

// benchVault builds a vault over the stores with the contract purpose
// granted every field, and stores the benchmark record.
func benchVault(b *testing.B, ks keys.Store, ledger keys.Ledger, vs vault.Store, cache keys.CacheConfig, rec vault.Recorder) *vault.Vault {
	b.Helper()
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	if err != nil {
		b.Fatal(err)
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: ks, Ledger: ledger, Cache: cache})
	if err != nil {
		b.Fatal(err)
	}
	s := benchSchema()
	al, err := vault.NewAllowList(s, map[custos.PurposeID]vault.Grant{benchAccess.Purpose: {
		Basis: custos.BasisContract, Actions: benchGetAction, Fields: map[string][]string{"customer": benchFields}}})
	if err != nil {
		b.Fatal(err)
	}
	v, err := vault.New(vault.Config{Schema: s, Keys: kr, Store: vs, Authorizer: al, Recorder: rec})
	if err != nil {
		b.Fatal(err)
	}
	if err := v.Put(ctx, benchAccess, "C0001", "customer", benchValues); err != nil {
		b.Fatal(err)
	}
	benchKeyrings[v] = kr
	return v
}

// benchKeyrings remembers each benchmark vault's keyring, so that another
// vault over the same keys can be built beside it.
var benchKeyrings = map[*vault.Vault]*keys.Keyring{}

// benchVaultWith builds a second vault over the first one's keys and store
// with another authorizer and recorder.
func benchVaultWith(b *testing.B, v *vault.Vault, vs vault.Store, auth vault.Authorizer, rec vault.Recorder) *vault.Vault {
	b.Helper()
	w, err := vault.New(vault.Config{Schema: benchSchema(), Keys: benchKeyrings[v], Store: vs, Authorizer: auth, Recorder: rec})
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// benchConsent is a registry with a consent-based marketing purpose
// allowed every field, and the benchmark customer's consent given.
func benchConsent(b *testing.B, store consent.Store, rec consent.Recorder, vs vault.Store, kr *keys.Keyring) *consent.Registry {
	b.Helper()
	ctx := context.Background()
	text := consent.Text{ZH: "营销", EN: "Marketing"}
	reg, err := consent.New(ctx, consent.Config{
		Purposes: []consent.Purpose{{ID: benchMarketer.Purpose, Description: text, Basis: custos.BasisConsent,
			Notice: "privacy", Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": benchFields}}},
		Notices: []consent.Notice{{ID: "privacy", Controller: consent.Party{Name: "Example Leasing", Contact: "privacy@leasing.example"},
			Methods: []string{"collection"}, Retention: text, AtExpiry: text, Rights: text, Withdrawal: text, Body: text,
			StorageLocation: "CN", Jurisdiction: "CN"}},
		Fields: benchSchema().Classes(), Store: store, Recorder: rec,
		Subjects: vault.Subjects(vs, kr), Pseudonyms: kr,
	})
	if err != nil {
		b.Fatal(err)
	}
	n, ok := reg.NoticeFor(benchMarketer.Purpose)
	if !ok {
		b.Fatal("no notice for the purpose")
	}
	if err := reg.Grant(ctx, consent.Act{Subject: "C0001", Purposes: []custos.PurposeID{benchMarketer.Purpose},
		Actor: custos.Actor{ID: "app", Role: "channel"}, Channel: "app", Signal: consent.SignalClick,
		Notice: n.Version, Language: consent.LangZH, Evidence: "form-1"}); err != nil {
		b.Fatal(err)
	}
	return reg
}

func readLoop(b *testing.B, v *vault.Vault) { readLoopAs(b, v, benchAccess) }

// rowLoop reads through the typed path: one Selection and one Row reused.
func rowLoop(b *testing.B, v *vault.Vault) {
	ctx := context.Background()
	sel, err := v.Select("customer", benchFields...)
	if err != nil {
		b.Fatal(err)
	}
	var row vault.Row
	for b.Loop() {
		if err := v.GetInto(ctx, benchAccess, "C0001", sel, &row); err != nil {
			b.Fatal(err)
		}
		if _, _, ok := row.Text(row.Len() - 1); !ok {
			b.Fatal("field missing")
		}
	}
}

func readLoopAs(b *testing.B, v *vault.Vault, acc custos.Access) {
	ctx := context.Background()
	for b.Loop() {
		r, err := v.Get(ctx, acc, "C0001", "customer", benchFields...)
		if err != nil || len(r.Values) != len(benchFields) {
			b.Fatal(err)
		}
	}
}

func openBenchSQLite(b *testing.B) *sqlstore.DB {
	b.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkGet reads one 10-field record. mem and sqlite read through the
// typed path (Select once, GetInto a reused Row); mem-map and sqlite-map
// through Get, which returns a map. Baselines sit beside the vault:
// raw-tink decrypts the same ten values with a plain Tink AEAD, and
// sqlite-plaintext reads them unencrypted, as one row, from the same SQLite
// database. sqlite-consent reads under a consent-based purpose, checked by
// consent.Checker; the benchmarks above it record audit events nowhere.
// sqlite-audited is the whole read: consent check, durable audit append
// (audit.Log, group-committed) and decryption, from GOMAXPROCS readers at
// once (run with -cpu 1,8); its baseline sqlite-plaintext-logged is what an
// application without custos does: SELECT the plaintext row and INSERT an
// access-log row.
func BenchmarkGet(b *testing.B) {
	b.Run("raw-tink", func(b *testing.B) {
		h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
		if err != nil {
			b.Fatal(err)
		}
		a, err := aead.New(h)
		if err != nil {
			b.Fatal(err)
		}
		cts := make([][]byte, len(benchFields))
		ads := make([][]byte, len(benchFields))
		for i, n := range benchFields {
			ads[i] = []byte("customer/C0001/" + n)
			if cts[i], err = a.Encrypt([]byte(benchValues[n].(string)), ads[i]); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			for i, ct := range cts {
				if _, err := a.Decrypt(ct, ads[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("mem", func(b *testing.B) {
		db := memstore.New()
		rowLoop(b, benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{}))
	})
	b.Run("mem-map", func(b *testing.B) {
		db := memstore.New()
		readLoop(b, benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{}))
	})
	b.Run("sqlite-plaintext", func(b *testing.B) {
		db := openBenchSQLite(b)
		stmt := plaintextTable(b, db.SQL())
		dest := make([]any, len(benchFields))
		vals := make([]string, len(benchFields))
		for i := range dest {
			dest[i] = &vals[i]
		}
		for b.Loop() {
			if err := stmt.QueryRow("C0001").Scan(dest...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		db := openBenchSQLite(b)
		rowLoop(b, benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{}))
	})
	b.Run("sqlite-map", func(b *testing.B) {
		db := openBenchSQLite(b)
		readLoop(b, benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{}))
	})
	b.Run("sqlite-consent", func(b *testing.B) {
		db := openBenchSQLite(b)
		v := benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{})
		reg := benchConsent(b, db.Consent(), discard{}, db.Vault(), benchKeyrings[v])
		readLoopAs(b, benchVaultWith(b, v, db.Vault(), reg.Checker(), discard{}), benchMarketer)
	})
	b.Run("sqlite-plaintext-logged", func(b *testing.B) {
		db := openBenchSQLite(b)
		stmt := plaintextTable(b, db.SQL())
		logStmt := accessLogTable(b, db.SQL())
		cpu := processCPU()
		b.RunParallel(func(pb *testing.PB) {
			dest := make([]any, len(benchFields))
			vals := make([]string, len(benchFields))
			for i := range dest {
				dest[i] = &vals[i]
			}
			for pb.Next() {
				if err := stmt.QueryRow("C0001").Scan(dest...); err != nil {
					b.Fatal(err)
				}
				if _, err := logStmt.Exec(time.Now().UnixMicro(), benchMarketer.Actor.ID, string(benchMarketer.Purpose), "C0001", "customer:"+strings.Join(benchFields, ",")); err != nil {
					b.Fatal(err)
				}
			}
		})
		cpuPerOp(b, cpu)
	})
	b.Run("sqlite-audited", func(b *testing.B) {
		db := openBenchSQLite(b)
		v := benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{}, discard{})
		log, err := audit.New(context.Background(), audit.Config{Store: db.Audit(), Keys: benchKeyrings[v], Origin: "bench.custos.example/audit"})
		if err != nil {
			b.Fatal(err)
		}
		defer log.Close()
		reg := benchConsent(b, db.Consent(), log, db.Vault(), benchKeyrings[v])
		av := benchVaultWith(b, v, db.Vault(), reg.Checker(), log)
		cpu := processCPU()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				r, err := av.Get(ctx, benchMarketer, "C0001", "customer", benchFields...)
				if err != nil || len(r.Values) != len(benchFields) {
					b.Fatal(err)
				}
			}
		})
		cpuPerOp(b, cpu)
	})
	b.Run("cold", func(b *testing.B) {
		db := openBenchSQLite(b)
		readLoop(b, benchVault(b, db.Keys(), db.Ledger(), db.Vault(), keys.CacheConfig{Disabled: true}, discard{}))
	})
}

// accessLogTable creates the baseline's access log, what an application
// without custos writes on each read, and returns the prepared insert.
func accessLogTable(b *testing.B, db *sql.DB) *sql.Stmt {
	b.Helper()
	if _, err := db.Exec(`CREATE TABLE access_log (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,
		purpose TEXT NOT NULL, subject TEXT NOT NULL, fields TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	stmt, err := db.Prepare(`INSERT INTO access_log (at, actor, purpose, subject, fields) VALUES ($1, $2, $3, $4, $5)`)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stmt.Close() })
	return stmt
}

// plaintextTable creates the baseline table in db — the same ten values
// in clear, one row, one column each — and returns the prepared read.
func plaintextTable(b *testing.B, db *sql.DB) *sql.Stmt {
	b.Helper()
	cols, marks, args := "", "", []any{"C0001"}
	for i, n := range benchFields {
		cols += ", " + n + " TEXT NOT NULL"
		marks += fmt.Sprintf(", $%d", i+2)
		args = append(args, benchValues[n])
	}
	if _, err := db.Exec(`CREATE TABLE plain_customers (id TEXT PRIMARY KEY` + cols + `)`); err != nil {
		b.Fatal(err)
	}
	names := ""
	for i, n := range benchFields {
		if i > 0 {
			names += ", "
		}
		names += n
	}
	if _, err := db.Exec(`INSERT INTO plain_customers (id, `+names+`) VALUES ($1`+marks+`)`, args...); err != nil {
		b.Fatal(err)
	}
	stmt, err := db.Prepare(`SELECT ` + names + ` FROM plain_customers WHERE id = $1`)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stmt.Close() })
	return stmt
}
