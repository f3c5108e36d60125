package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// canonicalize validates values against the record type and returns the
// canonical text of each field, with the field names sorted. Errors name the
// field and the rule, never the value.
func (t *recordType) canonicalize(values Values) ([]string, map[string]string, error) {
	if len(values) == 0 {
		return nil, nil, fmt.Errorf("%w: no field given", ErrMissingField)
	}
	names := make([]string, 0, len(values))
	out := make(map[string]string, len(values))
	for name, val := range values {
		f := t.fields[name]
		if f == nil {
			return nil, nil, fmt.Errorf("%w: %s has no field %q", ErrUnknownField, t.name, safeName(name))
		}
		c, err := f.Kind.Canonical(val)
		if err != nil {
			return nil, nil, fmt.Errorf("vault: field %s.%s: %w", t.name, name, err)
		}
		if len(c) > f.MaxBytes {
			return nil, nil, fmt.Errorf("%w: field %s.%s is over %d bytes", ErrValueTooLarge, t.name, name, f.MaxBytes)
		}
		names = append(names, name)
		out[name] = c
	}
	slices.Sort(names)
	return names, out, nil
}

// prepareWrite checks a write's access, subject, record type and values,
// and returns the type, the field names sorted and their canonical values.
func (v *Vault) prepareWrite(acc custos.Access, subject custos.SubjectID, recordType string, values Values) (*recordType, []string, map[string]string, error) {
	if err := validate(acc, subject); err != nil {
		return nil, nil, nil, err
	}
	t, err := v.schema.recordType(recordType)
	if err != nil {
		return nil, nil, nil, err
	}
	names, canonical, err := t.canonicalize(values)
	if err != nil {
		return nil, nil, nil, err
	}
	return t, names, canonical, nil
}

// seal encrypts the canonical values under the customer's AEAD into
// envelope entries, sorted by field name.
func seal(a tink.AEAD, recordType string, subject custos.SubjectID, names []string, canonical map[string]string) (envelope, error) {
	e := make(envelope, 0, len(names))
	for _, n := range names {
		ct, err := a.Encrypt([]byte(canonical[n]), fieldAD(recordType, subject, n))
		if err != nil {
			return nil, fmt.Errorf("vault: encrypt: %w", err)
		}
		e = append(e, sealedField{name: n, ciphertext: ct})
	}
	return e, nil
}

// Put stores a whole record of the customer, replacing any record of the
// same type, with every field encrypted under the customer's DEK (created on
// the customer's first Put). Fields not given are absent afterwards; fields
// the schema marks Required must be given.
//
// Put fails, and changes nothing, for an invalid access or subject, an
// unknown type or field, a value its kind rejects (kind.ErrWrongType,
// kind.ErrInvalid), a value over its size limit (ErrValueTooLarge), a refused
// access (ErrDenied), a restricted customer (ErrRestricted) or a forgotten one
// (ErrForgotten). The write is atomic: after a store failure no part of the
// new record is visible.
func (v *Vault) Put(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordType string, values Values) error {
	t, names, canonical, err := v.prepareWrite(acc, subject, recordType, values)
	if err != nil {
		return err
	}
	if err := t.checkRequired(canonical); err != nil {
		return err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionPut, Subject: subject, RecordType: recordType, Fields: names})
	if err != nil {
		return err
	}
	defer v.lock(subject)()
	return v.change(ctx, &ev, func() (func() error, error) {
		s, err := v.store.GetSubject(ctx, subject)
		switch {
		case err == nil:
			if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
				return nil, err
			}
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("vault: read subject: %w", err)
		default:
			if err := v.notFound(ctx, subject); !errors.Is(err, ErrNotFound) {
				return nil, err // forgotten, or the ledger unreadable
			}
		}
		// The key of a new customer is created after the event is durable,
		// so that a refused or unrecorded Put leaves nothing behind.
		return func() error {
			w, err := v.sealPut(ctx, subject, t, names, canonical)
			if err != nil {
				return err
			}
			return v.putRecord(ctx, w)
		}, nil
	})
}

// sealPut encrypts and indexes a new record under the customer's key,
// creating it on the customer's first write.
func (v *Vault) sealPut(ctx context.Context, subject custos.SubjectID, t *recordType, names []string, canonical map[string]string) (Write, error) {
	a, err := v.keys.ForWrite(ctx, subject)
	if err != nil {
		return Write{}, keyErr(err)
	}
	env, err := seal(a, t.name, subject, names, canonical)
	if err != nil {
		return Write{}, err
	}
	w := Write{
		Subject: subject, Ref: v.keys.Reference(subject), Type: t.name,
		Envelope: encodeEnvelope(env), Expect: ExpectAny, Time: v.now(),
	}
	if w.ReplaceIndexes, w.Index, err = v.index(ctx, a, subject, t, canonical); err != nil {
		return Write{}, err
	}
	return w, nil
}

// putRecord commits a prepared write.
func (v *Vault) putRecord(ctx context.Context, w Write) error {
	if err := v.store.PutRecord(ctx, w); err != nil {
		if errors.Is(err, ErrConflict) {
			return err
		}
		return fmt.Errorf("vault: store record: %w", err)
	}
	return nil
}

// index computes a record's blind-index entries from its canonical values,
// under every live index key, with checks encrypted by the customer's AEAD.
func (v *Vault) index(ctx context.Context, a tink.AEAD, subject custos.SubjectID, t *recordType, canonical map[string]string) ([]string, []IndexEntry, error) {
	if len(t.indexes) == 0 {
		return nil, nil, nil
	}
	live, err := v.ikeys.forWrite(ctx, v.now())
	if err != nil {
		return nil, nil, err
	}
	names, entries, err := v.indexEntries(live, a, subject, t, canonical)
	if err != nil {
		return nil, nil, fmt.Errorf("vault: index: %w", err)
	}
	return names, entries, nil
}
