package keys

import (
	"context"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
)

// ForWriteBatch is ForWrite for many customers at once: it returns the AEAD
// of each of subjects, in order, confirming with the store in one call which
// DEKs exist and creating the missing ones in one store transaction
// (Store.CreateDEKs). The subjects must be distinct.
//
// It fails, creating no DEK, with a *custos.ItemError naming the position
// of a customer that was shredded (wrapping ErrShredded). DEKs it created
// are kept even if the caller's write then fails: they hold no data, and
// the next call for the same customers uses them instead of making new
// ones.
func (r *Keyring) ForWriteBatch(ctx context.Context, subjects []custos.SubjectID) ([]tink.AEAD, error) {
	out := make([]tink.AEAD, len(subjects))
	pos := make(map[custos.SubjectID]int, len(subjects))
	for i, s := range subjects {
		if _, dup := pos[s]; dup {
			return nil, &custos.ItemError{Index: i, Err: fmt.Errorf("keys: subject given twice")}
		}
		pos[s] = i
	}
	for range 3 {
		stored, err := r.store.GetDEKs(ctx, subjects)
		if err != nil {
			return nil, fmt.Errorf("keys: read DEKs: %w", err)
		}
		for _, w := range stored {
			i, ok := pos[w.Subject]
			if !ok || out[i] != nil {
				continue
			}
			if d, ok := r.cache.get(w.Subject); ok && d.version == w.Version {
				out[i] = d.aead
				continue
			}
			d, err := r.open(ctx, w.Subject, w)
			if err != nil {
				return nil, &custos.ItemError{Index: i, Err: err}
			}
			out[i] = d.aead
		}
		var missing []int
		for i, a := range out {
			if a == nil {
				missing = append(missing, i)
			}
		}
		if len(missing) == 0 {
			return out, nil
		}
		err = r.createBatch(ctx, subjects, missing, out)
		var ie *custos.ItemError
		switch {
		case err == nil:
			return out, nil
		case errors.As(err, &ie) && errors.Is(ie.Err, ErrExists):
			// A concurrent writer created one first: read theirs.
		case errors.As(err, &ie) && errors.Is(ie.Err, ErrConflict):
			if r.epochs != nil { // an epoch closed meanwhile: wrap under the new key
				r.dropGroup(r.epochs.groupOf(r.Reference(subjects[ie.Index])))
			}
		default:
			return nil, err
		}
	}
	return nil, fmt.Errorf("keys: store DEKs: %w", ErrConflict)
}

// createBatch makes, wraps and stores the DEKs of subjects[i] for each i in
// missing, unless one of them is in the shred ledger, and fills out[i].
// Errors about one customer are *custos.ItemErrors naming its position in
// subjects.
func (r *Keyring) createBatch(ctx context.Context, subjects []custos.SubjectID, missing []int, out []tink.AEAD) error {
	refs := make([][]byte, len(missing))
	for j, i := range missing {
		refs[j] = r.Reference(subjects[i])
	}
	gone, err := r.ledger.FindShredded(ctx, refs)
	if err != nil {
		return fmt.Errorf("keys: read ledger: %w", err)
	}
	if len(gone) > 0 {
		shredded := make(map[string]bool, len(gone))
		for _, g := range gone {
			shredded[string(g)] = true
		}
		for j, ref := range refs {
			if shredded[string(ref)] {
				return &custos.ItemError{Index: missing[j], Err: ErrShredded}
			}
		}
	}
	made := make([]dek, len(missing))
	ds := make([]WrappedDEK, len(missing))
	now := r.now()
	for j, i := range missing {
		h, err := keyset.NewHandle(DEKTemplate())
		if err != nil {
			return fmt.Errorf("keys: new DEK: %w", err)
		}
		a, prefix, err := primitive(h)
		if err != nil {
			return err
		}
		t, err := r.target(ctx, refs[j])
		if err != nil {
			return err
		}
		wrapped, err := r.encryptKeyset(t.aead, h, dekAD(subjects[i]))
		if err != nil {
			return err
		}
		ds[j] = WrappedDEK{Subject: subjects[i], Ref: refs[j], Group: t.group, KEKID: t.id, Keyset: wrapped, Version: 1, Created: now, Updated: now}
		made[j] = dek{aead: a, prefix: prefix, version: 1, ref: refs[j], keyset: h}
	}
	if err := r.store.CreateDEKs(ctx, ds); err != nil {
		if ie, ok := errors.AsType[*custos.ItemError](err); ok && ie.Index >= 0 && ie.Index < len(missing) {
			return &custos.ItemError{Index: missing[ie.Index], Err: ie.Err}
		}
		return fmt.Errorf("keys: store DEKs: %w", err)
	}
	for j, i := range missing {
		r.cache.put(subjects[i], made[j])
		out[i] = made[j].aead
	}
	return nil
}

// ShreddedAmong reports, for each of subjects in order, whether the
// customer is in the shred ledger: Shredded for a batch, in one ledger
// call.
func (r *Keyring) ShreddedAmong(ctx context.Context, subjects []custos.SubjectID) ([]bool, error) {
	out := make([]bool, len(subjects))
	if len(subjects) == 0 {
		return out, nil
	}
	refs := make([][]byte, len(subjects))
	for i, s := range subjects {
		refs[i] = r.Reference(s)
	}
	gone, err := r.ledger.FindShredded(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("keys: read ledger: %w", err)
	}
	if len(gone) == 0 {
		return out, nil
	}
	shredded := make(map[string]bool, len(gone))
	for _, g := range gone {
		shredded[string(g)] = true
	}
	for i, ref := range refs {
		out[i] = shredded[string(ref)]
	}
	return out, nil
}
