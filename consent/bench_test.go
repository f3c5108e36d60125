package consent_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
)

// BenchmarkAuthorize measures the cost per read of the consent check: one
// customer who gave consent, the same Request each time. Baselines in the
// same run: the plain-SQL read of the same row, and a purpose on a contract
// basis, which reads no store.
//
//	go test ./consent -run '^$' -bench BenchmarkAuthorize -benchmem
func BenchmarkAuthorize(b *testing.B) {
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "custos.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })

	run := func(b *testing.B, store consent.Store, purpose custos.PurposeID) {
		f := &fixture{t: b, store: store, events: &events{}, subjects: &subjects{}, now: t0}
		f.reg = f.registry(nil)
		if err := f.reg.Grant(ctx, f.act("C-0001", marketing)); err != nil {
			require.ErrorIs(b, err, consent.ErrState) // granted by an earlier run
		}
		checker := f.reg.Checker()
		req := consent.Request{
			Access: custos.Access{Actor: custos.Actor{ID: "staff-009", Role: "marketer"}, Purpose: purpose},
			Action: custos.ActionGet, Subject: "C-0001", RecordType: "customer", Fields: []string{"mobile", "name"},
		}
		b.ReportAllocs()
		for b.Loop() {
			d, err := checker.Authorize(ctx, req)
			if err != nil || !d.Allowed {
				b.Fatalf("refused: %v %v", d, err)
			}
		}
	}
	store := db.Consent()
	b.Run("sqlite-consent", func(b *testing.B) { run(b, store, marketing) })
	b.Run("sqlite-plain-sql", func(b *testing.B) {
		st, err := db.SQL().PrepareContext(ctx, `SELECT state, generation, expires_at FROM custos_consents WHERE subject = $1 AND purpose = $2`)
		require.NoError(b, err)
		defer st.Close()
		b.ReportAllocs()
		for b.Loop() {
			var state, gen string
			var expires int64
			if err := st.QueryRowContext(ctx, "C-0001", string(marketing)).Scan(&state, &gen, &expires); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sqlite-contract", func(b *testing.B) { run(b, store, servicing) })
	b.Run("memstore-consent", func(b *testing.B) { run(b, memstore.New().Consent(), marketing) })
}
