package vault

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// Forget erases the customer (PIPL Art. 47; GDPR Art. 17) and returns the
// destruction certificate. In order:
//
//  1. It plans the erasure, changing nothing: what records, fields and
//     index entries will be deleted, and what each Config.Erasers component
//     will erase and keep (see ErasurePlanner).
//  2. It records its audit event, with the certificate as JSON in
//     Event.Detail. If the Recorder fails, nothing is changed and the error
//     wraps ErrAudit.
//  3. It places the customer's tombstone, holding the certificate, in the
//     store. From then on every write to the customer fails with
//     ErrForgotten in every process (Store.PutRecord). If a write of
//     another process changed the customer since step 1, nothing is placed,
//     a second event (Reason "not-committed") records that the certificate
//     was not issued, and Forget plans again.
//  4. It calls each Eraser, crypto-shreds the customer's DEK
//     (keys.Keyring.Shred: shred ledger, key tombstone, deletion, cache),
//     and deletes their records, index entries and subject entry, marking
//     the tombstone done.
//
// A Forget interrupted after step 3 (a store failure, a crash) leaves the
// customer fenced: run Forget again and it resumes step 4, records an event
// with the same certificate, and returns that certificate; nothing is done
// twice. If what step 4 found differs from the plan (a component erased
// or kept other records), an event with the corrected certificate, same
// ID, is recorded before the erasure is marked done, and Forget returns the
// corrected one.
//
// Forget refuses a restricted customer (ErrRestricted): restriction means
// a retention duty still runs; lift it with Unrestrict first. It returns
// ErrNotFound for a customer never stored, and for a customer whose
// erasure is done ErrForgotten, together with the certificate of that
// erasure when the store holds it.
func (v *Vault) Forget(ctx context.Context, acc custos.Access, subject custos.SubjectID, why Erasure) (Certificate, error) {
	if err := validate(acc, subject); err != nil {
		return Certificate{}, err
	}
	if err := why.Validate(); err != nil {
		return Certificate{}, err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionForget, Subject: subject})
	if err != nil {
		return Certificate{}, err
	}
	defer v.lock(subject)()
	return v.forgetLocked(ctx, ev, acc, subject, why)
}

// forgetLocked is Forget once the access is decided and the customer's
// lock is held.
func (v *Vault) forgetLocked(ctx context.Context, ev custos.Event, acc custos.Access, subject custos.SubjectID, why Erasure) (Certificate, error) {
	ref := v.keys.Reference(subject)
	const attempts = 5
	for range attempts {
		ev.Detail = ""
		ts, err := v.store.GetTombstone(ctx, ref)
		switch {
		case err == nil:
			return v.resume(ctx, ev, acc, subject, ts)
		case !errors.Is(err, ErrNotFound):
			return Certificate{}, v.event(ctx, ev, fmt.Errorf("vault: read tombstone: %w", err))
		}
		p, err := v.plan(ctx, acc, subject, ref, why)
		if err != nil {
			return Certificate{}, v.event(ctx, ev, err)
		}
		doc, err := p.cert.detail()
		if err != nil {
			return Certificate{}, v.event(ctx, ev, err)
		}
		ev.Detail = doc
		if err := v.event(ctx, ev, nil); err != nil {
			return Certificate{}, err // fail closed: nothing changed
		}
		p.fence.Tombstone.Certificate = []byte(doc)
		err = v.store.PlaceTombstone(ctx, p.fence)
		switch {
		case err == nil:
			return v.finish(ctx, ev, acc, subject, ref, p.cert)
		case errors.Is(err, ErrConflict), errors.Is(err, ErrForgotten):
			// Another process wrote the customer, or began forgetting
			// them, since the plan: this certificate was not issued.
			v.notCommitted(ctx, ev, "not-committed")
		case errors.Is(err, ErrRestricted):
			// Restricted by another process since the plan.
			v.notCommitted(ctx, ev, "not-committed")
			return Certificate{}, ErrRestricted
		default:
			v.notCommitted(ctx, ev, "not-committed")
			return Certificate{}, fmt.Errorf("vault: place tombstone: %w", err)
		}
	}
	return Certificate{}, ErrConflict
}

// plan is what Forget will do: the certificate and the fence that checks
// nothing changed meanwhile.
type plan struct {
	cert  Certificate
	fence Fence
}

// plan reads the customer and the erasers, changing nothing.
func (v *Vault) plan(ctx context.Context, acc custos.Access, subject custos.SubjectID, ref []byte, why Erasure) (plan, error) {
	s, err := v.store.GetSubject(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return plan{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return plan{}, fmt.Errorf("vault: read subject: %w", err)
	}
	if s.Restriction.Restricted {
		return plan{}, ErrRestricted
	}
	records, err := v.store.SubjectRecords(ctx, subject)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return plan{}, fmt.Errorf("vault: read records: %w", err)
	}
	cats, err := v.categories(records)
	if err != nil {
		return plan{}, err
	}
	now := v.now()
	p := plan{fence: Fence{Subject: subject, Tombstone: Tombstone{Ref: ref, Created: now}}}
	for _, r := range records {
		p.fence.Records = append(p.fence.Records, RecordVersion{Type: r.Type, Version: r.Version})
		p.fence.IndexEntries += r.IndexEntries
	}
	erased, err := v.planErasers(ctx, subject)
	if err != nil {
		return plan{}, err
	}
	shred, err := v.keys.PlanShred(ctx, subject, now)
	if err != nil {
		return plan{}, fmt.Errorf("vault: %w", err)
	}
	p.cert = Certificate{
		ID: newCertificateID(), SubjectRef: hex.EncodeToString(ref),
		Actor: acc.Actor.ID, Role: acc.Actor.Role, Purpose: acc.Purpose, RequestID: acc.RequestID,
		Ground: why.Ground, Policy: why.Policy, Categories: cats, Erased: erased,
		Records: len(records), IndexEntries: p.fence.IndexEntries,
		ShreddedAt: now, IssuedAt: now,
	}
	p.cert.setShred(shred)
	return p, nil
}

// resume continues, or reports, an erasure whose tombstone is placed.
func (v *Vault) resume(ctx context.Context, ev custos.Event, acc custos.Access, subject custos.SubjectID, ts Tombstone) (Certificate, error) {
	var cert Certificate
	if len(ts.Certificate) > 0 {
		var err error
		if cert, err = decodeCertificate(ts.Certificate); err != nil {
			return Certificate{}, v.event(ctx, ev, err)
		}
		ev.Detail = string(ts.Certificate)
	}
	if ts.Done || len(ts.Certificate) == 0 {
		return cert, v.event(ctx, ev, ErrForgotten)
	}
	if err := v.event(ctx, ev, nil); err != nil {
		return Certificate{}, err
	}
	return v.finish(ctx, ev, acc, subject, ts.Ref, cert)
}

// finish runs the erasers, shreds the key and deletes the records of a
// fenced customer, then marks the tombstone done. On failure it records an
// event saying the erasure is incomplete; a rerun of Forget resumes it.
func (v *Vault) finish(ctx context.Context, ev custos.Event, acc custos.Access, subject custos.SubjectID, ref []byte, planned Certificate) (Certificate, error) {
	cert, err := v.erase(ctx, acc, subject, planned)
	if err != nil {
		v.notCommitted(ctx, ev, "incomplete")
		return Certificate{}, err
	}
	if !sameCertificate(cert, planned) {
		doc, err := cert.detail()
		if err != nil {
			return Certificate{}, err
		}
		ev.Detail, ev.Reason = doc, "corrected"
		if err := v.event(ctx, ev, nil); err != nil {
			return Certificate{}, err
		}
	}
	// The tombstone keeps the certificate recorded first; Done marks the
	// end. A corrected certificate is in the audit log.
	if _, err := v.store.ForgetSubject(ctx, ref, v.now()); err != nil {
		v.notCommitted(ctx, ev, "incomplete")
		return Certificate{}, fmt.Errorf("vault: key destroyed, but deleting records failed (Forget again, or Reapply, removes them): %w", err)
	}
	return cert, nil
}

// erase does step 4 of Forget up to the deletion of the records and
// returns the certificate of what was done.
func (v *Vault) erase(ctx context.Context, acc custos.Access, subject custos.SubjectID, planned Certificate) (Certificate, error) {
	cert := planned
	erased, err := v.runErasers(ctx, acc, subject, planned.Erased)
	if err != nil {
		return Certificate{}, err
	}
	cert.Erased = erased
	shred, err := v.keys.ShredAt(ctx, subject, planned.ShreddedAt)
	if err != nil {
		return Certificate{}, fmt.Errorf("vault: %w", err)
	}
	cert.setShred(shred)
	return cert, nil
}

// setShred writes on the certificate how and by when the key's
// destruction reaches every copy.
func (c *Certificate) setShred(s keys.Shredded) {
	c.Method, c.CompleteBy, c.KeyGroup, c.KeyEpoch = certificateMethod(s), s.CompleteBy, s.Group, s.Epoch
}

// detail is the certificate as Event.Detail holds it.
func (c Certificate) detail() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("vault: certificate: %w", err)
	}
	if len(b) > custos.MaxDetailBytes {
		return "", fmt.Errorf("vault: certificate of %d bytes is over custos.MaxDetailBytes", len(b))
	}
	return string(b), nil
}

// decodeCertificate decodes a certificate a tombstone holds. Stored bytes
// that are not one, or one naming no ID, are ErrCorrupt.
func decodeCertificate(b []byte) (Certificate, error) {
	var c Certificate
	if err := json.Unmarshal(b, &c); err != nil {
		return Certificate{}, fmt.Errorf("%w: stored certificate does not decode", ErrCorrupt)
	}
	if c.ID == "" || c.SubjectRef == "" {
		return Certificate{}, fmt.Errorf("%w: stored certificate names no ID or reference", ErrCorrupt)
	}
	return c, nil
}

func sameCertificate(a, b Certificate) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
