package rights

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/personal"
)

// Request is one data-subject request: what was asked, by whom, when and
// through which channel (set by the host and given to Desk.Submit), and
// where it stands (set by the Desk). It holds identifiers, codes and
// references, never personal data beyond the customer's SubjectID: a
// corrected value, for one, is given to Desk.Correct and goes straight to
// the vault.
type Request struct {
	// ID identifies the request: RequestID(Key), set by Submit. Every
	// audit event of its steps, in every package, carries it as
	// custos.Access.RequestID.
	ID string `json:"id"`
	// Key is the idempotency key, built from the host's own stable ids
	// (the ticket or form id): submitting the same request twice under one
	// key makes one request; other content under a used key is refused
	// with ErrKeyReused. Stored in clear: no personal data.
	Key string `json:"key"`
	// Kind is the right exercised.
	Kind Kind `json:"kind"`
	// Subject is the customer the request is about; empty once the vault
	// has forgotten them and the request is closed: SubjectRef then names
	// them (see Eraser).
	Subject custos.SubjectID `json:"subject"`
	// SubjectRef is, once the customer is forgotten and the request
	// closed, the customer's pseudonymous reference (Config.Pseudonyms),
	// hex, under which the request is kept as proof of its answer; empty
	// before.
	SubjectRef string `json:"subject_ref,omitempty"`
	// Requester is who asked.
	Requester Requester `json:"requester"`
	// Channel is how the request arrived, such as "app", "email",
	// "branch", "post".
	Channel string `json:"channel"`
	// Received is when it arrived: the clock starts then. It may not lie
	// in the future.
	Received time.Time `json:"received"`
	// Regime names the clock policy (Regime.Name) that applies, such as
	// "gdpr" or "pipl".
	Regime string `json:"regime"`

	// Recipient is, for Portability, the handler the person names, by
	// the organisation key the host declared its address under (PIPL Art.
	// 45 ¶3). Required for Portability, empty otherwise.
	Recipient string `json:"recipient,omitempty"`
	// Fields are, for Correction, the fields to correct as
	// "recordtype.field". Required for Correction, empty otherwise.
	Fields []string `json:"fields,omitempty"`
	// Purposes are, for Withdrawal and Objection, the purposes concerned.
	// Required for them, empty otherwise.
	Purposes []custos.PurposeID `json:"purposes,omitempty"`
	// Ground is the person's stated ground, for Erasure (PIPL Art. 47(1);
	// GDPR Art. 17(1)), Restriction (GDPR Art. 18(1)) and Objection (GDPR
	// Art. 21(1)): one line, custos.GroundRule, no personal data. Required
	// for them, empty otherwise.
	Ground string `json:"ground,omitempty"`

	// State is where the request stands; set by the Desk.
	State State `json:"state"`
	// Due is the first instant at which the request is overdue: midnight
	// after the last day of the regime's period, or of the extended period.
	Due time.Time `json:"due"`
	// FirstDue is Due before any extension: an extension is allowed only
	// before it (GDPR Art. 12(3)).
	FirstDue time.Time `json:"first_due"`
	// Extension holds the reasons of the extension; empty when not
	// extended.
	Extension string `json:"extension,omitempty"`
	// Identity is how the requester's identity was verified; zero until
	// it was (rule R8).
	Identity Identity `json:"identity,omitzero"`
	// Outcome is, once closed, the answer in one line: what was done, or
	// the reason of a refusal or partial fulfilment (PIPL Art. 50; GDPR
	// Art. 12(4)).
	Outcome string `json:"outcome,omitempty"`
	// Closed is when the request was fulfilled, partially fulfilled or
	// refused; zero while open.
	Closed time.Time `json:"closed,omitzero"`
	// Answered is, once the answer notice is enqueued, its message id in
	// the outbox, or "none" when the customer could not be sent one (the
	// vault no longer holds them: the host answers through the request's
	// channel with the Answer Fulfil returns).
	Answered string `json:"answered,omitempty"`
	// Version counts the request's history entries; the Store advances it.
	Version int64 `json:"version"`
}

// RequestID returns the id of the request submitted under an idempotency
// key: a hash of the key, so that a rerun of an interrupted submission
// finds the same request. It is "rq-" and 24 letters a to p (96 bits of
// the hash, a letter per four bits): no digits, so that no id reads as a
// number that notices refuse as personal data.
func RequestID(key string) string {
	h := sha256.Sum256([]byte("custos/rights/request\x00" + key))
	b := []byte("rq-")
	for _, c := range h[:12] {
		b = append(b, 'a'+c>>4, 'a'+c&0xf)
	}
	return string(b)
}

// LogValue renders the request for log/slog without the customer.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", r.ID), slog.String("kind", r.Kind.String()), slog.Any("subject", r.Subject),
		slog.String("requester", r.Requester.Kind.String()), slog.String("state", r.State.String()),
		slog.Time("due", r.Due),
	)
}

// Open reports whether the request still waits for its answer.
func (r Request) Open() bool { return !r.State.Closed() }

// Overdue reports whether the request is open and its due time has come
// at t.
func (r Request) Overdue(t time.Time) bool { return r.Open() && !t.Before(r.Due) }

// validate checks what the host gives Submit; the error wraps
// ErrInvalidRequest (or ErrRelation) and repeats no value.
func (r Request) validate() error {
	if !r.Kind.Valid() {
		return fmt.Errorf("%w: unknown kind", ErrInvalidRequest)
	}
	if err := r.Subject.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if err := checkCode("idempotency key", r.Key); err != nil {
		return err
	}
	if err := checkCode("channel", r.Channel); err != nil {
		return err
	}
	if r.Received.IsZero() {
		return fmt.Errorf("%w: no receipt time", ErrInvalidRequest)
	}
	if err := r.Requester.validate(r.Kind); err != nil {
		return err
	}
	return r.validateKind()
}

// validateKind checks the fields only some kinds carry.
func (r Request) validateKind() error {
	need := func(what string, given, wanted bool) error {
		switch {
		case wanted && !given:
			return fmt.Errorf("%w: a %s request needs %s", ErrInvalidRequest, r.Kind, what)
		case !wanted && given:
			return fmt.Errorf("%w: a %s request takes no %s", ErrInvalidRequest, r.Kind, what)
		}
		return nil
	}
	if err := need("recipient", r.Recipient != "", r.Kind == Portability); err != nil {
		return err
	}
	if err := need("fields", len(r.Fields) > 0, r.Kind == Correction); err != nil {
		return err
	}
	if err := need("purposes", len(r.Purposes) > 0, r.Kind == Withdrawal || r.Kind == Objection); err != nil {
		return err
	}
	if err := need("ground", r.Ground != "", r.Kind == Erasure || r.Kind == Restriction || r.Kind == Objection); err != nil {
		return err
	}
	if r.Recipient != "" {
		if err := checkCode("recipient", r.Recipient); err != nil {
			return err
		}
	}
	for _, f := range r.Fields {
		t, n, ok := strings.Cut(f, ".")
		if !ok || t == "" || n == "" || strings.Contains(n, ".") {
			return fmt.Errorf("%w: field %q is not recordtype.field", ErrInvalidRequest, safe(f))
		}
	}
	if dup(r.Fields) {
		return fmt.Errorf("%w: a field is named twice", ErrInvalidRequest)
	}
	for _, p := range r.Purposes {
		if err := checkCode("purpose", string(p)); err != nil {
			return err
		}
	}
	if dup(r.Purposes) {
		return fmt.Errorf("%w: a purpose is named twice", ErrInvalidRequest)
	}
	if r.Ground != "" {
		if err := checkText("ground", r.Ground); err != nil {
			return err
		}
	}
	return nil
}

// sameContent reports whether two requests ask the same thing: what a
// second Submit under the same key must repeat.
func sameContent(a, b Request) bool {
	return a.Key == b.Key && a.Kind == b.Kind && a.Subject == b.Subject && a.SubjectRef == b.SubjectRef && a.Requester == b.Requester &&
		a.Channel == b.Channel && a.Received.Equal(b.Received) && a.Regime == b.Regime &&
		a.Recipient == b.Recipient && slices.Equal(a.Fields, b.Fields) && slices.Equal(a.Purposes, b.Purposes) &&
		a.Ground == b.Ground
}

func dup[T comparable](xs []T) bool {
	seen := map[T]bool{}
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

// checkCode checks an identifier-like value (key, channel, recipient,
// method): custos's identifier rule, and no personal data.
func checkCode(what, s string) error {
	if err := custos.SubjectID(s).Validate(); err != nil {
		msg := err.Error()
		return fmt.Errorf("%w: %s %s", ErrInvalidRequest, what, msg[strings.LastIndex(msg, ": ")+2:])
	}
	if found := personal.Find(s); found != "" {
		return fmt.Errorf("%w: %s holds %s", ErrInvalidRequest, what, found)
	}
	return nil
}

// maxReferenceBytes bounds evidence and authority references.
const maxReferenceBytes = 256

// checkReference checks a reference to the host's evidence: one token of
// at most maxReferenceBytes, without white space, control or invisible
// characters, and no personal data.
func checkReference(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: no %s reference", ErrInvalidRequest, what)
	}
	if err := (custos.TextRule{MaxBytes: maxReferenceBytes}).Check(s); err != nil {
		return fmt.Errorf("%w: %s reference: %w", ErrInvalidRequest, what, err)
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return fmt.Errorf("%w: %s reference holds white space", ErrInvalidRequest, what)
	}
	if found := personal.Find(s); found != "" {
		return fmt.Errorf("%w: %s reference holds %s", ErrInvalidRequest, what, found)
	}
	return nil
}

// checkText checks one line of free text: custos.GroundRule and no
// personal data.
func checkText(what, s string) error {
	if err := custos.GroundRule.Check(s); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidRequest, what, err)
	}
	if found := personal.Find(s); found != "" {
		return fmt.Errorf("%w: %s holds %s", ErrInvalidRequest, what, found)
	}
	return nil
}

// safe returns s if it is a short plain token, for error messages, or a
// placeholder.
func safe(s string) string {
	if len(s) > 64 || personal.Find(s) != "" {
		return "(redacted)"
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return "(redacted)"
		}
	}
	return s
}
