package keys

import (
	"context"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
)

// DEKTemplate is the Tink key template of every customer DEK: AES-256-GCM
// with Tink's 5-byte output prefix, so that a keyset can hold several keys
// after rotation and each ciphertext names the key that made it.
func DEKTemplate() *tinkpb.KeyTemplate { return aead.AES256GCMKeyTemplate() }

// AEAD returns the customer's AEAD for reading, from the cache when fresh.
// It returns ErrShredded for a customer that was forgotten and ErrNotFound
// for one that never had a DEK.
func (r *Keyring) AEAD(ctx context.Context, subject custos.SubjectID) (tink.AEAD, error) {
	if d, ok := r.cache.get(subject); ok {
		return d.aead, nil
	}
	d, err := r.load(ctx, subject)
	if err != nil {
		return nil, err
	}
	return d.aead, nil
}

// ForWrite returns the customer's AEAD for encrypting new values, creating
// the customer's DEK if it has none. Unlike AEAD it always confirms with the
// store that the DEK still exists, so that a customer shredded through
// another Keyring is not written to again with a cached key; it returns
// ErrShredded for a forgotten customer.
func (r *Keyring) ForWrite(ctx context.Context, subject custos.SubjectID) (tink.AEAD, error) {
	w, err := r.store.GetDEK(ctx, subject)
	switch {
	case err == nil:
		if d, ok := r.cache.get(subject); ok && d.version == w.Version {
			return d.aead, nil
		}
		d, err := r.open(ctx, subject, w)
		if err != nil {
			return nil, err
		}
		return d.aead, nil
	case errors.Is(err, ErrNotFound):
		return r.create(ctx, subject)
	default:
		return nil, fmt.Errorf("keys: read DEK: %w", err)
	}
}

// PrimaryPrefix returns the 5-byte Tink output prefix of the customer's
// primary DEK key: the first bytes of every ciphertext it makes. A stored
// ciphertext with another prefix was made by an older key of the keyset,
// before a DEK rotation, and is due for re-encryption.
func (r *Keyring) PrimaryPrefix(ctx context.Context, subject custos.SubjectID) ([]byte, error) {
	d, ok := r.cache.get(subject)
	if !ok {
		var err error
		if d, err = r.load(ctx, subject); err != nil {
			return nil, err
		}
	}
	return d.prefix, nil
}

// Refresh drops the customer's cached DEK, so that the next use reads the
// stored keyset again (for example after a DEK rotation elsewhere).
func (r *Keyring) Refresh(subject custos.SubjectID) { r.cache.drop(subject) }

// Shredded reports whether the customer is in the shred ledger.
func (r *Keyring) Shredded(ctx context.Context, subject custos.SubjectID) (bool, error) {
	ok, err := r.ledger.IsShredded(ctx, r.Reference(subject))
	if err != nil {
		return false, fmt.Errorf("keys: read ledger: %w", err)
	}
	return ok, nil
}

// load reads, unwraps and caches the customer's DEK; concurrent loads of one
// customer share one unwrap.
func (r *Keyring) load(ctx context.Context, subject custos.SubjectID) (dek, error) {
	v, err, _ := r.flight.Do(string(subject), func() (any, error) {
		w, err := r.store.GetDEK(ctx, subject)
		if errors.Is(err, ErrNotFound) {
			if gone, lerr := r.Shredded(ctx, subject); lerr != nil {
				return dek{}, lerr
			} else if gone {
				return dek{}, ErrShredded
			}
			return dek{}, ErrNotFound
		}
		if err != nil {
			return dek{}, fmt.Errorf("keys: read DEK: %w", err)
		}
		return r.open(ctx, subject, w)
	})
	if err != nil {
		return dek{}, err
	}
	return v.(dek), nil
}

// open unwraps a stored DEK and caches it. If the DEK names an epoch key
// destroyed meanwhile, an epoch close has just moved it: it reads it again
// once.
func (r *Keyring) open(ctx context.Context, subject custos.SubjectID, w WrappedDEK) (dek, error) {
	h, err := r.unwrapDEK(ctx, w)
	if errors.Is(err, ErrDestroyed) {
		if w, err = r.store.GetDEK(ctx, subject); err != nil {
			return dek{}, fmt.Errorf("keys: read DEK: %w", err)
		}
		h, err = r.unwrapDEK(ctx, w)
	}
	if err != nil {
		return dek{}, err
	}
	a, prefix, err := primitive(h)
	if err != nil {
		return dek{}, err
	}
	d := dek{aead: a, prefix: prefix, version: w.Version, ref: w.Ref, keyset: h}
	r.cache.put(subject, d)
	return d, nil
}

// create makes, wraps and stores a new DEK for a customer that has none,
// unless the customer was shredded.
func (r *Keyring) create(ctx context.Context, subject custos.SubjectID) (tink.AEAD, error) {
	if gone, err := r.Shredded(ctx, subject); err != nil {
		return nil, err
	} else if gone {
		return nil, ErrShredded
	}
	h, err := keyset.NewHandle(DEKTemplate())
	if err != nil {
		return nil, fmt.Errorf("keys: new DEK: %w", err)
	}
	a, prefix, err := primitive(h)
	if err != nil {
		return nil, err
	}
	ref := r.Reference(subject)
	for range 3 {
		t, err := r.target(ctx, ref)
		if err != nil {
			return nil, err
		}
		wrapped, err := r.encryptKeyset(t.aead, h, dekAD(subject))
		if err != nil {
			return nil, err
		}
		now := r.now()
		w := WrappedDEK{Subject: subject, Ref: ref, Group: t.group, KEKID: t.id, Keyset: wrapped, Version: 1, Created: now, Updated: now}
		switch err := r.store.CreateDEK(ctx, w); {
		case err == nil:
			r.cache.put(subject, dek{aead: a, prefix: prefix, version: 1, ref: w.Ref, keyset: h})
			return a, nil
		case errors.Is(err, ErrExists):
			// A concurrent writer created the customer's DEK first; use theirs.
			d, err := r.load(ctx, subject)
			return d.aead, err
		case errors.Is(err, ErrConflict):
			r.dropGroup(t.group) // an epoch closed meanwhile: wrap under the new key
		default:
			return nil, fmt.Errorf("keys: store DEK: %w", err)
		}
	}
	return nil, fmt.Errorf("keys: store DEK: %w", ErrConflict)
}

// Stats returns the cache and KEK counters.
func (r *Keyring) Stats() Stats {
	c := r.cache
	return Stats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		Evictions: c.evictions.Load(),
		KEKCalls:  c.kekCalls.Load(),
		Entries:   c.len(),
	}
}
