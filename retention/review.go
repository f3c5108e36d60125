package retention

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// ReviewRule is how often one record type's customer information is
// reviewed for accuracy and brought up to date: personal information is
// kept accurate and complete (PIPL Art. 8; GDPR Art. 5(1)(d)), and the
// company policy asks for a regular review of customer information. It is
// plain data, validated with the Policy.
type ReviewRule struct {
	// RecordType is the vault record type reviewed; one rule per type.
	RecordType string
	// Every is the interval between reviews; positive and bounded.
	Every Period
	// Law is the rule's source, such as "PIPL Art. 8"; one line.
	Law string
}

// Validate reports whether the rule is complete on its own; the error
// wraps ErrPolicy and names the record type.
func (r ReviewRule) Validate() error {
	if !namePattern.MatchString(r.RecordType) {
		return fmt.Errorf("%w: review rule: record type is not a valid name", ErrPolicy)
	}
	if err := r.Every.check(); err != nil {
		return fmt.Errorf("review rule %q: every: %w", r.RecordType, err)
	}
	if err := lawRule.Check(r.Law); err != nil {
		return fmt.Errorf("%w: review rule %q: law: %w", ErrPolicy, r.RecordType, err)
	}
	return nil
}

// Review is when one customer's records of one type were last reviewed
// for accuracy, and when the next review is due.
type Review struct {
	Subject    custos.SubjectID
	RecordType string
	// Reviewed is when the latest review was done (or the records were
	// collected, for the first review).
	Reviewed time.Time
	// Due is Reviewed plus the rule's interval. Stores index reviews by
	// Due.
	Due time.Time
}

// ReviewKey is a position in the review index: reviews sort by Due, then
// Subject, then RecordType.
type ReviewKey struct {
	Due        time.Time
	Subject    custos.SubjectID
	RecordType string
}

// Reviewed records that the customer's records of recordType were
// reviewed (or collected) at `at`, so that the next review is due the
// rule's interval later (PIPL Art. 8). A review dated before the latest
// recorded one changes nothing, so reports may come late or twice. It
// refuses, with an error wrapping ErrReview and nothing changed, a record
// type without a review rule or that the customer does not hold, a zero
// time, one beyond Config.Tolerance in the future or before the vault
// first stored the customer; and with ErrUnknownSubject or ErrForgotten a
// customer the vault does not hold or forgot.
func (r *Retention) Reviewed(ctx context.Context, subject custos.SubjectID, recordType string, at time.Time) error {
	if err := subject.Validate(); err != nil {
		return err
	}
	i := slices.IndexFunc(r.reviews, func(x ReviewRule) bool { return x.RecordType == recordType })
	if i < 0 {
		return fmt.Errorf("%w: record type %q has no review rule", ErrReview, safeName(recordType))
	}
	switch now := r.now(); {
	case at.IsZero():
		return fmt.Errorf("%w: review has no time", ErrReview)
	case at.After(now.Add(r.tolerance)):
		return fmt.Errorf("%w: review dated %s after now, beyond the tolerance of %s", ErrReview, at.Sub(now).Round(time.Second), r.tolerance)
	}
	since, err := r.vault.Since(ctx, r.acc, subject)
	if err != nil {
		return subjectErr(err)
	}
	if at.Before(since) {
		return fmt.Errorf("%w: review dated before the customer's first record", ErrReview)
	}
	types, err := r.vault.RecordTypes(ctx, r.acc, subject)
	if err != nil {
		return subjectErr(err)
	}
	if !slices.Contains(types, recordType) {
		return fmt.Errorf("%w: the customer holds no %q record", ErrReview, recordType)
	}
	at = at.UTC().Truncate(time.Microsecond)
	rv := Review{Subject: subject, RecordType: recordType, Reviewed: at, Due: r.reviews[i].Every.After(at)}
	if _, err := r.store.PutReview(ctx, rv); err != nil {
		return fmt.Errorf("retention: store review: %w", err)
	}
	return nil
}

// ReviewsDue lists the reviews due by `before`, in due-date order, read
// batch per store call (0 means 256) through the store's review index: its
// cost follows the reviews listed, never the number of customers. The list
// is what a host turns into requests to customers to confirm or update
// their information. A store error ends the sequence with that error.
func (r *Retention) ReviewsDue(ctx context.Context, before time.Time, batch int) iter.Seq2[Review, error] {
	return ReviewsDueIn(ctx, r.store, before, batch)
}

// ReviewsDueIn is Retention.ReviewsDue on a Store alone, for tools such
// as the operator command line.
func ReviewsDueIn(ctx context.Context, store Store, before time.Time, batch int) iter.Seq2[Review, error] {
	return paged(batch, "read due reviews", func(after Review, first bool, n int) ([]Review, error) {
		k := ReviewKey{}
		if !first {
			k = ReviewKey{Due: after.Due, Subject: after.Subject, RecordType: after.RecordType}
		}
		return store.DueReviews(ctx, before, k, n)
	})
}
