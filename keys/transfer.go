package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
)

// ExportDEK returns the customer's DEK keyset as a Tink EncryptedKeyset
// (binary) under the AEAD to, with associated data ad: the keyset is
// unwrapped with the KEK (or epoch key) that wraps it and encrypted again
// under to, never written anywhere in clear. A company transfer (PIPL Art.
// 22, 23) uses it to hand a customer's key to the acquirer without any
// field being decrypted. It returns ErrShredded for a forgotten customer,
// ErrNotFound for one without a DEK and ErrUnwrap when the stored keyset
// does not unwrap.
func (r *Keyring) ExportDEK(ctx context.Context, subject custos.SubjectID, to tink.AEAD, ad []byte) ([]byte, error) {
	if to == nil {
		return nil, fmt.Errorf("%w: ExportDEK needs an AEAD", ErrConfig)
	}
	w, err := r.store.GetDEK(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		if gone, lerr := r.Shredded(ctx, subject); lerr != nil {
			return nil, lerr
		} else if gone {
			return nil, ErrShredded
		}
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("keys: read DEK: %w", err)
	}
	h, err := r.unwrapDEK(ctx, w)
	if errors.Is(err, ErrDestroyed) {
		// An epoch close moved the DEK meanwhile: read it again once.
		if w, err = r.store.GetDEK(ctx, subject); err != nil {
			return nil, fmt.Errorf("keys: read DEK: %w", err)
		}
		h, err = r.unwrapDEK(ctx, w)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), to, ad); err != nil {
		return nil, fmt.Errorf("keys: export DEK: %w", err)
	}
	return buf.Bytes(), nil
}

// ImportDEK stores as the customer's DEK the keyset in wrapped, a Tink
// EncryptedKeyset that the AEAD from opens under associated data ad (as
// ExportDEK wrote it), wrapped under this Keyring's KEK or epoch key. The
// keyset must hold only AES-256-GCM keys, as every DEK does; otherwise, or
// when from cannot open it, ImportDEK returns ErrUnwrap and stores nothing.
//
// Importing the same keyset again for the same customer succeeds and
// changes nothing, so an interrupted import can be run again. A customer
// who already has another DEK is refused with ErrExists, and a customer in
// the shred ledger with ErrShredded; neither changes anything.
func (r *Keyring) ImportDEK(ctx context.Context, subject custos.SubjectID, wrapped []byte, from tink.AEAD, ad []byte) error {
	if from == nil {
		return fmt.Errorf("%w: ImportDEK needs an AEAD", ErrConfig)
	}
	if err := subject.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), from, ad)
	if err != nil {
		return ErrUnwrap
	}
	if !dekShaped(h) {
		return fmt.Errorf("%w: imported keyset is not an AES-256-GCM DEK", ErrUnwrap)
	}
	if gone, err := r.Shredded(ctx, subject); err != nil {
		return err
	} else if gone {
		return ErrShredded
	}
	ref := r.Reference(subject)
	for range 3 {
		t, err := r.target(ctx, ref)
		if err != nil {
			return err
		}
		sealed, err := r.encryptKeyset(t.aead, h, dekAD(subject))
		if err != nil {
			return err
		}
		now := r.now()
		w := WrappedDEK{Subject: subject, Ref: ref, Group: t.group, KEKID: t.id, Keyset: sealed, Version: 1, Created: now, Updated: now}
		switch err := r.store.CreateDEK(ctx, w); {
		case err == nil:
			r.cache.drop(subject)
			return nil
		case errors.Is(err, ErrExists):
			have, err := r.store.GetDEK(ctx, subject)
			if err != nil {
				return fmt.Errorf("keys: read DEK: %w", err)
			}
			old, err := r.unwrapDEK(ctx, have)
			if err != nil {
				return err
			}
			if sameKeyset(old, h) {
				return nil // imported before: nothing to do
			}
			return ErrExists
		case errors.Is(err, ErrConflict):
			r.dropGroup(t.group)
		case errors.Is(err, ErrShredded):
			return ErrShredded
		default:
			return fmt.Errorf("keys: store DEK: %w", err)
		}
	}
	return fmt.Errorf("keys: store DEK: %w", ErrConflict)
}

// dekShaped reports whether every key of h is an AES-256-GCM key and one is
// primary.
func dekShaped(h *keyset.Handle) bool {
	if h.Len() == 0 {
		return false
	}
	primary := false
	for i := range h.Len() {
		e, err := h.Entry(i)
		if err != nil {
			return false
		}
		k, ok := e.Key().(*aesgcm.Key)
		if !ok {
			return false
		}
		if p, ok := k.Parameters().(*aesgcm.Parameters); !ok || p.KeySizeInBytes() != 32 {
			return false
		}
		primary = primary || e.IsPrimary()
	}
	return primary
}

// sameKeyset reports whether a and b hold the same keys with the same ids,
// statuses and primary.
func sameKeyset(a, b *keyset.Handle) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		x, err1 := a.Entry(i)
		y, err2 := b.Entry(i)
		if err1 != nil || err2 != nil {
			return false
		}
		if x.KeyID() != y.KeyID() || x.KeyStatus() != y.KeyStatus() || x.IsPrimary() != y.IsPrimary() || !x.Key().Equal(y.Key()) {
			return false
		}
	}
	return true
}

// Subjects returns up to limit customers holding a DEK whose subjects sort
// after `after` in byte order, ascending: a page of the customers a
// company transfer considers. An empty after starts at the beginning.
func (r *Keyring) Subjects(ctx context.Context, after custos.SubjectID, limit int) ([]custos.SubjectID, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("%w: limit must be positive", ErrConfig)
	}
	page, err := r.store.ScanDEKs(ctx, after, limit)
	if err != nil {
		return nil, fmt.Errorf("keys: scan DEKs: %w", err)
	}
	out := make([]custos.SubjectID, len(page))
	for i, w := range page {
		out[i] = w.Subject
	}
	return out, nil
}
