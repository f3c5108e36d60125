package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// RecordTypes returns the names of the record types the vault holds a
// record of for the customer, sorted: which kinds of record exist, no field
// value, but still a read of the customer's state. A retention sweep uses it
// to destroy a customer only when every record type they hold may go. It is
// authorized and recorded like Restriction.
func (v *Vault) RecordTypes(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]string, error) {
	return readState(ctx, v, acc, subject, func() ([]string, error) {
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
	})
}

// Since returns when the vault first stored a record of the customer: no
// personal data, but a read of the customer's state, authorized and
// recorded like Restriction. A retention clock refuses an event dated
// before it.
func (v *Vault) Since(ctx context.Context, acc custos.Access, subject custos.SubjectID) (time.Time, error) {
	return readState(ctx, v, acc, subject, func() (time.Time, error) {
		s, err := v.subject(ctx, subject)
		return s.Created, err
	})
}

// readState runs read, a read of the customer's state that reveals no
// field value, under the rules of every such read: the access and subject
// are valid, the access is allowed custos.ActionState for the customer
// before anything is read (so a refusal says nothing of whether the
// customer exists or was forgotten), and the read's event, with its
// outcome (ErrNotFound, ErrForgotten), is recorded before the answer is
// returned.
func readState[T any](ctx context.Context, v *Vault, acc custos.Access, subject custos.SubjectID, read func() (T, error)) (T, error) {
	var zero T
	if err := validate(acc, subject); err != nil {
		return zero, err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionState, Subject: subject})
	if err != nil {
		return zero, err
	}
	out, err := read()
	if err = v.event(ctx, ev, err); err != nil {
		return zero, err
	}
	return out, nil
}

// subject reads the customer's subject entry.
func (v *Vault) subject(ctx context.Context, subject custos.SubjectID) (Subject, error) {
	s, err := v.store.GetSubject(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return Subject{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return Subject{}, fmt.Errorf("vault: read subject: %w", err)
	}
	return s, nil
}
