package consent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// Status is a customer's consent for one purpose as it stands now.
type Status struct {
	// Record is the stored record; zero when the customer was never asked,
	// or was forgotten.
	Record Record
	// State is the state in force now: the stored state, except that a
	// given consent past its validity is StateExpired and one given on an
	// earlier notice generation is StateInvalidated.
	State State
	// Reason is "" when State permits processing, else the code the
	// Checker gives for refusing, such as "consent-withdrawn".
	Reason string
}

// recordType is the record type consent reads name in their audit events;
// the event's Fields name the purposes whose consent was read.
const recordType = "consent"

// Status reads the customer's consent for a consent-based purpose, for the
// access acc. A customer never asked, or forgotten (see EraseSubject), has
// State StateUnknown and no error: nothing is known of their consent any
// more, and nothing permits processing.
//
// A purpose may read the state of its own consent (acc.Purpose == id), to
// decide whether to ask or to process; any other purpose must allow
// custos.ActionConsentStatus and have its own legal basis hold, as the
// Checker decides. The read is recorded through the Recorder, allowed or
// refused, before the answer is returned (fail closed: ErrAudit and no
// answer when it cannot be). A refusal is a *Refusal wrapping ErrDenied,
// ErrUnknownPurpose or ErrNotConsentBased. A malformed access or subject
// is refused with custos's error and records nothing.
func (r *Registry) Status(ctx context.Context, acc custos.Access, subject custos.SubjectID, id custos.PurposeID) (Status, error) {
	p, ev, err := r.authorizeRead(ctx, acc, subject, id, custos.ActionConsentStatus, true)
	if err != nil {
		return Status{}, err
	}
	st, err := r.status(ctx, subject, p)
	if err != nil {
		return Status{}, r.readFailed(ctx, ev, err)
	}
	if err := r.recordEvent(ctx, ev); err != nil {
		return Status{}, err
	}
	return st, nil
}

// status reads a record and its state in force.
func (r *Registry) status(ctx context.Context, subject custos.SubjectID, p *purpose) (Status, error) {
	rec, err := r.store.GetConsent(ctx, subject, p.ID)
	if errors.Is(err, ErrNotFound) {
		return Status{State: StateUnknown, Reason: reasonNoConsent}, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("consent: read record: %w", err)
	}
	st, reason := p.effective(rec, r.now())
	return Status{Record: rec, State: st, Reason: reason}, nil
}

// History returns the append-only history of the customer's consent for
// the purpose, oldest first; none for a customer never asked or forgotten.
// It names who recorded each act and the evidence references, so the
// access must name a purpose that allows custos.ActionConsentHistory (such
// as one answering requests to demonstrate consent, GDPR Art. 7(1)), whose
// own legal basis holds. It is recorded and refused like Status.
func (r *Registry) History(ctx context.Context, acc custos.Access, subject custos.SubjectID, id custos.PurposeID) ([]Entry, error) {
	_, ev, err := r.authorizeRead(ctx, acc, subject, id, custos.ActionConsentHistory, false)
	if err != nil {
		return nil, err
	}
	h, err := r.store.History(ctx, subject, id)
	if err != nil {
		return nil, r.readFailed(ctx, ev, fmt.Errorf("consent: read history: %w", err))
	}
	if err := r.recordEvent(ctx, ev); err != nil {
		return nil, err
	}
	return h, nil
}

// NextAsk returns the earliest time Request may ask the customer for
// consent to the purpose: now, unless a refusal is younger than
// AskAgainAfter (NDSR Art. 22(5)). It reads the consent's state as Status
// does, for the same access, and is recorded as a status read.
func (r *Registry) NextAsk(ctx context.Context, acc custos.Access, subject custos.SubjectID, id custos.PurposeID) (time.Time, error) {
	st, err := r.Status(ctx, acc, subject, id)
	if err != nil {
		return time.Time{}, err
	}
	now := r.now()
	if st.State == StateRefused {
		if next := st.Record.Refused.Add(r.askAgain); next.After(now) {
			return next, nil
		}
	}
	return now, nil
}

// authorizeRead decides a read of the consent of purpose id, by action:
// the access and subject must be well formed (else custos's error, nothing
// recorded), the purpose declared and resting on consent, and the access's
// purpose either id itself (when own is set) or one that allows action with
// its basis holding. A refusal is recorded and returned as a *Refusal; an
// allowed read returns its event, to be recorded once the answer is read.
func (r *Registry) authorizeRead(ctx context.Context, acc custos.Access, subject custos.SubjectID, id custos.PurposeID,
	action custos.Action, own bool) (*purpose, custos.Event, error) {
	if err := acc.Validate(); err != nil {
		return nil, custos.Event{}, err
	}
	if err := subject.Validate(); err != nil {
		return nil, custos.Event{}, err
	}
	ev := custos.Event{Time: r.now(), Action: action, Access: acc, Subject: subject, RecordType: recordType}
	p, ok := r.purposes[id]
	if !ok {
		return nil, ev, r.refuseAccess(ctx, ev, refusal("purpose-unknown", ErrUnknownPurpose, "%q", safeID(id)))
	}
	ev.Fields = []string{string(id)}
	if p.Basis != custos.BasisConsent {
		return nil, ev, r.refuseAccess(ctx, ev, refusal("not-consent-based", ErrNotConsentBased, "%q", id))
	}
	if own && acc.Purpose == id {
		ev.Outcome, ev.Basis = custos.OutcomeAllowed, p.Basis
		return p, ev, nil
	}
	d, err := r.Checker().Authorize(ctx, Request{Access: acc, Action: action, Subject: subject})
	if err != nil {
		return nil, ev, err
	}
	if !d.Allowed {
		return nil, ev, r.refuseAccess(ctx, ev, refusal(d.Reason, ErrDenied, "purpose %q may not read consent %s", safeID(acc.Purpose), verb(action)))
	}
	ev.Outcome, ev.Basis = custos.OutcomeAllowed, d.Basis
	return p, ev, nil
}

// verb names what a read action reads, for errors.
func verb(a custos.Action) string {
	switch a {
	case custos.ActionConsentStatus:
		return "status"
	case custos.ActionConsentHistory:
		return "history"
	case custos.ActionConsentProof:
		return "proof"
	}
	return string(a)
}

// refuseRead records a refused read and returns the refusal, with the
// remedy (rule R6).
func (r *Registry) refuseAccess(ctx context.Context, ev custos.Event, ref *Refusal) error {
	ref.Remedy = r.remedy
	ev.Outcome, ev.Reason = custos.OutcomeDenied, ref.Reason
	if err := r.rec.Record(ctx, ev); err != nil {
		return errors.Join(ref, fmt.Errorf("%w: %w", ErrAudit, err))
	}
	return ref
}

// recordRead records an allowed read before its answer is returned.
func (r *Registry) recordEvent(ctx context.Context, ev custos.Event) error {
	if err := r.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	return nil
}

// readFailed records, best effort, that an allowed read failed, and
// returns err.
func (r *Registry) readFailed(ctx context.Context, ev custos.Event, err error) error {
	ev.Outcome, ev.Basis, ev.Reason = custos.OutcomeError, custos.BasisUnknown, "store-error"
	r.rec.Record(ctx, ev) // best effort: the read failed anyway
	return err
}
