package keys

import (
	"context"
	"fmt"
	"regexp"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// Source holds the erasure-epoch keys: named key-encryption keys that
// custos creates, uses to wrap DEKs, and destroys. Destroying a key is what
// completes an erasure (PIPL Art. 47; GDPR Art. 17): every copy of a DEK
// wrapped under it, in the live store, its free pages, its WAL or any
// backup, is then undecryptable by anyone, custos included.
//
// A KMS adapter maps each name to a key of the KMS and Destroy to the
// destruction of that key's material: on Google Cloud KMS, destroying the
// CryptoKeyVersion (material is erased after the key's
// destroy-scheduled duration, 30 days unless set shorter); on AWS KMS,
// ScheduleKeyDeletion (a waiting period of 7 to 30 days); on HashiCorp
// Vault transit, deleting the key (deletion_allowed set). Such a delay goes
// in [EpochConfig.DestroyDelay], so that certificates name the time the
// material is really gone. For development, package keys/insecuredevkek
// keeps keys in a local file and deletes them from it.
//
// Implementations must be safe for concurrent use. custos chooses the
// names (see [EpochConfig.KeyPrefix]); they match [ValidKeyName].
type Source interface {
	// Create makes a new key under name. Creating a name that exists and
	// was not destroyed succeeds and changes nothing, so that an
	// interrupted epoch close can be resumed; creating a name that was
	// destroyed returns ErrDestroyed: a destroyed key never comes back.
	Create(ctx context.Context, name string) error
	// AEAD returns the key's AEAD. It returns ErrDestroyed for a
	// destroyed key and ErrNotFound for a name never created.
	AEAD(ctx context.Context, name string) (tink.AEAD, error)
	// Destroy destroys the key's material. Destroying a destroyed key
	// succeeds; destroying a name never created returns ErrNotFound.
	Destroy(ctx context.Context, name string) error
	// List returns the names of the keys not destroyed, sorted.
	List(ctx context.Context) ([]string, error)
}

// keyName matches the Source names custos uses: lower-case letters,
// digits and '-', at most 63 bytes (a GCP CryptoKey ID, an AWS alias and a
// Vault key name all accept them).
var keyName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidKeyName reports whether name is a Source key name custos can use:
// 1 to 63 bytes of lower-case letters, digits and '-', starting with a
// letter or digit. Source implementations may refuse other names.
func ValidKeyName(name string) error {
	if !keyName.MatchString(name) {
		return fmt.Errorf("%w: key name must be 1-63 lower-case letters, digits and '-'", ErrConfig)
	}
	return nil
}
