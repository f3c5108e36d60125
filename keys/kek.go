package keys

import (
	"fmt"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// KEK is a key-encryption key: any Tink AEAD, with a stable identifier
// recorded beside every keyset it wraps so that the right KEK is chosen to
// unwrap during a rotation.
//
// In production the AEAD comes from a Tink KMS client, and the key never
// leaves the KMS. For example, with
// github.com/tink-crypto/tink-go-gcpkms/v2/integration/gcpkms:
//
//	uri := "gcp-kms://projects/p/locations/global/keyRings/r/cryptoKeys/custos"
//	client, err := gcpkms.NewClientWithOptions(ctx, uri)
//	...
//	aead, err := client.GetAEAD(uri)
//	...
//	kek := keys.KEK{ID: uri, AEAD: aead}
//
// AWS KMS (tink-go-awskms, "aws-kms://arn:aws:kms:...") and HashiCorp Vault
// (tink-go-hcvault, "hcvault://...") clients work the same way: GetAEAD
// returns the tink.AEAD to put here. custos itself imports no cloud SDK.
// For development, package keys/insecuredevkek reads a local keyset file.
type KEK struct {
	// ID names the KEK, such as its KMS key URI. It is stored in clear with
	// every wrapped keyset; it must not be empty and must differ between
	// KEKs.
	ID string
	// AEAD wraps and unwraps keysets.
	AEAD tink.AEAD
}

func (k KEK) validate() error {
	if k.ID == "" {
		return fmt.Errorf("%w: KEK has no ID", ErrConfig)
	}
	if len(k.ID) > 512 {
		return fmt.Errorf("%w: KEK ID longer than 512 bytes", ErrConfig)
	}
	if k.AEAD == nil {
		return fmt.Errorf("%w: KEK has no AEAD", ErrConfig)
	}
	return nil
}
