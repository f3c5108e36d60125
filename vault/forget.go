package vault

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// Forget erases the customer by crypto-shredding (PIPL Art. 47; GDPR Art.
// 17): the customer's reference goes into the shred ledger, their DEK is
// deleted, then their records and index entries. It returns a destruction
// certificate.
//
// Forget refuses a restricted customer (ErrRestricted): restriction means a
// retention duty still runs; lift it with Unrestrict first. It returns
// ErrForgotten for a customer already forgotten and ErrNotFound for one
// never stored. If it fails after the key was destroyed, the data is already
// unreadable and Reapply removes what is left.
func (v *Vault) Forget(ctx context.Context, acc custos.Access, subject custos.SubjectID, why Erasure) (Certificate, error) {
	if err := validate(acc, subject); err != nil {
		return Certificate{}, err
	}
	if strings.TrimSpace(why.Ground) == "" {
		return Certificate{}, fmt.Errorf("%w: erasure names no legal ground", ErrMissingField)
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionForget, Subject: subject})
	if err != nil {
		return Certificate{}, err
	}
	cert, err := v.forget(ctx, acc, subject, why)
	if err = v.event(ctx, ev, err); err != nil {
		return Certificate{}, err
	}
	return cert, nil
}

func (v *Vault) forget(ctx context.Context, acc custos.Access, subject custos.SubjectID, why Erasure) (Certificate, error) {
	defer v.lock(subject)()
	s, err := v.store.GetSubject(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return Certificate{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return Certificate{}, fmt.Errorf("vault: read subject: %w", err)
	}
	if s.Restriction.Restricted {
		return Certificate{}, ErrRestricted
	}
	records, err := v.store.SubjectRecords(ctx, subject)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Certificate{}, fmt.Errorf("vault: read records: %w", err)
	}
	cats, err := v.categories(records)
	if err != nil {
		return Certificate{}, err
	}
	shred, err := v.keys.Shred(ctx, subject)
	if err != nil {
		return Certificate{}, fmt.Errorf("vault: %w", err)
	}
	del, err := v.store.DeleteSubject(ctx, subject)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Certificate{}, fmt.Errorf("vault: key destroyed, but deleting records failed (Reapply removes them): %w", err)
	}
	return Certificate{
		ID: newCertificateID(), SubjectRef: hex.EncodeToString(shred.Ref),
		Actor: acc.Actor.ID, Role: acc.Actor.Role, Purpose: acc.Purpose, RequestID: acc.RequestID,
		Ground: why.Ground, Policy: why.Policy, Categories: cats,
		Records: del.Records, IndexEntries: del.IndexEntries, Method: certificateMethod(shred),
		ShreddedAt: shred.At, IssuedAt: v.now(),
		CompleteBy: shred.CompleteBy, KeyGroup: shred.Group, KeyEpoch: shred.Epoch,
	}, nil
}

// categories lists the fields that hold data in records, with their
// classes.
func (v *Vault) categories(records []Stored) ([]Category, error) {
	var cats []Category
	for _, r := range records {
		t, err := v.schema.recordType(r.Type)
		if err != nil {
			return nil, fmt.Errorf("%w: stored record of a type the schema does not declare", ErrCorrupt)
		}
		env, err := decodeEnvelope(r.Envelope)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		for _, f := range env {
			fd := t.fields[f.name]
			if fd == nil {
				return nil, fmt.Errorf("%w: stored field the schema does not declare", ErrCorrupt)
			}
			cats = append(cats, Category{RecordType: t.name, Field: f.name, Level: fd.Class.Level.String(), Sensitive: fd.Class.Sensitive})
		}
	}
	return cats, nil
}

// ReapplyProgress reports how far Reapply has come.
type ReapplyProgress struct {
	// Seen counts ledger entries examined; Keys and Subjects count the
	// DEKs and customers deleted again.
	Seen, Keys, Subjects int64
}

// Reapply re-applies the shred ledger after the store was restored from a
// backup: every customer the ledger names loses again its DEK, records and
// index entries, so a restore cannot bring a forgotten customer back. It
// streams the ledger with bounded memory and calls progress, if not nil,
// after each batch; running it twice is harmless.
func (v *Vault) Reapply(ctx context.Context, progress func(ReapplyProgress)) (ReapplyProgress, error) {
	var p ReapplyProgress
	kp, err := v.keys.Reapply(ctx, nil, nil)
	p.Keys = kp.Deleted
	if err != nil {
		return p, fmt.Errorf("vault: %w", err)
	}
	err = v.keys.ScanLedger(ctx, nil, func(batch []keys.ShredEntry) error {
		for _, e := range batch {
			ok, err := v.store.DeleteSubjectByRef(ctx, e.Ref)
			if err != nil {
				return fmt.Errorf("vault: delete restored records: %w", err)
			}
			p.Seen++
			if ok {
				p.Subjects++
			}
		}
		if progress != nil {
			progress(p)
		}
		return nil
	})
	return p, err
}
