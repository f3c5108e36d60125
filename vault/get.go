package vault

import (
	"context"
	"errors"
	"fmt"
	"unsafe"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos/internal/adata"

	"github.com/custos-go/custos"
)

// Get returns the named fields of one record of the customer, decrypted.
//
// Before any plaintext leaves the vault: the access is valid; the
// Authorizer allows its purpose these fields of this customer now; the
// customer is not restricted (unless the purpose is a legal hold); the
// values decrypt under the customer's key and their exact place (type,
// customer, field); and the Recorder has durably recorded the read. Any
// failure returns an error and no plaintext: ErrDenied, ErrRestricted,
// ErrNotFound, ErrForgotten (a forgotten customer, distinct from one never
// stored), ErrCorrupt (a ciphertext altered or moved), ErrAudit.
//
// A field named but absent from the stored record is left out of Values.
func (v *Vault) Get(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordType string, fields ...string) (Record, error) {
	if err := validate(acc, subject); err != nil {
		return Record{}, err
	}
	t, err := v.schema.recordType(recordType)
	if err != nil {
		return Record{}, err
	}
	names, sel, err := t.checkFields(fields)
	if err != nil {
		return Record{}, err
	}
	// The record is read first so that the authorizer can reuse answers
	// for its authorization version; a refusal still wins over not-found, so
	// a purpose that may not read a customer cannot learn whether it exists.
	s, rerr := v.store.GetRecord(ctx, subject, t.name)
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionGet, Subject: subject, RecordType: recordType, Fields: names, AuthVersion: s.AuthVersion})
	if err != nil {
		return Record{}, err
	}
	rec, err := v.get(ctx, acc, subject, t, names, sel, s, rerr)
	if err = v.event(ctx, ev, err); err != nil {
		return Record{}, err
	}
	return rec, nil
}

func (v *Vault) get(ctx context.Context, acc custos.Access, subject custos.SubjectID, t *recordType, names []string, sel []*Field, s Stored, err error) (Record, error) {
	if errors.Is(err, ErrNotFound) {
		return Record{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return Record{}, fmt.Errorf("vault: read record: %w", err)
	}
	if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
		return Record{}, err
	}
	s.Subject = subject
	return v.readable(ctx, acc.Actor.Role, t, names, sel, s)
}

// show adds a field to rec as the role may see it.
func (v *Vault) show(rec *Record, role custos.Role, t *recordType, f *Field, canonical string) error {
	name := f.Name
	val, vis, err := v.reveal(role, t, f, canonical)
	if err != nil {
		return err
	}
	switch vis {
	case Masked:
		rec.Masked = append(rec.Masked, name)
	case Hidden:
		rec.Hidden = append(rec.Hidden, name)
		return nil
	}
	rec.Values[name] = val
	return nil
}

// open decrypts the named fields (sorted, distinct) of an envelope and
// passes each field's position in names and canonical text to use; fields
// absent from the envelope are skipped. If a value does not decrypt with the cached DEK, the DEK is
// read again once (it may have been rotated elsewhere) before the data is
// declared corrupt. Nothing is passed to use unless every named field
// decrypts.
func (v *Vault) open(ctx context.Context, subject custos.SubjectID, t *recordType, raw []byte, names []string, use func(i int, canonical string) error) error {
	bufs := make([][]byte, 2*len(names))
	cts, plain := bufs[:len(names)], bufs[len(names):]
	if err := lookup(raw, names, cts, t.order); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	prefix := fieldADPrefix(t.name, subject)
	ad := prefix
	err := v.withDEK(ctx, subject, "a field", func(a tink.AEAD) error {
		for i, n := range names {
			if cts[i] == nil {
				continue
			}
			ad = adata.AppendPart(ad[:len(prefix)], n)
			var err error
			if plain[i], err = a.Decrypt(cts[i], ad); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range names {
		if plain[i] == nil {
			continue
		}
		// The plaintext slice is fresh from Decrypt and never written
		// again, so it can back the string without a copy.
		if err := use(i, unsafe.String(unsafe.SliceData(plain[i]), len(plain[i]))); err != nil {
			return err
		}
	}
	return nil
}

// withDEK runs decrypt with the customer's AEAD. If decrypt fails with the
// cached DEK, the DEK is read again once (it may have been rotated
// elsewhere) before the data, named by what, is declared corrupt.
func (v *Vault) withDEK(ctx context.Context, subject custos.SubjectID, what string, decrypt func(tink.AEAD) error) error {
	for attempt := 0; ; attempt++ {
		a, err := v.keys.AEAD(ctx, subject)
		if err != nil {
			return keyErr(err)
		}
		if decrypt(a) == nil {
			return nil
		}
		if attempt > 0 {
			return fmt.Errorf("%w: %s does not decrypt", ErrCorrupt, what)
		}
		v.keys.Refresh(subject)
	}
}

// readable decrypts the named fields of a stored record into a Record, as
// the role may see them.
func (v *Vault) readable(ctx context.Context, role custos.Role, t *recordType, names []string, sel []*Field, s Stored) (Record, error) {
	rec := Record{Subject: s.Subject, Type: t.name, Values: make(map[string]any, len(names)), Version: s.Version, Updated: s.Updated}
	err := v.open(ctx, s.Subject, t, s.Envelope, names, func(i int, c string) error { return v.show(&rec, role, t, sel[i], c) })
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}
