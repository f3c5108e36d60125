package consent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// op describes one kind of act: what it requires and which states allow it.
type op struct {
	action custos.Action
	to     State
	// channel, notice, evidence, reason: the Act fields required.
	channel, notice, evidence, reason bool
	// explicit: the act carries consent, so it needs an explicit signal
	// and, for a minor, a guardian, and may not bundle purposes that need
	// separate consent.
	explicit bool
	// separate: the act may not bundle purposes that need separate
	// consent.
	separate bool
	// prepares: the act asks for, gives or renews consent, preparing
	// processing. Its audit event is recorded before the change is stored
	// (fail closed), and it is refused for a restricted customer. The
	// other acts only stop or restrain processing: they are stored first,
	// so that an audit outage never keeps a consent alive (PIPL Art. 15),
	// and stay open to restricted customers.
	prepares bool
	// ends: the act only ends a live consent (it needs a stored record in
	// a permitting state), so it creates nothing and stays open to a
	// customer the vault does not hold (PIPL Art. 15).
	ends bool
	// allow refuses the act in the record's current state; eff is the
	// state in force, found whether a record exists.
	allow func(r *Registry, rec Record, eff State, now time.Time) *Refusal
	// apply changes the record's head.
	apply func(rec *Record, a Act, p *purpose, now time.Time)
}

var (
	opRequest = &op{
		action: custos.ActionConsentRequest, to: StateRequested, channel: true, notice: true, separate: true, prepares: true,
		allow: func(r *Registry, rec Record, eff State, now time.Time) *Refusal {
			if eff.Permits() {
				return refusal("consent-live", ErrState, "the customer's consent is live")
			}
			if eff == StateRefused && now.Before(rec.Refused.Add(r.askAgain)) {
				return refusal("ask-too-soon", ErrTooSoon, "")
			}
			return nil
		},
	}
	opGrant = &op{
		action: custos.ActionConsentGrant, to: StateGiven, channel: true, notice: true, evidence: true, explicit: true, separate: true, prepares: true,
		allow: func(_ *Registry, _ Record, eff State, _ time.Time) *Refusal {
			if eff.Permits() {
				return refusal("consent-live", ErrState, "the consent is already live; renew it instead")
			}
			return nil
		},
		apply: give,
	}
	opRenew = &op{
		action: custos.ActionConsentRenew, to: StateRenewed, channel: true, notice: true, evidence: true, explicit: true, separate: true, prepares: true,
		allow: func(_ *Registry, rec Record, _ State, _ time.Time) *Refusal {
			if !rec.State.Permits() && rec.State != StateExpired {
				return refusal("no-consent", ErrNoConsent, "only a given, renewed or expired consent can be renewed")
			}
			return nil
		},
		apply: give,
	}
	opRefuse = &op{
		action: custos.ActionConsentRefuse, to: StateRefused, channel: true,
		allow: func(_ *Registry, _ Record, eff State, _ time.Time) *Refusal {
			if eff.Permits() {
				return refusal("consent-live", ErrState, "the consent is live; withdraw it instead")
			}
			return nil
		},
		apply: func(rec *Record, _ Act, _ *purpose, now time.Time) { rec.Refused = now },
	}
	opDefer = &op{
		action: custos.ActionConsentDefer, to: StateDeferred, channel: true,
		allow: func(_ *Registry, _ Record, eff State, _ time.Time) *Refusal {
			if eff.Permits() {
				return refusal("consent-live", ErrState, "the consent is live")
			}
			return nil
		},
	}
	opWithdraw = &op{
		action: custos.ActionConsentWithdraw, to: StateWithdrawn, channel: true, ends: true,
		allow: func(_ *Registry, rec Record, _ State, _ time.Time) *Refusal {
			if !rec.State.Permits() {
				return refusal("no-consent", ErrNoConsent, "nothing to withdraw")
			}
			return nil
		},
	}
	opExpire = &op{
		action: custos.ActionConsentExpire, to: StateExpired, ends: true,
		allow: func(_ *Registry, rec Record, _ State, now time.Time) *Refusal {
			if !rec.State.Permits() {
				return refusal("no-consent", ErrNoConsent, "nothing to expire")
			}
			if rec.Expires.IsZero() || now.Before(rec.Expires) {
				return refusal("not-expired", ErrState, "the consent's validity has not ended")
			}
			return nil
		},
	}
	opRevoke = &op{
		action: custos.ActionConsentRevoke, to: StateRevoked, reason: true, ends: true,
		allow: func(_ *Registry, rec Record, _ State, _ time.Time) *Refusal {
			if !rec.State.Permits() {
				return refusal("no-consent", ErrNoConsent, "nothing to revoke")
			}
			return nil
		},
	}
	opInvalidate = &op{
		action: custos.ActionConsentInvalidate, to: StateInvalidated, ends: true,
		allow: func(_ *Registry, rec Record, _ State, _ time.Time) *Refusal {
			if !rec.State.Permits() {
				return refusal("no-consent", ErrNoConsent, "nothing to invalidate")
			}
			return nil
		},
	}
)

// give sets the head of a record whose consent is given or renewed now.
func give(rec *Record, a Act, p *purpose, now time.Time) {
	rec.Generation, rec.Given, rec.Minor = p.generation, now, a.Minor
	rec.Expires = time.Time{}
	if p.Validity > 0 {
		rec.Expires = now.Add(p.Validity)
	}
}

// Request records that the handler asked the customer for consent to the
// purposes, showing the notice version a.Notice. It is refused with
// ErrTooSoon inside Config.AskAgainAfter after a refusal (NDSR Art. 22(5),
// rule L6), and with ErrState while consent is live.
func (r *Registry) Request(ctx context.Context, a Act) error { return r.act(ctx, a, opRequest) }

// Grant records that the customer gave consent to the purposes, by an
// explicit act (rule L2) on notice version a.Notice. The consent then
// permits processing until withdrawn, revoked, expired (Purpose.Validity) or
// invalidated by a new notice generation.
//
// Grant is refused, and changes nothing, for an unknown purpose
// (ErrUnknownPurpose), a purpose not resting on consent (ErrNotConsentBased),
// several purposes in one act where one needs separate consent (ErrBundled,
// rule L7), a notice version never published (ErrUnknownNotice) or of an
// earlier generation (ErrOutdatedNotice, rule L3), a signal that is not
// explicit (ErrNotExplicit), a minor without guardian (ErrGuardianRequired,
// rule L8), or a consent already live (ErrState). A person may give consent
// on their own initiative at any time, even soon after refusing; only
// asking is limited (see Request).
func (r *Registry) Grant(ctx context.Context, a Act) error { return r.act(ctx, a, opGrant) }

// Renew records that the customer confirmed a given, renewed or expired
// consent on the current notice generation, with a new validity period. It
// requires what Grant requires.
func (r *Registry) Renew(ctx context.Context, a Act) error { return r.act(ctx, a, opRenew) }

// Refuse records that the customer refused consent to the purposes. A
// refusal affects only those purposes: purposes on other legal bases, such
// as the contract the service rests on, are checked as before, so refusing
// non-essential consent never blocks the service (PIPL Art. 16; GDPR Art.
// 7(4), rule L5). Request may not ask again before Config.AskAgainAfter.
func (r *Registry) Refuse(ctx context.Context, a Act) error { return r.act(ctx, a, opRefuse) }

// Defer records that the customer postponed the decision.
func (r *Registry) Defer(ctx context.Context, a Act) error { return r.act(ctx, a, opDefer) }

// Withdraw records that the customer withdrew consent to the purposes. It
// needs no more than granting did (a channel), and takes effect on the very
// next check by any Checker over the same Store: the Checker reads the
// record on every access (PIPL Art. 15; GDPR Art. 7(3), rule L4).
// Processing before the withdrawal stays lawful; its history is kept. It
// fails with ErrNoConsent, changing nothing, when a purpose named has no
// live consent: an act applies to all its purposes or to none. It is open
// to restricted customers, and it is stored before its audit event, so
// that an audit outage never keeps a consent alive: the error then wraps
// ErrAudit and the withdrawal stands (Refuse, Defer, Expire, Revoke and
// Invalidate do the same). Request, Grant and Renew record their event
// first and store nothing when it cannot be recorded.
func (r *Registry) Withdraw(ctx context.Context, a Act) error { return r.act(ctx, a, opWithdraw) }

// Expire records that the consent's validity period ended (a.Actor is
// typically a batch job). A consent past its validity already permits
// nothing before Expire records it; Expire writes the fact into the
// history. It fails with ErrState before the end of validity.
func (r *Registry) Expire(ctx context.Context, a Act) error {
	if a.Reason == "" {
		a.Reason = "validity-ended"
	}
	return r.act(ctx, a, opExpire)
}

// Revoke records that the handler ended the customer's consent, for the
// reason a.Reason (a code such as "account-closed").
func (r *Registry) Revoke(ctx context.Context, a Act) error { return r.act(ctx, a, opRevoke) }

// Invalidate records that the customer's consent no longer covers the
// processing (W3C DPV ConsentInvalidated, rule L10), for the reason
// a.Reason: by default "notice-changed", when the purpose, method or
// categories of data changed since the consent was given (PIPL Art. 14 ¶2),
// or another code, such as "signer-not-authorized", when the handler found
// the consent defective. A consent on an earlier notice generation already
// permits nothing before Invalidate records it; Invalidate writes the fact
// into the history, as a batch job sweeping outdated consents does. After
// it, the Checker refuses every read of the purpose until the person gives
// consent again (Grant). It fails with ErrNoConsent when no consent is
// live in the store.
func (r *Registry) Invalidate(ctx context.Context, a Act) error {
	if a.Reason == "" {
		a.Reason = reasonNoticeChanged
	}
	return r.act(ctx, a, opInvalidate)
}

// maxAttempts bounds the retries of an act that loses a race with another
// writer of the same record.
const maxAttempts = 5

// act validates a, checks every rule, and applies the change to every
// purpose atomically. A refusal is recorded as a denied event per purpose
// and returned as a *Refusal; a stored change is recorded as an allowed
// event per purpose: before the change for acts that prepare processing,
// after it for the others (see op.prepares).
func (r *Registry) act(ctx context.Context, a Act, o *op) error {
	if err := a.validate(o); err != nil {
		return err
	}
	now := r.now()
	if ref, err := r.checkSubject(ctx, a.Subject, o); ref != nil || err != nil {
		if err != nil {
			return err
		}
		return r.refuse(ctx, a, o, now, ref)
	}
	ps, ref, err := r.resolve(ctx, a, o)
	if err != nil {
		return err
	}
	if ref != nil {
		return r.refuse(ctx, a, o, now, ref)
	}
	pseudonym := r.pseudo.Reference(a.Subject)
	if o.prepares {
		// Refused here rather than by Apply, so that the log does not
		// record the act as allowed first; Apply still refuses an act
		// racing the erasure.
		switch _, err := r.store.GetErasure(ctx, pseudonym); {
		case err == nil:
			return r.refuse(ctx, a, o, now, refusal(reasonForgotten, ErrForgotten, ""))
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("consent: read erasure: %w", err)
		}
	}
	for range maxAttempts {
		writes, refused, err := r.plan(ctx, a, o, ps, now, pseudonym)
		if err != nil {
			return err
		}
		if refused != nil {
			return r.refuse(ctx, a, o, now, refused)
		}
		if o.prepares {
			if err := r.record(ctx, a, o, now, custos.OutcomeAllowed, ""); err != nil {
				return err // fail closed: nothing stored
			}
		}
		err = r.store.Apply(ctx, writes)
		switch {
		case err == nil:
			if o.prepares {
				return nil
			}
			return r.record(ctx, a, o, now, custos.OutcomeAllowed, "")
		case errors.Is(err, ErrForgotten):
			return r.refuse(ctx, a, o, now, refusal(reasonForgotten, ErrForgotten, ""))
		}
		if o.prepares {
			reason := "not-committed"
			if errors.Is(err, ErrConflict) {
				reason = "conflict"
			}
			r.record(ctx, a, o, now, custos.OutcomeError, reason) // best effort: the act failed anyway
		}
		if !errors.Is(err, ErrConflict) {
			return fmt.Errorf("consent: store: %w", err)
		}
	}
	return fmt.Errorf("consent: %w: gave up after %d attempts", ErrConflict, maxAttempts)
}

// Reason codes of acts refused for the customer's state.
const (
	reasonUnknownSubject = "subject-unknown"
	reasonForgotten      = "subject-forgotten"
	reasonRestricted     = "subject-restricted"
)

// checkSubject refuses every act on a forgotten customer (PIPL Art. 47;
// GDPR Art. 17), every act that could create a record for a customer the
// vault does not hold (a record nothing would ever erase), and every act
// preparing processing of a restricted customer (PIPL Art. 47 ¶2; GDPR
// Art. 18). Withdrawal, and the handler's ending of a live consent, stay
// open to restricted and unknown customers: they create nothing and the
// person may withdraw at any time (PIPL Art. 15); refusing and deferring
// stay open to restricted ones.
func (r *Registry) checkSubject(ctx context.Context, subject custos.SubjectID, o *op) (*Refusal, error) {
	st, err := r.subjects.SubjectState(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("consent: customer state: %w", err)
	}
	switch st {
	case custos.SubjectActive:
		return nil, nil
	case custos.SubjectRestricted:
		if o.prepares {
			return refusal(reasonRestricted, ErrRestricted, "consent cannot be asked for, given or renewed in storage-only state (PIPL Art. 47)"), nil
		}
		return nil, nil
	case custos.SubjectUnknown:
		if o.ends {
			return nil, nil
		}
		return refusal(reasonUnknownSubject, ErrUnknownSubject, "store the customer's records in the vault first"), nil
	case custos.SubjectForgotten:
		return refusal(reasonForgotten, ErrForgotten, ""), nil
	}
	return nil, fmt.Errorf("consent: customer state: Subjects answered %s", st)
}

// resolve checks the rules that do not depend on stored records: known,
// consent-based purposes, separate consent, the notice, the signal and the
// guardian.
func (r *Registry) resolve(ctx context.Context, a Act, o *op) ([]*purpose, *Refusal, error) {
	ps := make([]*purpose, len(a.Purposes))
	for i, id := range a.Purposes {
		p, ok := r.purposes[id]
		if !ok {
			return nil, refusal("purpose-unknown", ErrUnknownPurpose, "%q", safeID(id)), nil
		}
		if p.Basis != custos.BasisConsent {
			return nil, refusal("not-consent-based", ErrNotConsentBased, "purpose %q rests on %s", id, p.Basis.PIPL()), nil
		}
		ps[i] = p
	}
	if o.separate && len(ps) > 1 {
		for _, p := range ps {
			switch {
			case p.Separately():
				return nil, refusal("separate-consent-required", ErrBundled, "purpose %q needs consent of its own (%s)", p.ID, p.Separate[0].Article()), nil
			case a.Minor:
				return nil, refusal("separate-consent-required", ErrBundled, "information of a minor is sensitive (PIPL Art. 28, 29)"), nil
			}
		}
	}
	if o.notice {
		if ref, err := r.checkNotice(ctx, a.Notice, ps); ref != nil || err != nil {
			return nil, ref, err
		}
	}
	if o.explicit {
		if !a.Signal.Explicit() {
			return nil, refusal("not-explicit", ErrNotExplicit, "signal %q", a.Signal), nil
		}
		if a.Minor && a.Guardian == nil {
			return nil, refusal("guardian-required", ErrGuardianRequired, ""), nil
		}
	}
	return ps, nil, nil
}

// checkNotice accepts the current version of every purpose's notice, or an
// earlier published version of the same generation for every purpose (a
// change of wording only); it refuses any other (PIPL Art. 14 ¶2).
func (r *Registry) checkNotice(ctx context.Context, version string, ps []*purpose) (*Refusal, error) {
	var old *PublishedNotice
	for _, p := range ps {
		cur := p.notice.pub
		if version == cur.Version {
			continue
		}
		if old == nil {
			n, err := r.store.GetNotice(ctx, version)
			if errors.Is(err, ErrNotFound) {
				return refusal("notice-unknown", ErrUnknownNotice, ""), nil
			}
			if err != nil {
				return nil, fmt.Errorf("consent: read notice: %w", err)
			}
			old = &n
		}
		g, ok := old.Generations[p.ID]
		switch {
		case !ok || old.Notice != p.Notice:
			return refusal("notice-unknown", ErrUnknownNotice, "the notice version does not describe purpose %q", p.ID), nil
		case g != p.generation:
			return refusal("notice-outdated", ErrOutdatedNotice, "purpose %q changed since that version", p.ID), nil
		}
	}
	return nil, nil
}

// plan reads each purpose's record and returns the writes of the act, or
// the refusal of the first record whose state does not allow it.
func (r *Registry) plan(ctx context.Context, a Act, o *op, ps []*purpose, now time.Time, ref []byte) ([]Write, *Refusal, error) {
	writes := make([]Write, 0, len(ps))
	for _, p := range ps {
		rec, err := r.store.GetConsent(ctx, a.Subject, p.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			rec = Record{Subject: a.Subject, Purpose: p.ID, ID: newRecordID(), Created: now}
		case err != nil:
			return nil, nil, fmt.Errorf("consent: read record: %w", err)
		}
		eff, _ := p.effective(rec, now)
		if ref := o.allow(r, rec, eff, now); ref != nil {
			return nil, ref, nil
		}
		expect := rec.Version
		rec.State, rec.Version, rec.Updated = o.to, rec.Version+1, now
		if o.notice {
			rec.Notice, rec.Language = a.Notice, a.Language
		}
		if o.apply != nil {
			o.apply(&rec, a, p, now)
		}
		e := Entry{
			Seq: rec.Version, Time: now, Action: o.action, State: o.to, Actor: a.Actor, Channel: a.Channel,
			Signal: a.Signal, Notice: a.Notice, Language: a.Language, Evidence: a.Evidence,
			Reason: a.Reason, RequestID: a.RequestID,
		}
		if e.Channel == "" {
			e.Channel = "system"
		}
		if a.Guardian != nil {
			e.Guardian = *a.Guardian
		}
		writes = append(writes, Write{Record: rec, Entry: e, Expect: expect, Ref: ref})
	}
	return writes, nil, nil
}

// refuse records the refusal of an act and returns it (rule R6).
func (r *Registry) refuse(ctx context.Context, a Act, o *op, now time.Time, ref *Refusal) error {
	ref.Remedy = r.remedy
	if err := r.record(ctx, a, o, now, custos.OutcomeDenied, ref.Reason); err != nil {
		return errors.Join(ref, err)
	}
	return ref
}

// record sends one audit event per purpose of the act. A failing Recorder
// is reported with ErrAudit: before an act that prepares processing,
// nothing is stored; after one that stops or restrains it, the stored
// change stands, so that a withdrawal is never undone by an audit outage.
func (r *Registry) record(ctx context.Context, a Act, o *op, now time.Time, out custos.Outcome, reason string) error {
	for _, p := range a.Purposes {
		e := custos.Event{
			Time: now, Action: o.action, Subject: a.Subject, Outcome: out, Reason: reason,
			Access: custos.Access{Actor: a.Actor, Purpose: p, RequestID: a.RequestID},
		}
		if out == custos.OutcomeAllowed {
			e.Basis = custos.BasisConsent
		}
		if err := r.rec.Record(ctx, e); err != nil {
			return fmt.Errorf("%w: %w", ErrAudit, err)
		}
	}
	return nil
}

// newRecordID returns 32 hex digits from crypto/rand.
func newRecordID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand.Read aborts the program instead
	return hex.EncodeToString(b[:])
}
