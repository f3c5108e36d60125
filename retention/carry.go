package retention

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// Audit actions of carrying a customer's retention state to another
// handler.
const (
	ActionExport custos.Action = "retention.export"
	ActionImport custos.Action = "retention.import"
)

// SubjectState is what retention holds of one customer, as a company
// transfer carries it to the acquirer: PIPL Art. 22 binds the recipient to
// the original processing, so retention clocks and legal holds travel
// intact (rule M5). It holds times, rule names, hold owners and reasons,
// never a field value.
type SubjectState struct {
	Subject custos.SubjectID
	// Clocks are the customer's clocks, by rule, with their start and due
	// times unchanged.
	Clocks []Clock
	// Holds are the holds in force over the customer. A hold that named
	// customers is narrowed to this one, under an ID derived from the
	// original and the customer, so that carrying it names no one else;
	// a hold over record types or everyone keeps its ID.
	Holds []Hold
	// Reviews are the customer's accuracy reviews.
	Reviews []Review
}

// ExportSubject returns the customer's retention state for a transfer,
// after recording an ActionExport event under acc (nothing is returned
// unless the event is recorded). A customer the vault does not hold or
// forgot is refused with ErrUnknownSubject or ErrForgotten.
func (r *Retention) ExportSubject(ctx context.Context, acc custos.Access, subject custos.SubjectID) (SubjectState, error) {
	if err := acc.Validate(); err != nil {
		return SubjectState{}, err
	}
	if err := subject.Validate(); err != nil {
		return SubjectState{}, err
	}
	if _, err := r.vault.Since(ctx, r.acc, subject); err != nil {
		return SubjectState{}, subjectErr(err)
	}
	st := SubjectState{Subject: subject}
	var err error
	if st.Clocks, err = r.store.Clocks(ctx, subject); err != nil {
		return SubjectState{}, fmt.Errorf("retention: read clocks: %w", err)
	}
	if st.Reviews, err = r.store.Reviews(ctx, subject); err != nil {
		return SubjectState{}, fmt.Errorf("retention: read reviews: %w", err)
	}
	holds, err := r.store.Holds(ctx, subject, r.now())
	if err != nil {
		return SubjectState{}, fmt.Errorf("retention: read holds: %w", err)
	}
	for _, h := range holds {
		if len(h.Subjects) > 0 {
			h.ID, h.Subjects = carriedHoldID(h.ID, subject), []custos.SubjectID{subject}
		}
		st.Holds = append(st.Holds, h)
	}
	ev := custos.Event{Time: r.now(), Action: ActionExport, Subject: subject, Access: acc, Outcome: custos.OutcomeAllowed,
		Detail: fmt.Sprintf("clocks %d holds %d reviews %d", len(st.Clocks), len(st.Holds), len(st.Reviews))}
	if err := r.rec.Record(ctx, ev); err != nil {
		return SubjectState{}, fmt.Errorf("%w: %w", ErrAudit, err)
	}
	return st, nil
}

// carriedHoldID is the ID of a customer's share of a hold that named
// customers: the same for every export, distinct per customer.
func carriedHoldID(id string, subject custos.SubjectID) string {
	sum := sha256.Sum256([]byte("custos.retention.carried-hold\x00" + id + "\x00" + string(subject)))
	return "hold-" + hex.EncodeToString(sum[:16])
}

// ImportSubject continues, on the acquirer, the retention state another
// handler exported: the clocks keep their start and due times under the
// acquirer's rules of the same name (a clock started later here keeps its
// later start), holds are stored as they were (placed by their owner for
// their reason), reviews keep their dates. Import the customer's records
// into the vault first: a customer the vault does not hold or forgot is
// refused with ErrUnknownSubject or ErrForgotten.
//
// The whole state is checked before anything is written: a clock of a
// rule the policy does not have (or of another record type), a hold
// without owner or reason or naming another customer, a review of a
// record type without a review rule, or a time missing are refused with an
// error wrapping ErrImport, and nothing is written or recorded. An
// ActionImport event is recorded under acc before the first write. Import
// is idempotent: the same state again changes nothing; a rerun after a
// failure completes it.
func (r *Retention) ImportSubject(ctx context.Context, acc custos.Access, st SubjectState) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	if err := st.Subject.Validate(); err != nil {
		return err
	}
	if err := r.checkImport(st); err != nil {
		return err
	}
	if _, err := r.vault.Since(ctx, r.acc, st.Subject); err != nil {
		return subjectErr(err)
	}
	ev := custos.Event{Time: r.now(), Action: ActionImport, Subject: st.Subject, Access: acc, Outcome: custos.OutcomeAllowed,
		Detail: fmt.Sprintf("clocks %d holds %d reviews %d", len(st.Clocks), len(st.Holds), len(st.Reviews))}
	if err := r.rec.Record(ctx, ev); err != nil {
		return fmt.Errorf("%w: %w", ErrAudit, err)
	}
	for _, c := range st.Clocks {
		if _, err := r.store.PutClock(ctx, c); err != nil {
			return fmt.Errorf("retention: store clock: %w", err)
		}
	}
	for _, h := range st.Holds {
		err := r.store.PutHold(ctx, h)
		if errors.Is(err, ErrConflict) {
			got, gerr := r.store.GetHold(ctx, h.ID)
			if gerr == nil && sameHold(got, h) {
				continue // imported before
			}
			return fmt.Errorf("%w: hold %s exists with another content", ErrImport, safeName(h.ID))
		}
		if err != nil {
			return fmt.Errorf("retention: store hold: %w", err)
		}
	}
	for _, rv := range st.Reviews {
		if _, err := r.store.PutReview(ctx, rv); err != nil {
			return fmt.Errorf("retention: store review: %w", err)
		}
	}
	return nil
}

func (r *Retention) checkImport(st SubjectState) error {
	for _, c := range st.Clocks {
		i := slices.IndexFunc(r.rules, func(x Rule) bool { return x.Name == c.Rule })
		switch {
		case c.Subject != st.Subject:
			return fmt.Errorf("%w: a clock of another customer", ErrImport)
		case i < 0:
			return fmt.Errorf("%w: clock of rule %q, which the policy does not have", ErrImport, safeName(c.Rule))
		case r.rules[i].RecordType != c.RecordType:
			return fmt.Errorf("%w: clock of rule %q is of record type %q, the rule of %q", ErrImport, c.Rule, safeName(c.RecordType), r.rules[i].RecordType)
		case c.Started.IsZero() || c.Due.IsZero() || c.Next.IsZero() || c.Due.Before(c.Started):
			return fmt.Errorf("%w: clock of rule %q has a missing or inverted time", ErrImport, c.Rule)
		}
	}
	for _, h := range st.Holds {
		if !namePattern.MatchString(h.ID) {
			return fmt.Errorf("%w: hold id is not a valid name", ErrImport)
		}
		if err := r.checkHold(h); err != nil {
			return fmt.Errorf("%w: %w", ErrImport, err)
		}
		if len(h.Subjects) > 1 || len(h.Subjects) == 1 && h.Subjects[0] != st.Subject {
			return fmt.Errorf("%w: hold %s names another customer", ErrImport, h.ID)
		}
	}
	for _, rv := range st.Reviews {
		switch {
		case rv.Subject != st.Subject:
			return fmt.Errorf("%w: a review of another customer", ErrImport)
		case !slices.ContainsFunc(r.reviews, func(x ReviewRule) bool { return x.RecordType == rv.RecordType }):
			return fmt.Errorf("%w: review of record type %q, which has no review rule", ErrImport, safeName(rv.RecordType))
		case rv.Reviewed.IsZero() || rv.Due.IsZero():
			return fmt.Errorf("%w: review of %q has a missing time", ErrImport, rv.RecordType)
		}
	}
	return nil
}

func sameHold(a, b Hold) bool {
	return a.ID == b.ID && a.Owner == b.Owner && a.Reason == b.Reason && slices.Equal(a.Subjects, b.Subjects) &&
		slices.Equal(a.RecordTypes, b.RecordTypes) && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		a.Released.Equal(b.Released) && a.ReleasedBy == b.ReleasedBy
}
