package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

var _ custos.Eraser = (*Registry)(nil)

// ProofRule is the rule the proof kept after an erasure is kept under, as
// Kept.Rule names it: the handler must be able to demonstrate the consent
// it relied on (GDPR Art. 7(1)) and bears the burden of proving it was not
// at fault when a person claims damages (PIPL Art. 69).
const ProofRule = "GDPR Art. 7(1), PIPL Art. 69: the handler must be able to demonstrate the consent it relied on"

// EraseSubject erases the consent records of a customer the vault forgets
// (PIPL Art. 47; GDPR Art. 17): it is the registry's custos.Eraser, which
// the vault's Forget calls before it destroys the customer's key.
//
// In one Store call it deletes every consent record and history entry
// stored under the customer's SubjectID, and keeps only the proof GDPR Art.
// 7(1) requires the handler to be able to give: the state history of each
// purpose to which consent was ever given or renewed, under the customer's
// pseudonymous reference (Config.Pseudonyms), without the subject, record
// id, actor ids, evidence references, guardian identity or request ids
// (see ProofEntry). Histories of consents never given (requests, refusals,
// deferrals) are erased without proof. The proof is kept for
// Config.ProofRetention after the first erasure (Kept.Until), then
// PurgeProof deletes it. The same call stores the erasure under the
// reference, and from then on every act on the customer is refused with
// ErrForgotten by the Store itself, in the transaction of the act, whatever
// the vault answers.
//
// After it, Status reports StateUnknown for the customer, History and
// Receipts report nothing, and the Checker refuses every consent-based
// access ("no-consent"); Proof reads what was kept.
//
// The access must name a declared purpose that allows custos.ActionForget
// (the vault's Forget access) with its basis holding. The erasure is
// recorded (custos.ActionConsentErase) before it is stored: if the Recorder
// fails, nothing is erased and the error wraps ErrAudit; if the store then
// fails, a second event records the failure.
//
// EraseSubject is idempotent: a call after an interrupted or completed one
// erases what is left, if anything, and returns the same Erased — Removed
// is the total of every call and Kept is read back from the Store.
func (r *Registry) EraseSubject(ctx context.Context, acc custos.Access, subject custos.SubjectID) (custos.Erased, error) {
	return r.eraseSubject(ctx, acc, subject, time.Time{})
}

// EraseAsPlanned erases like EraseSubject, but keeps the proof until the
// time plan (a PlanErasure result) names, so that the destruction
// certificate the vault recorded from the plan stays exactly true
// (vault.ErasurePlanner). A plan that keeps nothing changes nothing.
func (r *Registry) EraseAsPlanned(ctx context.Context, acc custos.Access, subject custos.SubjectID, plan custos.Erased) (custos.Erased, error) {
	var until time.Time
	for _, k := range plan.Kept {
		until = k.Until
	}
	return r.eraseSubject(ctx, acc, subject, until)
}

// eraseSubject is EraseSubject keeping the proof until until, or for
// Config.ProofRetention from now when until is zero.
func (r *Registry) eraseSubject(ctx context.Context, acc custos.Access, subject custos.SubjectID, until time.Time) (custos.Erased, error) {
	if err := acc.Validate(); err != nil {
		return custos.Erased{}, err
	}
	if err := subject.Validate(); err != nil {
		return custos.Erased{}, err
	}
	ev := custos.Event{Time: r.now(), Action: custos.ActionConsentErase, Access: acc, Subject: subject, RecordType: recordType}
	d, err := r.Checker().Authorize(ctx, Request{Access: acc, Action: custos.ActionForget, Subject: subject})
	if err != nil {
		return custos.Erased{}, err
	}
	if !d.Allowed {
		return custos.Erased{}, r.refuseAccess(ctx, ev, refusal(d.Reason, ErrDenied, "purpose %q may not erase consent records", safeID(acc.Purpose)))
	}
	ev.Outcome, ev.Basis = custos.OutcomeAllowed, d.Basis
	ref := r.pseudo.Reference(subject)
	for attempt := 0; ; attempt++ {
		if attempt == maxAttempts {
			return custos.Erased{}, fmt.Errorf("consent: %w: gave up after %d attempts", ErrConflict, maxAttempts)
		}
		e, err := r.erasure(ctx, subject, ref)
		if err != nil {
			return custos.Erased{}, err
		}
		if !until.IsZero() {
			e.Until = until
		}
		ev.Fields = make([]string, len(e.Records))
		for i, rv := range e.Records {
			ev.Fields[i] = string(rv.Purpose)
		}
		if err := r.recordEvent(ctx, ev); err != nil {
			return custos.Erased{}, err // fail closed: nothing erased
		}
		err = r.store.Erase(ctx, e)
		if err == nil {
			break
		}
		failed := ev
		failed.Outcome, failed.Basis, failed.Reason = custos.OutcomeError, custos.BasisUnknown, "not-committed"
		if errors.Is(err, ErrConflict) {
			failed.Reason = "conflict"
		}
		r.rec.Record(ctx, failed) // best effort: the erasure failed anyway
		if !errors.Is(err, ErrConflict) {
			return custos.Erased{}, fmt.Errorf("consent: erase: %w", err)
		}
	}
	if r.cache != nil {
		for _, id := range r.order {
			r.cache.Remove(consentKey{subject, id})
		}
	}
	stored, err := r.store.GetErasure(ctx, ref)
	if err != nil {
		return custos.Erased{}, fmt.Errorf("consent: read erasure: %w", err)
	}
	return erasedOf(stored), nil
}

// PlanErasure tells what EraseSubject would erase and keep for the
// customer now, changing nothing and recording nothing: the vault's Forget
// lists it on the destruction certificate it records before it changes
// anything (vault.ErasurePlanner), and the event of that Forget is the
// record of this read. For a customer erased already it reports the stored
// erasure, as EraseSubject would return it.
func (r *Registry) PlanErasure(ctx context.Context, subject custos.SubjectID) (custos.Erased, error) {
	if err := subject.Validate(); err != nil {
		return custos.Erased{}, err
	}
	ref := r.pseudo.Reference(subject)
	e, err := r.erasure(ctx, subject, ref)
	if err != nil {
		return custos.Erased{}, err
	}
	stored, err := r.store.GetErasure(ctx, ref)
	switch {
	case errors.Is(err, ErrNotFound):
		return erasedOf(e), nil
	case err != nil:
		return custos.Erased{}, fmt.Errorf("consent: read erasure: %w", err)
	}
	out := erasedOf(stored)
	out.Removed += e.Removed
	return out, nil
}

// erasure reads the customer's records and histories and returns the
// erasure that deletes them and keeps their proof.
func (r *Registry) erasure(ctx context.Context, subject custos.SubjectID, ref []byte) (Erasure, error) {
	now := r.now()
	recs, err := r.store.SubjectConsents(ctx, subject)
	if err != nil {
		return Erasure{}, fmt.Errorf("consent: read records: %w", err)
	}
	e := Erasure{Subject: subject, Ref: ref, At: now, Until: now.Add(r.keep), Removed: len(recs)}
	for _, rec := range recs {
		e.Records = append(e.Records, RecordVersion{Purpose: rec.Purpose, Version: rec.Version})
		h, err := r.store.History(ctx, subject, rec.Purpose)
		if err != nil {
			return Erasure{}, fmt.Errorf("consent: read history: %w", err)
		}
		e.Removed += len(h)
		if !slices.ContainsFunc(h, func(x Entry) bool { return x.State.Permits() }) {
			continue // never given: nothing to demonstrate
		}
		for _, x := range h {
			e.Proof = append(e.Proof, ProofEntry{
				Purpose: rec.Purpose, Seq: x.Seq, Time: x.Time, Action: x.Action, State: x.State, Role: x.Actor.Role,
				Channel: scrubbed(x.Channel), Signal: x.Signal, Notice: x.Notice, Language: x.Language,
				Guardian: x.Guardian != (Guardian{}), Reason: scrubbed(x.Reason),
			})
		}
	}
	return e, nil
}

// scrubbed returns a code of a history entry for the proof, or "redacted"
// when it holds personal data: entries stored before acts were checked for
// it (see Act) may.
func scrubbed(code string) string {
	if personalData(code) != "" {
		return "redacted"
	}
	return code
}

// erasedOf reports a stored erasure as the certificate lists it: one Kept
// per purpose whose proof is still kept.
func erasedOf(e Erasure) custos.Erased {
	out := custos.Erased{Component: "consent", Removed: e.Removed}
	if e.Until.IsZero() {
		return out
	}
	for i := 0; i < len(e.Proof); {
		j := i
		for j < len(e.Proof) && e.Proof[j].Purpose == e.Proof[i].Purpose {
			j++
		}
		out.Kept = append(out.Kept, custos.Kept{
			What: fmt.Sprintf("consent state history of purpose %q, keyed by pseudonymous reference, "+
				"without subject, actor, guardian, evidence or request identifiers", e.Proof[i].Purpose),
			Count: j - i, Rule: ProofRule, Until: e.Until,
		})
		i = j
	}
	return out
}

// Proof is what the registry keeps of a forgotten customer's consent.
type Proof struct {
	// At is when the customer's consent records were erased, and Until
	// when the proof may be purged; zero once purged.
	At, Until time.Time
	// Entries are the history kept, sorted by purpose, then Seq; none once
	// purged.
	Entries []ProofEntry
}

// Proof returns the proof kept of a forgotten customer's consent, found by
// their pseudonymous reference, so that the handler can demonstrate the
// consent it relied on when the person, or an authority, asks (GDPR Art.
// 7(1)). A customer never erased has none: ErrNotFound. The access must
// name a purpose that allows custos.ActionConsentProof with its basis
// holding; the read is recorded and refused like History.
func (r *Registry) Proof(ctx context.Context, acc custos.Access, subject custos.SubjectID) (Proof, error) {
	if err := acc.Validate(); err != nil {
		return Proof{}, err
	}
	if err := subject.Validate(); err != nil {
		return Proof{}, err
	}
	ev := custos.Event{Time: r.now(), Action: custos.ActionConsentProof, Access: acc, Subject: subject, RecordType: recordType}
	d, err := r.Checker().Authorize(ctx, Request{Access: acc, Action: custos.ActionConsentProof, Subject: subject})
	if err != nil {
		return Proof{}, err
	}
	if !d.Allowed {
		return Proof{}, r.refuseAccess(ctx, ev, refusal(d.Reason, ErrDenied, "purpose %q may not read consent proof", safeID(acc.Purpose)))
	}
	ev.Outcome, ev.Basis = custos.OutcomeAllowed, d.Basis
	e, err := r.store.GetErasure(ctx, r.pseudo.Reference(subject))
	if errors.Is(err, ErrNotFound) {
		ev.Outcome, ev.Basis, ev.Reason = custos.OutcomeError, custos.BasisUnknown, "not-found"
		if err := r.recordEvent(ctx, ev); err != nil {
			return Proof{}, err
		}
		return Proof{}, fmt.Errorf("%w: no erasure of the customer", ErrNotFound)
	}
	if err != nil {
		return Proof{}, r.readFailed(ctx, ev, fmt.Errorf("consent: read erasure: %w", err))
	}
	if err := r.recordEvent(ctx, ev); err != nil {
		return Proof{}, err
	}
	return Proof{At: e.At, Until: e.Until, Entries: e.Proof}, nil
}

// purgeBatch bounds the erasures one PurgeProof store call purges.
const purgeBatch = 500

// PurgeProof deletes the proof of every erasure whose retention
// (Config.ProofRetention) has ended, in batches, and returns how many
// erasures it purged. The erasures themselves stay, so that acts on those
// customers are still refused. The access must name a declared purpose
// that allows custos.ActionConsentPurge and rests on a basis other than
// consent (a retention duty, PIPL Art. 19, 47); the purge is recorded
// (custos.ActionConsentPurge, no subject) before each batch. It is
// resumable: run again after a failure, it purges what is left.
func (r *Registry) PurgeProof(ctx context.Context, acc custos.Access) (int, error) {
	if err := acc.Validate(); err != nil {
		return 0, err
	}
	ev := custos.Event{Time: r.now(), Action: custos.ActionConsentPurge, Access: acc, RecordType: recordType}
	p, ok := r.purposes[acc.Purpose]
	switch {
	case !ok:
		return 0, r.refuseAccess(ctx, ev, refusal("purpose-unknown", ErrDenied, "%q", safeID(acc.Purpose)))
	case !p.actions[custos.ActionConsentPurge] || p.Basis == custos.BasisConsent:
		return 0, r.refuseAccess(ctx, ev, refusal("action-not-allowed", ErrDenied, "purpose %q may not purge consent proof", acc.Purpose))
	}
	ev.Outcome, ev.Basis = custos.OutcomeAllowed, p.Basis
	total := 0
	for {
		ev.Time = r.now()
		if err := r.recordEvent(ctx, ev); err != nil {
			return total, err
		}
		n, err := r.store.PurgeProof(ctx, ev.Time, purgeBatch)
		if err != nil {
			return total, r.readFailed(ctx, ev, fmt.Errorf("consent: purge proof: %w", err))
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
	}
}
