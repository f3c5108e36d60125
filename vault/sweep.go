package vault

import (
	"context"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// sweep calls fn for every stored record of the types want accepts,
// record types in name order and records in subject order, resuming after
// the record (fromType, after). It reads batch records per store call, so
// memory stays bounded, and calls done, if not nil, after each batch.
func (v *Vault) sweep(ctx context.Context, fromType string, after custos.SubjectID, batch int,
	want func(*recordType) bool, fn func(*recordType, Stored) error, done func()) error {
	if batch <= 0 {
		batch = 256
	}
	types := slices.Clone(v.schema.order)
	slices.Sort(types)
	for _, name := range types {
		t := v.schema.types[name]
		if name < fromType || !want(t) {
			continue
		}
		from := custos.SubjectID("")
		if name == fromType {
			from = after
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			page, err := v.store.ScanRecords(ctx, name, from, batch)
			if err != nil {
				return fmt.Errorf("vault: scan records: %w", err)
			}
			for _, s := range page {
				if err := fn(t, s); err != nil {
					return err
				}
				from = s.Subject
			}
			if len(page) > 0 && done != nil {
				done()
			}
			if len(page) < batch {
				break
			}
		}
	}
	return nil
}
