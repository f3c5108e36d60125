package rights_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/vault"
)

// BenchmarkAccessRequest measures a full access request — submit, verify,
// export with the consent receipts and the Art. 15(1) information, record
// each step, close, enqueue the answer — for a customer with 20 records
// (request), beside vault.Export of the same customer alone (export), on
// memstore with an in-memory recorder.
func BenchmarkAccessRequest(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	f.extra = 18 // customer, lease and 18 more: 20 records
	f.customer("C0000042", "customer", "lease")
	for _, t := range extraTypes(f.extra) {
		require.NoError(b, f.vault.Put(ctx, clerk, "C0000042", t, vault.Values{"v": "value of " + t}))
	}
	n := 0 // outside the closure: the framework may call it more than once
	b.Run("request", func(b *testing.B) {
		for b.Loop() {
			n++
			r := f.verifiedRequest(request(fmt.Sprintf("bench-%d", n), rights.Copy))
			if _, err := f.d.Fulfil(ctx, dpo, r.ID, rights.Fulfilment{Out: io.Discard}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			if err := f.vault.Export(ctx, dpo, "C0000042", io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
