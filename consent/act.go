package consent

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

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
	// a form submission or signed document ("form-0001",
	// "doc:2026/03/contract-88"); required for Grant and Renew (GDPR Art.
	// 7(1)). It is a reference, not a description: one token of at most
	// 256 bytes, and never personal data (see ErrPersonalData).
	Evidence string
	// Minor says the person is under MinorAge (see IsMinor); then Guardian
	// is required for Grant and Renew, and each purpose needs an act of its
	// own, since all information of a minor is sensitive (PIPL Art. 28, 31).
	Minor bool
	// Guardian is the parent or guardian who consents for a minor.
	Guardian *Guardian
	// Reason is a code saying why, for Revoke (required), Expire and
	// Invalidate, such as "account-closed".
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

// maxEvidenceBytes bounds Act.Evidence and Act.Notice.
const maxEvidenceBytes = 256

// validate checks the act's form for op; the error wraps ErrInvalidAct or
// one of custos's identifier errors and repeats no value.
//
// Every text of an act is a reference or a code, never free text: one
// token of valid UTF-8 without white space, control or invisible
// formatting characters (custos.TextRule), at most 256 bytes for the
// evidence reference and the notice version and custos.MaxIdentifierBytes
// for the others. The channel, evidence, reason and guardian fields are
// also refused with ErrPersonalData when they hold what the field kinds
// read as a resident ID, mobile, bank card number or e-mail address: the
// consent store is not the vault, and what it keeps must not identify the
// person once the vault forgot them.
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
	if o.channel || a.Channel != "" {
		if err := checkToken("channel", a.Channel, custos.MaxIdentifierBytes, true); err != nil {
			return err
		}
	}
	if o.notice && (a.Notice == "" || !validLanguage(a.Language)) {
		return fmt.Errorf("%w: the notice version shown and its language (%s or %s) are required", ErrInvalidAct, LangZH, LangEN)
	}
	if a.Language != "" && !validLanguage(a.Language) {
		return fmt.Errorf("%w: language must be %s or %s", ErrInvalidAct, LangZH, LangEN)
	}
	if a.Notice != "" {
		if err := checkToken("notice version", a.Notice, maxEvidenceBytes, false); err != nil {
			return err
		}
	}
	if o.evidence && a.Evidence == "" {
		return fmt.Errorf("%w: evidence of the act is required (GDPR Art. 7(1))", ErrInvalidAct)
	}
	if a.Evidence != "" {
		if err := checkToken("evidence", a.Evidence, maxEvidenceBytes, true); err != nil {
			return err
		}
	}
	if a.Guardian != nil {
		if err := checkToken("guardian id", a.Guardian.ID, custos.MaxIdentifierBytes, true); err != nil {
			return err
		}
		if err := checkToken("guardian relation", a.Guardian.Relation, custos.MaxIdentifierBytes, true); err != nil {
			return err
		}
	}
	if o.reason && a.Reason == "" {
		return fmt.Errorf("%w: a reason code is required", ErrInvalidAct)
	}
	if a.Reason != "" {
		if err := checkToken("reason", a.Reason, custos.MaxIdentifierBytes, true); err != nil {
			return err
		}
	}
	if a.RequestID != "" {
		if err := checkToken("request id", a.RequestID, custos.MaxIdentifierBytes, false); err != nil {
			return err
		}
	}
	return nil
}

// checkToken checks one reference or code of an act: a token of at most
// max bytes under custos.TextRule, without white space, and, when scan is
// set, holding no personal data the field kinds recognise. The error names
// the field and the rule, never the value.
func checkToken(field, s string, max int, scan bool) error {
	if err := (custos.TextRule{MaxBytes: max}).Check(s); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidAct, field, err)
	}
	if scan {
		if what := personalData(s); what != "" {
			return fmt.Errorf("%w: %w: the %s holds what reads as %s; record a reference to the host's own record instead",
				ErrInvalidAct, ErrPersonalData, field, what)
		}
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return fmt.Errorf("%w: the %s must be a reference or code, one token without white space", ErrInvalidAct, field)
	}
	return nil
}

// validCode reports whether s is a code: a token of 1 to
// custos.MaxIdentifierBytes bytes as checkToken accepts it, such as the
// channel, actor and role of a receipt event.
func validCode(s string) bool {
	return checkToken("code", s, custos.MaxIdentifierBytes, false) == nil
}
