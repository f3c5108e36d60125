package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// RecordTypes returns the names of the record types the vault holds a
// record of for the customer, sorted. Like Restriction it reveals no
// personal data, only which kinds of record exist, and is not audited: a
// retention sweep uses it to destroy a customer only when every record type
// they hold may go. It returns ErrForgotten for a forgotten customer and
// ErrNotFound for one never stored.
func (v *Vault) RecordTypes(ctx context.Context, subject custos.SubjectID) ([]string, error) {
	if err := subject.Validate(); err != nil {
		return nil, err
	}
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

// Since returns when the vault first stored a record of the customer.
// Like Restriction it reveals no personal data and is not audited: a
// retention clock refuses an event dated before it. It returns
// ErrForgotten for a forgotten customer and ErrNotFound for one never
// stored.
func (v *Vault) Since(ctx context.Context, subject custos.SubjectID) (time.Time, error) {
	if err := subject.Validate(); err != nil {
		return time.Time{}, err
	}
	s, err := v.store.GetSubject(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("vault: read subject: %w", err)
	}
	return s.Created, nil
}
