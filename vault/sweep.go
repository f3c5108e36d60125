package vault

import (
	"context"
	"errors"
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

// sweepChange makes a sweep's change of one record under the fail-closed
// rule of change: ev, the sweep's event, is completed with the record's
// customer and type, and prepare gets the record as stored now, read again
// when a conflict makes change retry (nothing to do once it is gone).
func (v *Vault) sweepChange(ctx context.Context, ev custos.Event, t *recordType, s Stored, prepare func(ev *custos.Event, s Stored) (func() error, error)) error {
	ev.Subject, ev.RecordType = s.Subject, t.name
	first := true
	return v.change(ctx, &ev, func() (func() error, error) {
		if !first {
			var err error
			if s, err = v.store.GetRecord(ctx, s.Subject, t.name); errors.Is(err, ErrNotFound) {
				return nil, nil
			} else if err != nil {
				return nil, fmt.Errorf("vault: read record: %w", err)
			}
		}
		first = false
		return prepare(&ev, s)
	})
}
