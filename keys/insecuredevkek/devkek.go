// Package insecuredevkek provides a key-encryption key read from a keyset
// file stored in clear on local disk. It is NOT FOR PRODUCTION: anyone who
// can read the file can unwrap every customer key, and nothing protects or
// audits its use. It exists so that examples and tests run without a KMS.
// In production pass the AEAD of a Tink KMS client as a keys.KEK (see the
// documentation of keys.KEK).
package insecuredevkek

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/custos-go/custos/keys"
)

// Open returns the development KEK kept in the Tink JSON keyset file at
// path, creating the file (mode 0600) with a fresh AES-256-GCM keyset if it
// does not exist. The KEK's ID is "insecure-dev-kek:" followed by a digest
// of the keyset's public key ids, so that two different files give two
// different IDs.
func Open(path string) (keys.KEK, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return create(path)
	}
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: read key file: %w", err)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(raw)))
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: key file is not a Tink JSON keyset: %w", err)
	}
	return fromHandle(h)
}

// New returns a fresh development KEK held only in memory, for tests.
func New() (keys.KEK, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: %w", err)
	}
	return fromHandle(h)
}

func create(path string) (keys.KEK, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: create key file: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		os.Remove(path)
		return keys.KEK{}, fmt.Errorf("insecuredevkek: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return keys.KEK{}, fmt.Errorf("insecuredevkek: write key file: %w", err)
	}
	return fromHandle(h)
}

func fromHandle(h *keyset.Handle) (keys.KEK, error) {
	a, err := aead.New(h)
	if err != nil {
		return keys.KEK{}, fmt.Errorf("insecuredevkek: %w", err)
	}
	d := sha256.New()
	for _, k := range h.KeysetInfo().GetKeyInfo() {
		fmt.Fprintf(d, "%d/", k.GetKeyId())
	}
	return keys.KEK{ID: "insecure-dev-kek:" + hex.EncodeToString(d.Sum(nil)[:8]), AEAD: a}, nil
}
