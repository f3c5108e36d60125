package vault

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
)

// RecordTypes returns the names of the record types the vault holds a
// record of for the customer, sorted: which kinds of record exist, no field
// value, but still a read of the customer's state. A retention sweep uses it
// to destroy a customer only when every record type they hold may go.
//
// Like Restriction, the access must be allowed custos.ActionState for the
// customer and the read is recorded; a refusal comes before anything is
// read, so a caller without the right learns nothing. Otherwise it returns
// ErrForgotten for a forgotten customer and ErrNotFound for one never
// stored.
func (v *Vault) RecordTypes(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]string, error) {
	if err := validate(acc, subject); err != nil {
		return nil, err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionState, Subject: subject})
	if err != nil {
		return nil, err
	}
	types, err := v.recordTypes(ctx, subject)
	if err = v.event(ctx, ev, err); err != nil {
		return nil, err
	}
	return types, nil
}

func (v *Vault) recordTypes(ctx context.Context, subject custos.SubjectID) ([]string, error) {
	records, err := v.store.SubjectRecords(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return nil, v.notFound(ctx, subject)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: read records: %w", err)
	}
	types := make([]string, 0, len(records))
	for _, r := range records {
		types = append(types, r.Type) // SubjectRecords sorts by type
	}
	return types, nil
}
