package vault

import (
	"context"
	"fmt"

	"github.com/custos-go/custos/keys"
)

// ReapplyProgress reports how far Reapply has come.
type ReapplyProgress struct {
	// Seen counts ledger entries examined; Keys and Subjects count the
	// DEKs and customers deleted again.
	Seen, Keys, Subjects int64
}

// Reapply re-applies the shred ledger after the store was restored from a
// backup: every customer the ledger names loses again its DEK, records and
// index entries, and gets its tombstones back, so a restore cannot bring
// a forgotten customer back. It
// streams the ledger with bounded memory and calls progress, if not nil,
// after each batch; running it twice is harmless.
func (v *Vault) Reapply(ctx context.Context, progress func(ReapplyProgress)) (ReapplyProgress, error) {
	var p ReapplyProgress
	kp, err := v.keys.Reapply(ctx, nil, nil)
	p.Keys = kp.Deleted
	if err != nil {
		return p, fmt.Errorf("vault: %w", err)
	}
	err = v.keys.ScanLedger(ctx, nil, func(batch []keys.ShredEntry) error {
		for _, e := range batch {
			d, err := v.store.ForgetSubject(ctx, e.Ref, v.now())
			if err != nil {
				return fmt.Errorf("vault: delete restored records: %w", err)
			}
			p.Seen++
			if d.Subject {
				p.Subjects++
			}
		}
		if progress != nil {
			progress(p)
		}
		return nil
	})
	return p, err
}
