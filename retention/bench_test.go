package retention_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/storage/sqlstore"
)

// BenchmarkDue lists the 1,000 clocks due among all customers' clocks on
// SQLite: the cost follows the clocks due, not the customers, so
// customers=1000000 should cost about what customers=10000 does.
func BenchmarkDue(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
			require.NoError(b, err)
			defer db.Close()
			fillClocks(b, db, n, 1000)
			at := t0.AddDate(10, 0, 0)
			b.ResetTimer()
			for b.Loop() {
				got := 0
				for _, err := range retention.DueIn(ctx, db.Retention(), at, 256) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != 1000 {
					b.Fatalf("%d due, want 1000", got)
				}
			}
		})
	}
}

// fillClocks writes n customers' clocks, due of them due by t0 + 10 years,
// with plain SQL in one transaction: the setup, not what is measured.
func fillClocks(b *testing.B, db *sqlstore.DB, n, due int) {
	b.Helper()
	tx, err := db.SQL().Begin()
	require.NoError(b, err)
	const rows = 500
	for i := 0; i < n; i += rows {
		var sb strings.Builder
		var args []any
		sb.WriteString("INSERT INTO custos_retention_clocks (subject, rule, record_type, started, keep_until, due, next_at) VALUES ")
		for j := i; j < min(n, i+rows); j++ {
			next := t0.AddDate(20, 0, 0)
			if j%(n/due) == 0 {
				next = t0.AddDate(9, 0, 0)
			}
			if j > i {
				sb.WriteString(",")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, 'transaction', $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6)
			args = append(args, fmt.Sprintf("C%07d", j), "aml-transaction", t0.UnixMicro(), t0.UnixMicro(), next.UnixMicro(), next.UnixMicro())
		}
		_, err := tx.Exec(sb.String(), args...)
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit())
}
