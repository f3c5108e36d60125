package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// Event is something that happened to a customer and starts or restarts
// the clocks of the rules whose Start it is: a lease ended, a transaction,
// a consent withdrawn.
type Event struct {
	// Subject is the customer.
	Subject custos.SubjectID
	// Kind is what happened.
	Kind EventKind
	// Purpose, for EventConsentWithdrawn, is the purpose whose consent
	// ended; empty otherwise.
	Purpose custos.PurposeID
	// RecordType, if set, limits the event to the rules of that record
	// type, such as a transaction recorded in one type of record only.
	RecordType string
	// At is when it happened.
	At time.Time
}

// Report starts or restarts, from e, the clock of every rule whose Start
// is e's kind (and purpose), for e's customer; a clock started by a later
// event keeps that start, so events may be reported late or twice. It
// refuses, with an error wrapping ErrEvent and nothing changed, an event
// of an undeclared kind, a consent withdrawal naming no purpose (or
// another kind naming one), an event without a time, dated more than
// Config.Tolerance in the future or before the vault first stored the
// customer, or that no rule starts; and with
// ErrUnknownSubject or ErrForgotten an event of a customer the vault does
// not hold or forgot.
//
// Consent withdrawals reach retention without a call to Report when the
// consent registry records through a ConsentRecorder.
func (r *Retention) Report(ctx context.Context, e Event) error {
	if err := r.checkEvent(ctx, e); err != nil {
		return err
	}
	n, err := r.start(ctx, e)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: no rule starts on %s", ErrEvent, Start{Event: e.Kind, Purpose: e.Purpose})
	}
	return nil
}

func (r *Retention) checkEvent(ctx context.Context, e Event) error {
	if err := e.Subject.Validate(); err != nil {
		return err
	}
	if err := (Start{Event: e.Kind, Purpose: e.Purpose}).validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrEvent, err)
	}
	switch now := r.now(); {
	case e.At.IsZero():
		return fmt.Errorf("%w: event has no time", ErrEvent)
	case e.At.After(now.Add(r.tolerance)):
		return fmt.Errorf("%w: event dated %s after now, beyond the tolerance of %s", ErrEvent, e.At.Sub(now).Round(time.Second), r.tolerance)
	}
	if e.RecordType != "" && !namePattern.MatchString(e.RecordType) {
		return fmt.Errorf("%w: record type is not a valid name", ErrEvent)
	}
	since, err := r.vault.Since(ctx, r.acc, e.Subject)
	if err != nil {
		return subjectErr(err)
	}
	if e.At.Before(since) {
		return fmt.Errorf("%w: event dated before the customer's first record", ErrEvent)
	}
	return nil
}

// subjectErr maps the vault's answer about a customer to retention's.
func subjectErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, vault.ErrForgotten):
		return ErrForgotten
	case errors.Is(err, vault.ErrNotFound):
		return ErrUnknownSubject
	}
	return fmt.Errorf("retention: customer state: %w", err)
}
