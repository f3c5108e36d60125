package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos/internal/pgtest"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
)

func openSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "custos.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// openPostgres opens a fresh schema of the test server, dropped at the
// end; it skips the test when CUSTOS_TEST_POSTGRES_DSN is unset.
func openPostgres(t testing.TB) *sqlstore.DB {
	db, _ := pgtest.Open(t)
	return db
}

// The seller on SQLite, the acquirer on PostgreSQL, in one test.
func TestSQLiteSellerPostgresAcquirer(t *testing.T) {
	ctx := context.Background()
	w := newWorldOn(t, mergerPlan, openSQLite(t), openPostgres(t), 3)
	bundle, rep := w.export(t)
	got, err := w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.NoError(t, err)
	assert.Equal(t, rep.Manifest.Root, got.Manifest.Root)
	r, err := w.to.vault.Get(ctx, teller, "c-2", "customer", "mobile")
	require.NoError(t, err)
	assert.Equal(t, "13800000002", r.Values["mobile"])
	fin, err := w.sell.Finish(ctx, seller, w.plan.ID, bytes.NewReader(bundle), got.Receipt, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), fin.Destroyed)
}

// BenchmarkTransfer measures export plus import per customer, seller and
// acquirer each on its own SQLite database, beside a baseline that only
// unwraps and rewraps the same number of DEK keysets with local AEADs.
func BenchmarkTransfer(b *testing.B) {
	const n = 100
	b.Run("sqlite", func(b *testing.B) {
		w := newWorldOn(b, mergerPlan, openSQLite(b), memstore.New(), n)
		bundle, _ := w.export(b)
		b.ResetTimer()
		for b.Loop() {
			b.StopTimer()
			to := newSide(b, "acquirer", true, openSQLite(b))
			buy := to.acquirer(b, w.rcpt)
			b.StartTimer()
			var out bytes.Buffer
			if _, err := w.sell.Export(context.Background(), seller, w.plan.ID, &out, nil); err != nil {
				b.Fatal(err)
			}
			if _, err := buy.Import(context.Background(), seller, bytes.NewReader(bundle), w.ag, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
	})
	b.Run("raw-rewrap", func(b *testing.B) {
		from, to := localAEAD(b), localAEAD(b)
		wrapped := make([][]byte, n)
		for i := range wrapped {
			h, err := keyset.NewHandle(keys.DEKTemplate())
			require.NoError(b, err)
			var buf bytes.Buffer
			require.NoError(b, h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), from, []byte(fmt.Sprint(i))))
			wrapped[i] = buf.Bytes()
		}
		b.ResetTimer()
		for b.Loop() {
			for i, wr := range wrapped {
				h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wr)), from, []byte(fmt.Sprint(i)))
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), to, []byte(fmt.Sprint(i))); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
	})
}

func localAEAD(t testing.TB) interface {
	Encrypt([]byte, []byte) ([]byte, error)
	Decrypt([]byte, []byte) ([]byte, error)
} {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	require.NoError(t, err)
	a, err := aead.New(h)
	require.NoError(t, err)
	return a
}
