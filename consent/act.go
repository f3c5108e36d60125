package consent

import (
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/custos-go/custos"
)

// MinorAge is the age under which a person's consent must be given by a
// parent or guardian, and all of whose personal information is sensitive
// (PIPL Art. 28, 31).
const MinorAge = 14

// Act is one consent act as the host records it: the person's answer (or
// the handler's act), for which purposes, through which channel, on which
// notice, with which evidence. It holds identifiers, never personal data.
type Act struct {
	// Subject is the customer the act is about.
	Subject custos.SubjectID
	// Purposes the act covers; one or more, distinct. A purpose that needs
	// separate consent must be alone in its act (PIPL Art. 29 and others).
	Purposes []custos.PurposeID
	// Actor is who records the act: the service account of the channel or
	// the member of staff, not the person.
	Actor custos.Actor
	// Channel is where the act happened, such as "app", "web", "branch",
	// "call-center" or "paper". Required except for Expire and Revoke.
	Channel string
	// Signal is how the person expressed the answer; Grant and Renew
	// require an explicit one (PIPL Art. 14).
	Signal Signal
	// Notice is the version of the notice shown (PublishedNotice.Version),
	// and Language the language the person read it in (LangZH or LangEN).
	// Required for Request, Grant and Renew.
	Notice, Language string
	// Evidence references the host's proof of the act, such as the id of
	// a form submission or signed document; required for Grant and Renew
	// (GDPR Art. 7(1)). At most 256 bytes, no control characters.
	Evidence string
	// Minor says the person is under MinorAge (see IsMinor); then Guardian
	// is required for Grant and Renew, and each purpose needs an act of its
	// own, since all information of a minor is sensitive (PIPL Art. 28, 31).
	Minor bool
	// Guardian is the parent or guardian who consents for a minor.
	Guardian *Guardian
	// Reason is a code saying why, for Revoke (required) and Expire.
	Reason string
	// RequestID correlates the act with the host's request. Optional.
	RequestID string
}

// IsMinor reports whether a person born on birth is under MinorAge at t
// (PIPL Art. 31). Only the date parts are used.
func IsMinor(birth, t time.Time) bool {
	y, m, d := birth.Date()
	return t.Before(time.Date(y+MinorAge, m, d, 0, 0, 0, 0, t.Location()))
}

// maxEvidenceBytes bounds Act.Evidence.
const maxEvidenceBytes = 256

// validate checks the act's form for op; the error wraps ErrInvalidAct or
// one of custos's identifier errors and repeats no value.
func (a Act) validate(o *op) error {
	if err := a.Subject.Validate(); err != nil {
		return err
	}
	if err := (custos.Access{Actor: a.Actor, Purpose: "x"}).Validate(); err != nil {
		return err
	}
	if len(a.Purposes) == 0 {
		return fmt.Errorf("%w: no purpose", ErrInvalidAct)
	}
	for i, p := range a.Purposes {
		if err := (custos.Access{Actor: a.Actor, Purpose: p}).Validate(); err != nil {
			return err
		}
		if slices.Contains(a.Purposes[:i], p) {
			return fmt.Errorf("%w: purpose named twice", ErrInvalidAct)
		}
	}
	if (o.channel || a.Channel != "") && !validCode(a.Channel) {
		return fmt.Errorf("%w: channel must be a code such as \"app\"", ErrInvalidAct)
	}
	if o.notice && (a.Notice == "" || !validLanguage(a.Language)) {
		return fmt.Errorf("%w: the notice version shown and its language (%s or %s) are required", ErrInvalidAct, LangZH, LangEN)
	}
	if a.Language != "" && !validLanguage(a.Language) {
		return fmt.Errorf("%w: language must be %s or %s", ErrInvalidAct, LangZH, LangEN)
	}
	if len(a.Notice) > maxEvidenceBytes || !printable(a.Notice) {
		return fmt.Errorf("%w: malformed notice version", ErrInvalidAct)
	}
	if o.evidence && a.Evidence == "" {
		return fmt.Errorf("%w: evidence of the act is required (GDPR Art. 7(1))", ErrInvalidAct)
	}
	if len(a.Evidence) > maxEvidenceBytes || !printable(a.Evidence) {
		return fmt.Errorf("%w: evidence must be at most %d printable bytes", ErrInvalidAct, maxEvidenceBytes)
	}
	if a.Guardian != nil && (!validCode(a.Guardian.ID) || !validCode(a.Guardian.Relation)) {
		return fmt.Errorf("%w: guardian needs an identifier and a relation code", ErrInvalidAct)
	}
	if o.reason && a.Reason == "" {
		return fmt.Errorf("%w: a reason code is required", ErrInvalidAct)
	}
	if a.Reason != "" && !validCode(a.Reason) {
		return fmt.Errorf("%w: reason must be a code", ErrInvalidAct)
	}
	if a.RequestID != "" && !validCode(a.RequestID) {
		return fmt.Errorf("%w: malformed request id", ErrInvalidAct)
	}
	return nil
}

// validCode reports whether s is 1 to 128 bytes of printable UTF-8 without
// spaces: the syntax of channels, relations, reasons and identifiers.
func validCode(s string) bool {
	if s == "" || len(s) > custos.MaxIdentifierBytes || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
