package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// The actions of a company transfer of consent records (PIPL Art. 22, 23;
// RULES M5): the seller reads a customer's records with their histories to
// hand them over, the acquirer writes them onto its own purposes.
const (
	ActionTransferOut custos.Action = "consent.transfer-out"
	ActionTransferIn  custos.Action = "consent.transfer-in"
)

// Carried is one consent record as it travels in a company transfer: the
// head, its full history, and whether it permitted processing when it
// left (the state in force at the seller, see Status).
type Carried struct {
	Record  Record
	History []Entry
	Live    bool
}

// Carry returns the customer's consent records for the given purposes,
// each with its full history, for a company transfer. Purposes the
// customer was never asked about are left out; a purpose this registry
// does not declare fails with ErrUnknownPurpose. The read is recorded
// (ActionTransferOut) before it returns; it fails closed with ErrAudit.
func (r *Registry) Carry(ctx context.Context, acc custos.Access, subject custos.SubjectID, purposes []custos.PurposeID) ([]Carried, error) {
	if err := acc.Validate(); err != nil {
		return nil, err
	}
	if err := subject.Validate(); err != nil {
		return nil, err
	}
	if err := r.allowsTransfer(ctx, acc, subject, ActionTransferOut); err != nil {
		return nil, err
	}
	ps := make([]*purpose, 0, len(purposes))
	for _, id := range purposes {
		p := r.purposes[id]
		if p == nil {
			return nil, fmt.Errorf("%w: %s", ErrUnknownPurpose, safeID(id))
		}
		ps = append(ps, p)
	}
	ev := custos.Event{Time: r.now(), Action: ActionTransferOut, Access: acc, Subject: subject, RecordType: recordType, Outcome: custos.OutcomeAllowed}
	var out []Carried
	for _, p := range ps {
		rec, err := r.store.GetConsent(ctx, subject, p.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, r.readFailed(ctx, ev, fmt.Errorf("consent: read record: %w", err))
		}
		h, err := r.store.History(ctx, subject, p.ID)
		if err != nil {
			return nil, r.readFailed(ctx, ev, fmt.Errorf("consent: read history: %w", err))
		}
		st, _ := p.effective(rec, r.now())
		out = append(out, Carried{Record: rec, History: h, Live: st.Permits()})
		ev.Fields = append(ev.Fields, string(p.ID))
	}
	if err := r.recordEvent(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

// PublishedVersion returns a stored notice version, current or earlier,
// as consents given on it name it; ErrNotFound if none is stored.
func (r *Registry) PublishedVersion(ctx context.Context, version string) (PublishedNotice, error) {
	n, err := r.store.GetNotice(ctx, version)
	if err != nil {
		return PublishedNotice{}, fmt.Errorf("consent: read notice: %w", err)
	}
	return n, nil
}

// KeepNotice stores a notice version received in a company transfer, so
// that the imported consents given on it name a notice text the acquirer
// holds (GDPR Art. 7(1)). The version must be the SHA-256 of the content,
// as every published version is; otherwise KeepNotice fails with
// ErrInvalidAct and stores nothing. Keeping a version already stored succeeds.
func (r *Registry) KeepNotice(ctx context.Context, n PublishedNotice) error {
	if n.Version != hashBytes(n.Content) {
		return fmt.Errorf("%w: notice version is not the hash of its content", ErrInvalidAct)
	}
	if err := r.store.PutNotice(ctx, n); err != nil {
		return fmt.Errorf("consent: store notice: %w", err)
	}
	return nil
}

// Receive writes a consent record received in a company transfer as the
// customer's record for this registry's purpose onto: the record's id,
// state, times and every history entry as the seller kept them, then one
// entry of ActionTransferIn recording the transfer (Channel "transfer",
// Evidence the transfer id). A record that was live at the seller stays
// live here under onto's current notice generation: under PIPL Art. 22 the
// recipient continues the original processing, and the caller has checked
// that onto does not widen the original purpose (a wider purpose needs new
// consent, PIPL Art. 14 ¶2). A record that was not live stays not live.
//
// The customer must not hold another record for onto (ErrConflict, nothing
// written). Receiving the same record again continues where an
// interrupted call stopped and changes nothing once complete. The event is
// recorded before any write (fail closed).
func (r *Registry) Receive(ctx context.Context, acc custos.Access, subject custos.SubjectID, onto custos.PurposeID, transferID string, c Carried) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	if err := subject.Validate(); err != nil {
		return err
	}
	p := r.purposes[onto]
	if p == nil {
		return fmt.Errorf("%w: %s", ErrUnknownPurpose, safeID(onto))
	}
	if err := r.allowsTransfer(ctx, acc, subject, ActionTransferIn); err != nil {
		return err
	}
	n := int64(len(c.History))
	if n == 0 || c.Record.Version != n || c.Record.ID == "" {
		return fmt.Errorf("%w: a carried record needs its full history", ErrInvalidAct)
	}
	for i, e := range c.History {
		if e.Seq != int64(i+1) {
			return fmt.Errorf("%w: history entries out of sequence", ErrInvalidAct)
		}
	}
	head := c.Record
	head.Subject, head.Purpose = subject, onto
	head.Generation = ""
	if c.Live {
		head.Generation = p.generation
	}
	final := head
	final.Version = n + 1
	final.Updated = r.now()
	mark := Entry{
		Seq: n + 1, Time: final.Updated, Action: ActionTransferIn, State: head.State, Actor: acc.Actor,
		Channel: "transfer", Evidence: transferID, RequestID: acc.RequestID,
	}
	have, err := r.store.GetConsent(ctx, subject, onto)
	switch {
	case err == nil && have.ID != c.Record.ID:
		return fmt.Errorf("%w: the customer already holds a consent record for %s", ErrConflict, safeID(onto))
	case err == nil && have.Version > n:
		return nil // received before
	case err != nil && !errors.Is(err, ErrNotFound):
		return fmt.Errorf("consent: read record: %w", err)
	}
	ev := custos.Event{Time: final.Updated, Action: ActionTransferIn, Access: acc, Subject: subject, RecordType: recordType, Fields: []string{string(onto)}, Outcome: custos.OutcomeAllowed, Detail: transferID}
	if err := r.recordEvent(ctx, ev); err != nil {
		return err
	}
	ref := r.pseudo.Reference(subject)
	start := have.Version // 0 when absent
	for seq := start + 1; seq <= n+1; seq++ {
		rec, e := head, mark
		if seq <= n {
			e = c.History[seq-1]
		} else {
			rec = final
		}
		rec.Version = seq
		if err := r.store.Apply(ctx, []Write{{Record: rec, Entry: e, Expect: seq - 1, Ref: ref}}); err != nil {
			return fmt.Errorf("consent: store record: %w", err)
		}
	}
	return nil
}

// Spec is what a purpose allows, for comparing purposes across handlers.
type Spec struct {
	ID       custos.PurposeID
	Basis    custos.LegalBasis
	Actions  []custos.Action
	Fields   map[string][]string
	Validity time.Duration // 0: until withdrawn
}

// SpecOf returns the spec of a declared purpose.
func (r *Registry) SpecOf(id custos.PurposeID) (Spec, bool) {
	p := r.purposes[id]
	if p == nil {
		return Spec{}, false
	}
	s := Spec{ID: p.ID, Basis: p.Basis, Actions: slices.Clone(p.Actions), Fields: map[string][]string{}, Validity: p.Validity}
	for t, fs := range p.Fields {
		s.Fields[t] = slices.Clone(fs)
	}
	return s, true
}

// allowsTransfer refuses, and records the refusal, unless the access's
// purpose is declared and allows the transfer action.
func (r *Registry) allowsTransfer(ctx context.Context, acc custos.Access, subject custos.SubjectID, action custos.Action) error {
	p := r.purposes[acc.Purpose]
	if p != nil && p.actions[action] {
		return nil
	}
	ev := custos.Event{Time: r.now(), Action: action, Access: acc, Subject: subject, RecordType: recordType, Outcome: custos.OutcomeDenied, Reason: "action-not-allowed"}
	if err := r.recordEvent(ctx, ev); err != nil {
		return err
	}
	return fmt.Errorf("%w: purpose %s does not allow %s", ErrDenied, safeID(acc.Purpose), action)
}
