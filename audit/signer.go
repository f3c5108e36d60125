package audit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/tink"
	"golang.org/x/mod/sumdb/note"

	"github.com/custos-go/custos/internal/adata"
)

// signerLabel binds an encrypted signing key to its use and verifier key.
const signerLabel = "custos.audit.signer.v1"

// signingKeys is the log's checkpoint key pair, decrypted.
type signingKeys struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

// loadSigner returns the log's signing key, creating it on first use. The
// signer key is stored only encrypted under the SignerKeyName keyset, which
// Keys keeps wrapped by the KEK.
func loadSigner(ctx context.Context, s Store, k Keys, origin string, now time.Time) (signingKeys, error) {
	h, err := k.NamedKeyset(ctx, SignerKeyName, aead.AES256GCMKeyTemplate())
	if err != nil {
		return signingKeys{}, fmt.Errorf("%w: signer keyset: %w", ErrSigningKey, err)
	}
	a, err := aead.New(h)
	if err != nil {
		return signingKeys{}, fmt.Errorf("%w: signer keyset: %w", ErrSigningKey, err)
	}
	for range 2 {
		stored, err := s.SigningKey(ctx)
		if err == nil {
			return openSigner(a, stored, origin)
		}
		if !errors.Is(err, ErrNotFound) {
			return signingKeys{}, fmt.Errorf("audit: read signing key: %w", err)
		}
		skey, vkey, err := note.GenerateKey(rand.Reader, origin)
		if err != nil {
			return signingKeys{}, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		wrapped, err := a.Encrypt([]byte(skey), adata.Build(signerLabel, vkey))
		if err != nil {
			return signingKeys{}, fmt.Errorf("%w: encrypt: %w", ErrSigningKey, err)
		}
		err = s.CreateSigningKey(ctx, SigningKey{Verifier: vkey, Wrapped: wrapped, Created: now})
		if err == nil {
			return openSigner(a, SigningKey{Verifier: vkey, Wrapped: wrapped}, origin)
		}
		if !errors.Is(err, ErrExists) {
			return signingKeys{}, fmt.Errorf("audit: store signing key: %w", err)
		}
		// Another process created it first: use theirs.
	}
	return signingKeys{}, fmt.Errorf("%w: signing key keeps changing", ErrSigningKey)
}

// openSigner decrypts a stored signing key and checks that it belongs to
// origin and to the stored verifier key.
func openSigner(a tink.AEAD, k SigningKey, origin string) (signingKeys, error) {
	skey, err := a.Decrypt(k.Wrapped, adata.Build(signerLabel, k.Verifier))
	if err != nil {
		// Tink's message may describe the key; keep only the fact.
		return signingKeys{}, fmt.Errorf("%w: does not decrypt (wrong keyset, or the stored key or verifier was altered)", ErrSigningKey)
	}
	signer, err := note.NewSigner(string(skey))
	if err != nil {
		return signingKeys{}, fmt.Errorf("%w: not a note signer key", ErrSigningKey)
	}
	verifier, err := note.NewVerifier(k.Verifier)
	if err != nil {
		return signingKeys{}, fmt.Errorf("%w: stored verifier key does not parse", ErrSigningKey)
	}
	if signer.Name() != origin {
		return signingKeys{}, fmt.Errorf("%w: the stored signing key belongs to another origin; the origin of a log cannot change", ErrConfig)
	}
	probe := []byte("custos audit signing key check\n")
	sig, err := signer.Sign(probe)
	if err != nil || verifier.Name() != signer.Name() || verifier.KeyHash() != signer.KeyHash() || !verifier.Verify(probe, sig) {
		return signingKeys{}, fmt.Errorf("%w: stored verifier key does not match the signing key", ErrSigningKey)
	}
	return signingKeys{signer: signer, verifier: verifier, vkey: k.Verifier}, nil
}
