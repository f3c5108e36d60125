package keys

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecuresecretdataaccess"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/secretdata"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// A cache slot holds a DEK keyset's enabled AES-256-GCM keys in a fixed
// layout, little-endian:
//
//	version (8) | loaded, Unix ns (8) | key count (1) | primary (1) |
//	slotKeys × ( key id (4) | Tink variant (1) | key (32) )
const (
	slotKeys     = 2
	keyEntrySize = 4 + 1 + 32
	materialSize = 18 + slotKeys*keyEntrySize
)

func slotVersion(s []byte) int64 { return int64(binary.LittleEndian.Uint64(s[0:])) }
func slotLoaded(s []byte) int64  { return int64(binary.LittleEndian.Uint64(s[8:])) }

// fill writes h's enabled keys into m and reports whether they fit: at
// most slotKeys AES-256-GCM keys with 12-byte IVs and 16-byte tags, the DEK
// template's, one of them primary.
func fill(m []byte, h *keyset.Handle) bool {
	n, primary := 0, -1
	for i := range h.Len() {
		e, err := h.Entry(i)
		if err != nil {
			return false
		}
		if e.KeyStatus() != keyset.Enabled {
			continue // Tink's AEAD does not use it either
		}
		k, ok := e.Key().(*aesgcm.Key)
		if !ok || n == slotKeys {
			return false
		}
		p, ok := k.Parameters().(*aesgcm.Parameters)
		if !ok || p.KeySizeInBytes() != 32 || p.IVSizeInBytes() != 12 || p.TagSizeInBytes() != 16 {
			return false
		}
		if e.IsPrimary() {
			primary = n
		}
		b := m[18+n*keyEntrySize:]
		binary.LittleEndian.PutUint32(b, e.KeyID())
		b[4] = byte(p.Variant())
		copy(b[5:5+32], k.KeyBytes().Data(insecuresecretdataaccess.Token{}))
		n++
	}
	if primary < 0 {
		clear(m)
		return false
	}
	m[16], m[17] = byte(n), byte(primary)
	return true
}

// build returns the AEAD of the keys in m, as Tink's keyset AEAD would
// behave for the same keyset: encrypt with the primary key, decrypt with
// the key whose output prefix the ciphertext carries.
func build(m []byte) (dek, error) {
	n, primary := int(m[16]), int(m[17])
	if n == 0 || n > slotKeys || primary >= n {
		return dek{}, errBadSlot
	}
	keys := make([]prefixed, n)
	for i := range n {
		b := m[18+i*keyEntrySize:]
		params, err := aesgcm.NewParameters(aesgcm.ParametersOpts{KeySizeInBytes: 32, IVSizeInBytes: 12, TagSizeInBytes: 16, Variant: aesgcm.Variant(b[4])})
		if err != nil {
			return dek{}, err
		}
		id := binary.LittleEndian.Uint32(b)
		if params.Variant() == aesgcm.VariantNoPrefix {
			id = 0
		}
		k, err := aesgcm.NewKey(secretdata.NewBytesFromData(b[5:5+32], insecuresecretdataaccess.Token{}), id, params)
		if err != nil {
			return dek{}, err
		}
		a, err := aesgcm.NewAEAD(k)
		if err != nil {
			return dek{}, err
		}
		keys[i] = prefixed{AEAD: a, prefix: k.OutputPrefix()}
	}
	p := keys[primary]
	if n == 1 {
		return dek{aead: p.AEAD, prefix: p.prefix}, nil
	}
	return dek{aead: &keysetAEAD{primary: p, all: keys}, prefix: p.prefix}, nil
}

var errBadSlot = errors.New("keys: malformed cache slot")

// prefixed is one key's AEAD and its Tink output prefix.
type prefixed struct {
	tink.AEAD
	prefix []byte
}

// keysetAEAD is the AEAD of a keyset of several keys.
type keysetAEAD struct {
	primary prefixed
	all     []prefixed
}

func (k *keysetAEAD) Encrypt(plaintext, ad []byte) ([]byte, error) {
	return k.primary.Encrypt(plaintext, ad)
}

// Decrypt tries the keys whose prefix the ciphertext carries, then the
// keys without a prefix, as Tink's keyset AEAD does.
func (k *keysetAEAD) Decrypt(ciphertext, ad []byte) ([]byte, error) {
	for _, raw := range []bool{false, true} {
		for _, p := range k.all {
			if (len(p.prefix) == 0) != raw || !bytes.HasPrefix(ciphertext, p.prefix) {
				continue
			}
			if pt, err := p.Decrypt(ciphertext, ad); err == nil {
				return pt, nil
			}
		}
	}
	return nil, errors.New("keys: decryption failed")
}
