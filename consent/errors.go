package consent

import (
	"errors"
	"fmt"
)

var (
	// ErrConfig reports an invalid Config, Purpose or Notice given to New.
	// The registry refuses to start rather than enforce a wrong policy.
	ErrConfig = errors.New("consent: invalid configuration")

	// ErrInvalidAct reports an Act that is malformed: no subject, no actor,
	// no purpose, a bad channel or evidence reference. Nothing is recorded.
	ErrInvalidAct = errors.New("consent: invalid act")

	// ErrPersonalData reports personal data where a reference or a code
	// belongs: an evidence reference, channel, reason or guardian field
	// holding what reads as a resident ID, mobile, bank card number or
	// e-mail address. It comes wrapped with ErrInvalidAct; the error names
	// what was recognised and where, never the value.
	ErrPersonalData = errors.New("consent: personal data where a reference belongs")

	// ErrUnknownSubject reports an act on a customer the vault does not
	// hold: consent is asked for, given, renewed, refused or deferred only
	// for customers whose records exist, so that forgetting them erases it
	// too. Withdrawing a live consent is never refused for it.
	ErrUnknownSubject = errors.New("consent: unknown customer")

	// ErrForgotten reports an act on a customer who was forgotten: nothing
	// of theirs is written again (PIPL Art. 47; GDPR Art. 17).
	ErrForgotten = errors.New("consent: customer was forgotten")

	// ErrRestricted reports an act that would prepare new processing of a
	// customer in restricted, storage-only state (PIPL Art. 47 ¶2; GDPR
	// Art. 18): asking for, giving or renewing consent. Withdrawing,
	// refusing and ending consent stay possible (PIPL Art. 15).
	ErrRestricted = errors.New("consent: customer is restricted")

	// ErrUnknownPurpose reports a purpose the registry does not declare.
	ErrUnknownPurpose = errors.New("consent: unknown purpose")

	// ErrNotConsentBased reports consent asked, given or withdrawn for a
	// purpose whose legal basis is not consent (PIPL Art. 13 ¶2: consent is
	// needed only under Art. 13(1)).
	ErrNotConsentBased = errors.New("consent: purpose does not rest on consent")

	// ErrBundled reports one act covering several purposes where one of
	// them needs separate consent (单独同意; PIPL Art. 23, 25, 26, 29, 31,
	// 39), which must be given for that purpose alone.
	ErrBundled = errors.New("consent: separate consent is required")

	// ErrUnknownNotice reports a notice version the registry never
	// published, or one that does not describe the purpose.
	ErrUnknownNotice = errors.New("consent: unknown notice version")

	// ErrOutdatedNotice reports consent given against a notice of an
	// earlier generation: purpose, method or categories of data changed
	// since, so new consent must be sought on the current notice (PIPL Art.
	// 14 ¶2).
	ErrOutdatedNotice = errors.New("consent: notice generation is outdated")

	// ErrNotExplicit reports a grant or renewal that was not an explicit,
	// affirmative act: silence or a pre-ticked box is not consent (PIPL
	// Art. 14; GDPR Art. 4(11), 7).
	ErrNotExplicit = errors.New("consent: not an explicit affirmative act")

	// ErrGuardianRequired reports consent for a minor under 14 without the
	// consent of a parent or guardian (PIPL Art. 31).
	ErrGuardianRequired = errors.New("consent: a guardian must consent for a minor under 14")

	// ErrTooSoon reports a request for consent inside the interval that
	// must pass after a refusal (NDSR Art. 22(5)).
	ErrTooSoon = errors.New("consent: asked again too soon after a refusal")

	// ErrNoConsent reports a withdrawal, renewal or expiry where the
	// customer has no live consent for the purpose.
	ErrNoConsent = errors.New("consent: no live consent for the purpose")

	// ErrState reports an act the record's current state does not allow,
	// such as granting a consent that is already live (renew it instead).
	ErrState = errors.New("consent: not allowed in the record's current state")

	// ErrDenied reports an access whose purpose may not perform the
	// operation, such as issuing receipts.
	ErrDenied = errors.New("consent: access denied")

	// ErrAudit reports that the audit event of an act or read could not be
	// recorded. Reads release nothing and acts that ask for, give or renew
	// consent change nothing; acts that stop or restrain processing are
	// kept (see Registry.Withdraw).
	ErrAudit = errors.New("consent: audit event not recorded")

	// ErrReceipt reports receipt JSON that does not parse strictly or
	// breaks a rule of the receipt format.
	ErrReceipt = errors.New("consent: malformed receipt")

	// ErrNotFound is returned by a Store for a record or notice it does not
	// hold.
	ErrNotFound = errors.New("consent: not found")

	// ErrConflict is returned by a Store when a write expected another
	// version of a record; the registry retries.
	ErrConflict = errors.New("consent: concurrent modification")
)

// Refusal is the error of an act a rule refuses. It wraps one of the
// sentinel errors above (use errors.Is), names the rule's reason as a short
// machine-readable code, and carries Remedy: what the person is told about
// their right to complain or sue (PIPL Art. 50; GDPR Art. 12(4)), rule R6.
// Every Refusal was recorded through the Recorder with outcome denied and
// the same reason before it was returned. It never holds personal data.
type Refusal struct {
	// Reason is the code recorded in the audit event, such as
	// "separate-consent-required".
	Reason string
	// Remedy tells the person how to complain to the authority or seek a
	// judicial remedy, from Config.Remedy.
	Remedy Text
	err    error
}

// Error describes the refusal without personal data.
func (r *Refusal) Error() string { return r.err.Error() }

// Unwrap returns the sentinel error.
func (r *Refusal) Unwrap() error { return r.err }

func refusal(reason string, sentinel error, format string, args ...any) *Refusal {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	return &Refusal{Reason: reason, err: err}
}
