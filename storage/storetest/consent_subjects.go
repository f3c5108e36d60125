package storetest

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// VaultSubjects answers custos.Subjects from a vault's store and keyring,
// as the vault knows its customers: one with a subject entry is active or
// restricted, one whose reference is in the shred ledger is forgotten, any
// other is unknown. Tests use it to build a consent.Registry before the
// vault that takes the registry's Checker as its authorizer.
func VaultSubjects(store vault.Store, kr *keys.Keyring) custos.Subjects {
	return vaultSubjects{store: store, keys: kr}
}

type vaultSubjects struct {
	store vault.Store
	keys  *keys.Keyring
}

func (s vaultSubjects) SubjectState(ctx context.Context, subject custos.SubjectID) (custos.SubjectState, error) {
	sub, err := s.store.GetSubject(ctx, subject)
	switch {
	case err == nil && sub.Restriction.Restricted:
		return custos.SubjectRestricted, nil
	case err == nil:
		return custos.SubjectActive, nil
	case !errors.Is(err, vault.ErrNotFound):
		return custos.SubjectUnknown, fmt.Errorf("storetest: read subject: %w", err)
	}
	gone, err := s.keys.Shredded(ctx, subject)
	switch {
	case err != nil:
		return custos.SubjectUnknown, fmt.Errorf("storetest: read shred ledger: %w", err)
	case gone:
		return custos.SubjectForgotten, nil
	}
	return custos.SubjectUnknown, nil
}
