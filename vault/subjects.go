package vault

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// Subjects answers custos.Subjects from a vault's store and keyring, as
// the Vault built on them would: a customer with a tombstone (Forget
// begun), or in the shred ledger, is forgotten; one with a subject entry
// is active or restricted; any other is unknown. Components the Vault
// depends on, such as the consent registry whose Checker is the Vault's
// authorizer, are built with it before the Vault.
func Subjects(store Store, kr *keys.Keyring) custos.Subjects {
	return subjects{store: store, keys: kr}
}

type subjects struct {
	store Store
	keys  *keys.Keyring
}

func (s subjects) SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	return subjectState(ctx, s.store, s.keys, subject)
}

// SubjectState tells the customer's state (custos.Subjects), as Subjects
// over the Vault's store and keyring does.
func (v *Vault) SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	return subjectState(ctx, v.store, v.keys, subject)
}

func subjectState(ctx context.Context, store Store, kr *keys.Keyring, subject custos.SubjectID) (custos.SubjectState, error) {
	if err := subject.Validate(); err != nil {
		return custos.SubjectUnknown, err
	}
	switch _, err := store.GetTombstone(ctx, kr.Reference(subject)); {
	case err == nil:
		return custos.SubjectForgotten, nil
	case !errors.Is(err, ErrNotFound):
		return custos.SubjectUnknown, fmt.Errorf("vault: read tombstone: %w", err)
	}
	sub, err := store.GetSubject(ctx, subject)
	switch {
	case err == nil && sub.Restriction.Restricted:
		return custos.SubjectRestricted, nil
	case err == nil:
		return custos.SubjectActive, nil
	case !errors.Is(err, ErrNotFound):
		return custos.SubjectUnknown, fmt.Errorf("vault: read subject: %w", err)
	}
	gone, err := kr.Shredded(ctx, subject)
	switch {
	case err != nil:
		return custos.SubjectUnknown, fmt.Errorf("vault: %w", err)
	case gone:
		return custos.SubjectForgotten, nil
	}
	return custos.SubjectUnknown, nil
}

// forgotten reports whether the customer has a tombstone or is in the
// shred ledger (an erasure from before tombstones, or one whose tombstone
// a restore lost and Reapply has not yet put back).
func forgotten(ctx context.Context, store Store, kr *keys.Keyring, subject custos.SubjectID) (bool, error) {
	switch _, err := store.GetTombstone(ctx, kr.Reference(subject)); {
	case err == nil:
		return true, nil
	case !errors.Is(err, ErrNotFound):
		return false, fmt.Errorf("vault: read tombstone: %w", err)
	}
	gone, err := kr.Shredded(ctx, subject)
	if err != nil {
		return false, fmt.Errorf("vault: %w", err)
	}
	return gone, nil
}
