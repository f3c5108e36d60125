package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// The actions of a company transfer (PIPL Art. 22, 23): the seller reads a
// customer's records as ciphertext to hand them over, the acquirer writes
// them. Grant them to the transfer's purpose only.
const (
	ActionTransferOut custos.Action = "vault.transfer-out"
	ActionTransferIn  custos.Action = "vault.transfer-in"
)

// SealedRecord is one record as it travels in a company transfer: the
// envelope of field ciphertexts byte for byte (docs/FORMAT.md), never
// plaintext. Each ciphertext's associated data binds record type, customer
// and field, so it opens under the customer's DEK wherever that DEK goes.
type SealedRecord struct {
	Type     string
	Envelope []byte
	// Version, Created and Updated are the seller's, for the record of
	// the transfer; the acquirer's store numbers versions afresh.
	Version          int64
	Created, Updated time.Time
}

// SealedSubject is everything the vault holds of a customer for a
// transfer: the records of the types asked for and the restriction state.
type SealedSubject struct {
	Subject     custos.SubjectID
	Records     []SealedRecord
	Restriction Restriction
}

// Sealed returns the customer's records of the given record types as
// ciphertext, with the restriction state, for a company transfer. Nothing
// is decrypted. The access must be allowed ActionTransferOut on every field
// held in those records; otherwise Sealed fails with ErrDenied. A
// restricted customer is returned with its restriction, which travels with
// the data (PIPL Art. 47 ¶2 binds the recipient too). The read is recorded
// before it returns; it fails like Get otherwise.
func (v *Vault) Sealed(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordTypes []string) (SealedSubject, error) {
	if err := validate(acc, subject); err != nil {
		return SealedSubject{}, err
	}
	ev := custos.Event{Action: ActionTransferOut, Access: acc, Subject: subject}
	out, basis, fields, err := v.sealed(ctx, acc, subject, recordTypes)
	ev.Basis, ev.Fields = basis, fields
	if err := v.event(ctx, ev, err); err != nil {
		return SealedSubject{}, err
	}
	return out, nil
}

func (v *Vault) sealed(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordTypes []string) (SealedSubject, custos.LegalBasis, []string, error) {
	var basis custos.LegalBasis
	records, err := v.store.SubjectRecords(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return SealedSubject{}, basis, nil, v.notFound(ctx, subject)
	}
	if err != nil {
		return SealedSubject{}, basis, nil, fmt.Errorf("vault: read records: %w", err)
	}
	sub, err := v.store.GetSubject(ctx, subject)
	if err != nil {
		return SealedSubject{}, basis, nil, fmt.Errorf("vault: read subject: %w", err)
	}
	out := SealedSubject{Subject: subject, Restriction: sub.Restriction, Records: []SealedRecord{}}
	var all []string
	for _, s := range records {
		if !slices.Contains(recordTypes, s.Type) {
			continue
		}
		env, err := decodeEnvelope(s.Envelope)
		if err != nil {
			return SealedSubject{}, basis, all, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		names := env.names()
		for _, n := range names {
			all = append(all, s.Type+"."+n)
		}
		d, err := v.authorize(ctx, Request{Access: acc, Action: ActionTransferOut, Subject: subject, RecordType: s.Type, Fields: names, AuthVersion: s.AuthVersion})
		if err != nil {
			return SealedSubject{}, basis, all, err
		}
		basis = d.Basis
		out.Records = append(out.Records, SealedRecord{Type: s.Type, Envelope: bytes.Clone(s.Envelope), Version: s.Version, Created: s.Created, Updated: s.Updated})
	}
	return out, basis, all, nil
}

// ImportSealed writes a customer received in a company transfer: each
// record's envelope byte for byte, with blind-index entries computed
// afresh under this vault's index keys (the seller's index key does not
// travel), and the restriction state. The customer's DEK must have been
// imported into this vault's keyring first (keys.Keyring.ImportDEK).
//
// Every ciphertext is authenticated under the customer's DEK before
// anything is written: a record of a type or field this schema does not
// declare, or a ciphertext that does not open, fails with ErrCorrupt and
// writes nothing. The access must be allowed ActionTransferIn on every
// field. A customer that already holds a record of one of the types with
// other bytes is refused with ErrConflict; importing the same customer
// again succeeds and changes nothing, so an interrupted import can be run
// again. The event is recorded before the write (fail closed).
func (v *Vault) ImportSealed(ctx context.Context, acc custos.Access, in SealedSubject) error {
	if err := validate(acc, in.Subject); err != nil {
		return err
	}
	subject := in.Subject
	ev := custos.Event{Action: ActionTransferIn, Access: acc, Subject: subject}
	defer v.lock(subject)()
	return v.change(ctx, &ev, func() (func() error, error) {
		if gone, err := forgotten(ctx, v.store, v.keys, subject); err != nil {
			return nil, err
		} else if gone {
			return nil, ErrForgotten
		}
		a, err := v.keys.AEAD(ctx, subject)
		if err != nil {
			return nil, keyErr(err)
		}
		var writes []Write
		ev.Fields = nil
		for _, r := range in.Records {
			t, err := v.schema.recordType(r.Type)
			if err != nil {
				return nil, fmt.Errorf("%w: record type %q is not in this schema", ErrCorrupt, safeName(r.Type))
			}
			env, err := decodeEnvelope(r.Envelope)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			names := env.names()
			for _, n := range names {
				if t.fields[n] == nil {
					return nil, fmt.Errorf("%w: %s has no field %q", ErrCorrupt, t.name, safeName(n))
				}
				ev.Fields = append(ev.Fields, t.name+"."+n)
			}
			d, err := v.authorize(ctx, Request{Access: acc, Action: ActionTransferIn, Subject: subject, RecordType: t.name, Fields: names})
			if err != nil {
				return nil, err
			}
			ev.Basis = d.Basis
			have, err := v.store.GetRecord(ctx, subject, t.name)
			switch {
			case err == nil && bytes.Equal(have.Envelope, r.Envelope):
				continue // imported before
			case err == nil:
				return nil, fmt.Errorf("%w: the customer already holds a %s record", ErrConflict, t.name)
			case !errors.Is(err, ErrNotFound):
				return nil, fmt.Errorf("vault: read record: %w", err)
			}
			canonical := make(map[string]string, len(names))
			for _, f := range env {
				pt, err := a.Decrypt(f.ciphertext, fieldAD(t.name, subject, f.name))
				if err != nil {
					return nil, fmt.Errorf("%w: field %s.%s does not open under the customer's key", ErrCorrupt, t.name, f.name)
				}
				if _, err := t.fields[f.name].Kind.Value(string(pt)); err != nil {
					return nil, fmt.Errorf("%w: field %s.%s does not decode", ErrCorrupt, t.name, f.name)
				}
				canonical[f.name] = string(pt)
			}
			w := Write{Subject: subject, Ref: v.keys.Reference(subject), Type: t.name, Envelope: r.Envelope, Expect: ExpectAbsent, Time: v.now()}
			if w.ReplaceIndexes, w.Index, err = v.index(ctx, a, subject, t, canonical); err != nil {
				return nil, err
			}
			clear(canonical)
			writes = append(writes, w)
		}
		restrict := in.Restriction.Restricted
		if len(writes) == 0 && !restrict {
			return nil, nil
		}
		return func() error {
			for _, w := range writes {
				if err := v.putRecord(ctx, w); err != nil {
					return err
				}
			}
			if !restrict {
				return nil
			}
			s, err := v.store.GetSubject(ctx, subject)
			if err != nil {
				return fmt.Errorf("vault: read subject: %w", err)
			}
			if s.Restriction == in.Restriction || (s.Restriction.Restricted && s.Restriction.Ground == in.Restriction.Ground && s.Restriction.Since.Equal(in.Restriction.Since)) {
				return nil
			}
			if err := v.store.SetRestriction(ctx, subject, in.Restriction); err != nil {
				return fmt.Errorf("vault: store restriction: %w", err)
			}
			return nil
		}, nil
	})
}
