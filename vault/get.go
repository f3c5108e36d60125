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
// Get is Select followed by GetInto, with the row turned into a map; reads
// that repeat save the validation and the map by calling those directly.
func (v *Vault) Get(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordType string, fields ...string) (Record, error) {
	if err := validate(acc, subject); err != nil {
		return Record{}, err
	}
	t, err := v.schema.recordType(recordType)
	if err != nil {
		return Record{}, err
	}
	sel, err := v.remembered(t, fields)
	if err != nil {
		return Record{}, err
	}
	var row Row
	var rec Record
	err = v.read(ctx, acc, subject, sel, &row, func() (err error) {
		rec, err = row.Record()
		return err
	})
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}

// GetInto reads the fields of sel of one record of the customer into row,
// under exactly the rules of Get: the same checks in the same order, the
// same errors, and the read durably recorded before row holds any
// plaintext. On error row holds none.
//
// It is the allocation-light read path: the fields were validated by
// Select, the decisions of a StaticAuthorizer and the masking of each role
// are remembered by sel, and values stay the text their AEAD authenticated
// (Row.Text), not decoded again unless Row.Value asks.
func (v *Vault) GetInto(ctx context.Context, acc custos.Access, subject custos.SubjectID, sel *Selection, row *Row) error {
	if sel == nil || sel.v != v {
		row.wipe()
		return fmt.Errorf("%w: selection of another vault", ErrConfig)
	}
	row.reset(sel)
	if err := validate(acc, subject); err != nil {
		return err
	}
	return v.read(ctx, acc, subject, sel, row, nil)
}

// read is the one read path of Get and GetInto. check, if not nil, runs
// after decryption and before the event, so that its failure is recorded
// as the read's outcome.
func (v *Vault) read(ctx context.Context, acc custos.Access, subject custos.SubjectID, sel *Selection, row *Row, check func() error) error {
	t := sel.t
	// The record is read first so that the authorizer can reuse answers
	// for its authorization version; a refusal still wins over not-found, so
	// a purpose that may not read a customer cannot learn whether it exists.
	s, rerr := v.store.GetRecord(ctx, subject, t.name)
	ev, err := v.decideSel(ctx, sel, Request{Access: acc, Action: custos.ActionGet, Subject: subject, RecordType: t.name, Fields: sel.names, AuthVersion: s.AuthVersion})
	if err != nil {
		return err
	}
	err = v.get(ctx, acc, subject, sel, s, rerr, row)
	if err == nil && check != nil {
		err = check()
	}
	if err = v.event(ctx, ev, err); err != nil {
		row.reset(sel)
		return err
	}
	return nil
}

func (v *Vault) get(ctx context.Context, acc custos.Access, subject custos.SubjectID, sel *Selection, s Stored, err error, row *Row) error {
	if errors.Is(err, ErrNotFound) {
		return v.notFound(ctx, subject)
	}
	if err != nil {
		return fmt.Errorf("vault: read record: %w", err)
	}
	if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
		return err
	}
	s.Subject = subject
	return v.fill(ctx, acc.Actor.Role, sel, s, row)
}

// decideSel is decide, with the selection's remembered decision when the
// authorizer's answer does not depend on the customer.
func (v *Vault) decideSel(ctx context.Context, sel *Selection, r Request) (custos.Event, error) {
	d, static := sel.decision(r)
	if !static {
		return v.decide(ctx, r)
	}
	ev := custos.Event{Action: r.Action, Access: r.Access, Subject: r.Subject, RecordType: r.RecordType, Fields: r.Fields, Basis: d.Basis}
	if !d.Allowed {
		return ev, v.event(ctx, ev, &denial{reason: d.Reason})
	}
	return ev, nil
}

// readable decrypts the fields of sel of a stored record into a Record, as
// the role may see them.
func (v *Vault) readable(ctx context.Context, role custos.Role, sel *Selection, s Stored) (Record, error) {
	var row Row
	if err := v.fill(ctx, role, sel, s, &row); err != nil {
		return Record{}, err
	}
	return row.Record()
}

// fill decrypts the fields of sel of a stored record into row, as the role
// may see them. On error row holds nothing.
func (v *Vault) fill(ctx context.Context, role custos.Role, sel *Selection, s Stored, row *Row) error {
	row.reset(sel)
	vis := sel.visibility(role)
	var small [16][]byte
	cts := small[:0]
	if len(sel.names) > len(small) {
		cts = make([][]byte, len(sel.names))
	}
	cts = cts[:len(sel.names)]
	if err := sel.t.header.walk(s.Envelope, sel.want, cts); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	err := v.decrypt(ctx, s.Subject, sel.t, sel.names, cts, &row.ad, func(i int, c string) error {
		switch vis[i] {
		case Plain:
			row.text[i], row.shown[i] = c, plain
		case Masked:
			row.text[i], row.shown[i] = sel.fields[i].mask(c), masked
		default:
			row.shown[i] = hidden
		}
		return nil
	})
	if err != nil {
		row.reset(sel)
		return err
	}
	row.Subject, row.Type, row.Version, row.Updated = s.Subject, sel.t.name, s.Version, s.Updated
	return nil
}

// open decrypts the named fields (sorted, distinct) of an envelope and
// passes each field's position in names and canonical text to use; fields
// absent from the envelope are skipped. If a value does not decrypt with
// the cached DEK, the DEK is read again once (it may have been rotated
// elsewhere) before the data is declared corrupt. Nothing is passed to use
// unless every named field decrypts.
func (v *Vault) open(ctx context.Context, subject custos.SubjectID, t *recordType, raw []byte, names []string, use func(i int, canonical string) error) error {
	cts := make([][]byte, len(names))
	if err := lookup(raw, names, cts, t.order); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return v.decrypt(ctx, subject, t, names, cts, nil, use)
}

// decrypt decrypts the ciphertexts cts of the named fields (nil: absent)
// and passes each one's position and canonical text to use, only once all
// have decrypted.
// scratch, if not nil, is a buffer for the associated data, kept for the
// next call.
func (v *Vault) decrypt(ctx context.Context, subject custos.SubjectID, t *recordType, names []string, cts [][]byte, scratch *[]byte, use func(i int, canonical string) error) error {
	var small [16][]byte
	plain := small[:0]
	if len(names) > len(small) {
		plain = make([][]byte, len(names))
	}
	plain = plain[:len(names)]
	var buf []byte
	if scratch != nil {
		buf = *scratch
	}
	prefix := appendFieldADPrefix(buf[:0], t.name, subject)
	ad := prefix
	if scratch != nil {
		defer func() { *scratch = ad[:0] }()
	}
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
