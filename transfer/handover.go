package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/daead"
	"github.com/tink-crypto/tink-go/v2/daead/aessiv"
	"github.com/tink-crypto/tink-go/v2/hybrid"
	"github.com/tink-crypto/tink-go/v2/hybrid/hpke"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/keys"
)

// The key handover (docs/FORMAT.md, "Company transfer"):
//
//  1. The acquirer makes an HPKE keyset (NewRecipientKeyset) and publishes
//     its public half (PublicKeyset); it goes into the plan.
//  2. The seller makes one transfer key per transfer: a Tink AES-SIV
//     deterministic-AEAD keyset, kept wrapped by its own KEK like any
//     named keyset, and encapsulates it to the acquirer's public keyset:
//     the transfer keyset travels as a Tink EncryptedKeyset whose
//     encryption is Tink's HPKE hybrid encryption, with the transfer id
//     bound in as context info.
//  3. Each moved customer's DEK keyset is unwrapped from the seller's KEK
//     and travels as a Tink EncryptedKeyset under the transfer key, with
//     associated data binding transfer id and customer. No field is
//     decrypted; the field ciphertexts travel byte for byte.
//
// The transfer key is deterministic (AES-SIV) so that an export run again
// after a crash writes the same bytes and the same manifest root: each DEK
// keyset is distinct random key material, so determinism reveals nothing.

// RecipientKeyTemplate is the Tink template of the acquirer's keyset:
// HPKE with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM.
func RecipientKeyTemplate() *tinkpb.KeyTemplate {
	return hybrid.DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM_Key_Template()
}

// NewRecipientKeyset returns a new private HPKE keyset for an acquirer.
// Keep it as any private keyset (wrapped by a KMS key); publish only
// PublicKeyset of it.
func NewRecipientKeyset() (*keyset.Handle, error) {
	h, err := keyset.NewHandle(RecipientKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("transfer: new recipient keyset: %w", err)
	}
	return h, nil
}

// PublicKeyset returns the public half of an acquirer's private HPKE
// keyset in Tink's binary keyset format, for Recipient.PublicKeyset.
func PublicKeyset(private *keyset.Handle) ([]byte, error) {
	pub, err := private.Public()
	if err != nil {
		return nil, fmt.Errorf("%w: not a private hybrid keyset", ErrKey)
	}
	var buf bytes.Buffer
	if err := pub.WriteWithNoSecrets(keyset.NewBinaryWriter(&buf)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	return buf.Bytes(), nil
}

// ParseRecipientKey parses a binary public keyset and returns its hybrid
// encryption. It accepts only keysets of HPKE public keys.
func ParseRecipientKey(public []byte) (tink.HybridEncrypt, error) {
	h, err := keyset.ReadWithNoSecrets(keyset.NewBinaryReader(bytes.NewReader(public)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a public keyset", ErrKey)
	}
	for i := range h.Len() {
		e, err := h.Entry(i)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKey, err)
		}
		if _, ok := e.Key().(*hpke.PublicKey); !ok {
			return nil, fmt.Errorf("%w: keyset holds a key that is not an HPKE public key", ErrKey)
		}
	}
	enc, err := hybrid.NewHybridEncrypt(h)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	return enc, nil
}

// KeyFingerprint is the SHA-256 of a binary public keyset, named in the
// manifest so that the acquirer checks the bundle was made for its key.
func KeyFingerprint(public []byte) []byte {
	d := sha256.Sum256(public)
	return d[:]
}

// TransferKeyTemplate is the Tink template of a transfer key: AES-SIV.
func TransferKeyTemplate() *tinkpb.KeyTemplate { return daead.AESSIVKeyTemplate() }

// transferKeyAD is the context info the transfer key is encapsulated under.
func transferKeyAD(transferID string) []byte {
	return adata.Build("custos.transfer.key.v1", transferID)
}

// dekAD is the associated data of a customer's DEK keyset under the
// transfer key: transfer and customer.
func dekAD(transferID string, subject custos.SubjectID) []byte {
	return adata.Build("custos.transfer.dek.v1", transferID, string(subject))
}

// SealTransferKey encapsulates the transfer keyset tk to the recipient's
// public keyset for transfer id: a Tink EncryptedKeyset (binary) that only
// OpenTransferKey with the matching private keyset and the same id opens.
func SealTransferKey(public []byte, transferID string, tk *keyset.Handle) ([]byte, error) {
	enc, err := ParseRecipientKey(public)
	if err != nil {
		return nil, err
	}
	if _, err := transferAEAD(tk); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tk.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), hybridSealer{enc}, transferKeyAD(transferID)); err != nil {
		return nil, fmt.Errorf("%w: seal transfer key: %v", ErrKey, err)
	}
	return buf.Bytes(), nil
}

// OpenTransferKey opens a transfer key sealed by SealTransferKey with the
// acquirer's private keyset. A wrong private key, another transfer id or
// altered bytes give ErrKey.
func OpenTransferKey(private *keyset.Handle, transferID string, sealed []byte) (*keyset.Handle, error) {
	dec, err := hybrid.NewHybridDecrypt(private)
	if err != nil {
		return nil, fmt.Errorf("%w: not a private hybrid keyset", ErrKey)
	}
	tk, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(sealed)), hybridOpener{dec}, transferKeyAD(transferID))
	if err != nil {
		return nil, fmt.Errorf("%w: the transfer key does not open with this private key and transfer id", ErrKey)
	}
	if _, err := transferAEAD(tk); err != nil {
		return nil, err
	}
	return tk, nil
}

// transferAEAD checks that tk is an AES-SIV keyset and returns it as the
// AEAD that Tink's keyset writer and reader take.
func transferAEAD(tk *keyset.Handle) (tink.AEAD, error) {
	for i := range tk.Len() {
		e, err := tk.Entry(i)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKey, err)
		}
		if _, ok := e.Key().(*aessiv.Key); !ok {
			return nil, fmt.Errorf("%w: transfer key is not an AES-SIV keyset", ErrKey)
		}
	}
	d, err := daead.New(tk)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	return sivAEAD{d}, nil
}

// hybridSealer presents hybrid encryption as the AEAD Tink's keyset writer
// takes; associated data becomes HPKE context info.
type hybridSealer struct{ enc tink.HybridEncrypt }

func (h hybridSealer) Encrypt(pt, ad []byte) ([]byte, error) { return h.enc.Encrypt(pt, ad) }
func (h hybridSealer) Decrypt([]byte, []byte) ([]byte, error) {
	return nil, errors.New("transfer: a public key does not decrypt")
}

// hybridOpener is hybrid decryption as the AEAD Tink's keyset reader takes.
type hybridOpener struct{ dec tink.HybridDecrypt }

func (h hybridOpener) Encrypt([]byte, []byte) ([]byte, error) {
	return nil, errors.New("transfer: the opener does not encrypt")
}
func (h hybridOpener) Decrypt(ct, ad []byte) ([]byte, error) { return h.dec.Decrypt(ct, ad) }

// sivAEAD is a deterministic AEAD as the AEAD Tink's keyset writer takes.
type sivAEAD struct{ d tink.DeterministicAEAD }

func (s sivAEAD) Encrypt(pt, ad []byte) ([]byte, error) { return s.d.EncryptDeterministically(pt, ad) }
func (s sivAEAD) Decrypt(ct, ad []byte) ([]byte, error) { return s.d.DecryptDeterministically(ct, ad) }

// TransferKey is one transfer's key, opened: it wraps and unwraps the moved
// customers' DEK keysets, each under associated data naming the transfer
// and the customer, so that a wrapped DEK moved to another customer or
// another transfer does not open.
type TransferKey struct {
	id   string
	aead tink.AEAD
}

// NewTransferKey returns the transfer key of transfer id from its keyset
// (an AES-SIV keyset: the seller's, or the acquirer's from
// OpenTransferKey).
func NewTransferKey(transferID string, tk *keyset.Handle) (*TransferKey, error) {
	a, err := transferAEAD(tk)
	if err != nil {
		return nil, err
	}
	return &TransferKey{id: transferID, aead: a}, nil
}

// ExportDEK returns the customer's DEK keyset from the seller's keyring,
// wrapped under the transfer key. Wrapping the same DEK again gives the
// same bytes.
func (k *TransferKey) ExportDEK(ctx context.Context, kr *keys.Keyring, subject custos.SubjectID) ([]byte, error) {
	return kr.ExportDEK(ctx, subject, k.aead, dekAD(k.id, subject))
}

// ImportDEK stores a DEK wrapped by ExportDEK as the customer's DEK in the
// acquirer's keyring, wrapped there under the acquirer's own KEK. A DEK
// wrapped for another customer or transfer, or altered, fails with
// keys.ErrUnwrap; a customer who already holds another DEK fails with
// keys.ErrExists. Importing the same DEK again succeeds.
func (k *TransferKey) ImportDEK(ctx context.Context, kr *keys.Keyring, subject custos.SubjectID, wrapped []byte) error {
	return kr.ImportDEK(ctx, subject, wrapped, k.aead, dekAD(k.id, subject))
}
