package retention

import (
	"context"
	"fmt"

	"github.com/custos-go/custos/internal/fanout"
	"github.com/custos-go/custos/vault"
)

// destroyBatch destroys, with one vault.ForgetBatch, every customer of a
// batch whose outcome waits for its erasure, then keeps each certificate
// (the certificates are stored at once, concurrently), so that a batch's
// destructions share the store's commits and the audit log's batch. Each
// customer's outcome and error are what destroying them alone would give:
// a crash or failure at any point leaves each as an interrupted Forget
// does, and the rerun resumes them (see Sweep).
func (r *Retention) destroyBatch(ctx context.Context, res []result, sweep string) {
	var idx []int
	var items []vault.ForgetItem
	for i := range res {
		if res[i].forget != nil && res[i].err == nil {
			idx = append(idx, i)
			items = append(items, vault.ForgetItem{Subject: res[i].o.Subject, Why: *res[i].forget})
		}
	}
	for len(items) > 0 {
		n := min(len(items), vault.MaxForgetBatch)
		r.forgetChunk(ctx, res, idx[:n], items[:n], sweep)
		idx, items = idx[n:], items[n:]
	}
}

// forgetChunk is destroyBatch for at most vault.MaxForgetBatch customers.
func (r *Retention) forgetChunk(ctx context.Context, res []result, idx []int, items []vault.ForgetItem, sweep string) {
	got, err := r.vault.ForgetBatch(ctx, r.acc, items)
	if err != nil {
		for _, i := range idx {
			res[i].o, res[i].err = Outcome{}, fmt.Errorf("retention: forget: %w", err)
		}
		return
	}
	fanout.Each(len(idx), 0, func(k int) {
		i := idx[k]
		res[i].o, res[i].err = r.forgotten(ctx, res[i].o, got[k], sweep)
	})
}
