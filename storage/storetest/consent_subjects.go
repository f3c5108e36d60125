package storetest

import (
	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// VaultSubjects answers custos.Subjects from a vault's store and keyring,
// as vault.Subjects does. Tests use it to build a consent.Registry before
// the vault that takes the registry's Checker as its authorizer.
//
// Deprecated: use vault.Subjects.
func VaultSubjects(store vault.Store, kr *keys.Keyring) custos.Subjects {
	return vault.Subjects(store, kr)
}
