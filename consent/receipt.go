package consent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"regexp"
	"slices"
	"time"

	"github.com/custos-go/custos"
)

// ReceiptSchema is the schema version written in every receipt.
const ReceiptSchema = "custos.consent-receipt.v1"

// MaxReceiptBytes bounds the input of ParseReceipt.
const MaxReceiptBytes = 1 << 20

// Receipt is one consent record as a JSON document following the
// information structure of ISO/IEC TS 27560:2023 (rule L11): schema
// version, record id, PII principal, notice, language, purposes with their
// lawful basis, data categories, controller, storage location, retention,
// jurisdiction, recipients, withdrawal method, validity, state and the full
// event history. It is what a customer receives as proof of their consent
// and what an auditor reads (GDPR Art. 7(1)).
//
// Fields taken from the notice and purpose (controller, retention,
// categories, ...) are those currently declared; NoticeVersion names the
// exact notice content the person saw, which the Store keeps.
type Receipt struct {
	// SchemaVersion is ReceiptSchema.
	SchemaVersion string `json:"schema_version"`
	// RecordID is the consent record's ID (Record.ID).
	RecordID string `json:"record_id"`
	// Subject is the PII principal: the customer's identifier in the host.
	Subject string `json:"pii_principal_id"`
	// Controller is the personal information handler.
	Controller Party `json:"controller"`
	// Notice and NoticeVersion identify the notice shown; Generation is the
	// purpose's notice generation the consent was given on.
	Notice        string `json:"notice"`
	NoticeVersion string `json:"notice_version,omitempty"`
	Generation    string `json:"notice_generation,omitempty"`
	// Language is the language the person read the notice in.
	Language string `json:"language,omitempty"`
	// Purposes are the purposes consented to, with their lawful basis.
	Purposes []ReceiptPurpose `json:"purposes"`
	// DataCategories are the fields the purposes cover, as "type.field".
	DataCategories []string `json:"data_categories"`
	// StorageLocation, Retention and Jurisdiction are as the notice
	// states them.
	StorageLocation string `json:"storage_location"`
	Retention       Text   `json:"retention_period"`
	Jurisdiction    string `json:"jurisdiction"`
	// Recipients are the other handlers the purposes provide data to.
	Recipients []Recipient `json:"recipients"`
	// Withdrawal says how to withdraw, as the notice states it.
	Withdrawal Text `json:"withdrawal_method"`
	// State is the state in force when the receipt was issued, by its
	// String name, and StateDPV its DPV concept.
	State    string `json:"state"`
	StateDPV string `json:"state_dpv"`
	// ValidFrom and ValidUntil bound the live consent; absent when none
	// is live or it has no end.
	ValidFrom  *time.Time `json:"valid_from,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Minor records a consent given by a guardian for a minor under 14.
	Minor bool `json:"minor,omitempty"`
	// Events are the record's full history, oldest first.
	Events []ReceiptEvent `json:"events"`
	// Issued is when the receipt was made.
	Issued time.Time `json:"issued_at"`
}

// LogValue renders the receipt for log/slog without the customer's
// identifier or the evidence references.
func (rc Receipt) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("record_id", rc.RecordID),
		slog.String("state", rc.State),
		slog.Int("purposes", len(rc.Purposes)),
		slog.Int("events", len(rc.Events)),
	)
}

// ReceiptPurpose is one purpose of a receipt.
type ReceiptPurpose struct {
	// ID and Description name the purpose.
	ID          string `json:"id"`
	Description Text   `json:"description"`
	// LawfulBasis is the custos.LegalBasis name ("consent"), with the
	// articles it comes from.
	LawfulBasis string `json:"lawful_basis"`
	// PIPL and GDPR are the basis's articles (LegalBasis.PIPL, .GDPR).
	PIPL string `json:"pipl_article"`
	GDPR string `json:"gdpr_article"`
	// Separate lists the articles demanding separate consent.
	Separate []string `json:"separate_consent,omitempty"`
}

// ReceiptEvent is one entry of the record's history (an Entry): its
// sequence number, time, type (the custos.Action), resulting state, who
// recorded it in which role, the channel and signal, the notice version and
// language, the evidence reference, the guardian, the reason and the
// request id.
type ReceiptEvent struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"event_time"`
	Type     string    `json:"event_type"`
	State    string    `json:"event_state"`
	By       string    `json:"event_by"`
	Role     string    `json:"event_by_role"`
	Channel  string    `json:"channel"`
	Signal   string    `json:"signal"`
	Notice   string    `json:"notice_version,omitempty"`
	Language string    `json:"language,omitempty"`
	Evidence string    `json:"evidence,omitempty"`
	Guardian *Guardian `json:"guardian,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Request  string    `json:"request_id,omitempty"`
}

// Receipts returns a receipt for every consent record of the customer,
// sorted by purpose; none for a customer never asked or forgotten. The
// access must name a declared purpose that allows
// custos.ActionConsentReceipt (for example one resting on a legal duty to
// answer access requests, PIPL Art. 45); the read is recorded through the
// Recorder, allowed (naming the purposes read) or refused, before any
// receipt is returned, like Status and History.
func (r *Registry) Receipts(ctx context.Context, acc custos.Access, subject custos.SubjectID) ([]Receipt, error) {
	if err := acc.Validate(); err != nil {
		return nil, err
	}
	if err := subject.Validate(); err != nil {
		return nil, err
	}
	now := r.now()
	ev := custos.Event{Time: now, Action: custos.ActionConsentReceipt, Access: acc, Subject: subject, RecordType: recordType}
	d, err := r.Checker().Authorize(ctx, Request{Access: acc, Action: custos.ActionConsentReceipt, Subject: subject})
	if err != nil {
		return nil, err
	}
	if !d.Allowed {
		return nil, r.refuseAccess(ctx, ev, refusal(d.Reason, ErrDenied, "purpose %q may not issue receipts", safeID(acc.Purpose)))
	}
	ev.Outcome, ev.Basis = custos.OutcomeAllowed, d.Basis
	recs, err := r.store.SubjectConsents(ctx, subject)
	if err != nil {
		return nil, r.readFailed(ctx, ev, fmt.Errorf("consent: read records: %w", err))
	}
	out := make([]Receipt, 0, len(recs))
	for _, rec := range recs {
		h, err := r.store.History(ctx, subject, rec.Purpose)
		if err != nil {
			return nil, r.readFailed(ctx, ev, fmt.Errorf("consent: read history: %w", err))
		}
		out = append(out, r.receipt(rec, h, now))
		ev.Fields = append(ev.Fields, string(rec.Purpose))
	}
	if err := r.recordEvent(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Registry) receipt(rec Record, h []Entry, now time.Time) Receipt {
	rc := Receipt{
		SchemaVersion: ReceiptSchema, RecordID: rec.ID, Subject: string(rec.Subject),
		NoticeVersion: rec.Notice, Generation: rec.Generation, Language: rec.Language,
		DataCategories: []string{}, Recipients: []Recipient{}, Minor: rec.Minor, Issued: now,
		Purposes: []ReceiptPurpose{{ID: string(rec.Purpose), LawfulBasis: custos.BasisConsent.String(),
			PIPL: custos.BasisConsent.PIPL(), GDPR: custos.BasisConsent.GDPR()}},
	}
	st := rec.State
	if p, ok := r.purposes[rec.Purpose]; ok {
		st, _ = p.effective(rec, now)
		n := p.notice.def
		rc.Controller, rc.Notice = n.Controller, n.ID
		rc.StorageLocation, rc.Retention, rc.Jurisdiction, rc.Withdrawal = n.StorageLocation, n.Retention, n.Jurisdiction, n.Withdrawal
		rc.DataCategories = p.categories()
		rc.Recipients = append(rc.Recipients, p.Recipients...)
		rc.Purposes[0].Description = p.Description
		for _, t := range p.Separate {
			rc.Purposes[0].Separate = append(rc.Purposes[0].Separate, t.Article())
		}
		slices.Sort(rc.Purposes[0].Separate)
	}
	rc.State, rc.StateDPV = st.String(), st.DPV()
	if st.Permits() {
		from := rec.Given
		rc.ValidFrom = &from
		if !rec.Expires.IsZero() {
			until := rec.Expires
			rc.ValidUntil = &until
		}
	}
	rc.Events = make([]ReceiptEvent, len(h))
	for i, e := range h {
		re := ReceiptEvent{
			Seq: e.Seq, Time: e.Time, Type: string(e.Action), State: e.State.String(), By: e.Actor.ID,
			Role: string(e.Actor.Role), Channel: e.Channel, Signal: e.Signal.String(), Notice: e.Notice,
			Language: e.Language, Evidence: e.Evidence, Reason: e.Reason, Request: e.RequestID,
		}
		if e.Guardian != (Guardian{}) {
			g := e.Guardian
			re.Guardian = &g
		}
		rc.Events[i] = re
	}
	return rc
}

// consentActions are the event types a receipt may hold.
var consentActions = []custos.Action{
	custos.ActionConsentRequest, custos.ActionConsentGrant, custos.ActionConsentRefuse, custos.ActionConsentDefer,
	custos.ActionConsentWithdraw, custos.ActionConsentRenew, custos.ActionConsentExpire, custos.ActionConsentRevoke,
	custos.ActionConsentInvalidate,
}

var recordIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ParseReceipt reads a receipt strictly: data must be exactly one JSON
// object of at most MaxReceiptBytes in the canonical form the Receipt type
// encodes to (exact field names, no unknown, missing, null or duplicate
// fields at any level, no trailing data; whitespace and key order are
// free), with the current
// schema version, a record id, a valid subject, known basis, state, signal
// and event type names, and events numbered 1, 2, 3... in time order.
// Every error wraps ErrReceipt and repeats no value from data.
func ParseReceipt(data []byte) (Receipt, error) {
	if len(data) > MaxReceiptBytes {
		return Receipt{}, fmt.Errorf("%w: larger than %d bytes", ErrReceipt, MaxReceiptBytes)
	}
	if err := uniqueKeys(data); err != nil {
		return Receipt{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rc Receipt
	if err := dec.Decode(&rc); err != nil {
		return Receipt{}, fmt.Errorf("%w: %s", ErrReceipt, jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Receipt{}, fmt.Errorf("%w: data after the receipt", ErrReceipt)
	}
	if err := canonical(data, rc); err != nil {
		return Receipt{}, err
	}
	if err := rc.validate(); err != nil {
		return Receipt{}, err
	}
	return rc, nil
}

// maxDepth bounds the nesting of a receipt's JSON; the Receipt type nests
// four levels.
const maxDepth = 16

// uniqueKeys walks data's JSON tokens and refuses an object that names a
// key twice, at any level: encoding/json keeps the last and would let two
// readers of one receipt see different values. Keys are compared after
// unescaping, so "record_id" and "record_id" are the same key. It
// also refuses nesting deeper than maxDepth. Syntax errors are left to the
// decoder that follows.
func uniqueKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct {
		keys   map[string]bool // nil in an array
		wanted bool            // the next token of an object is a key
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF, or a syntax error Decode reports
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			top := &stack[n-1]
			if top.wanted {
				if k, ok := tok.(string); ok {
					if top.keys[k] {
						return fmt.Errorf("%w: a field is named twice in one object", ErrReceipt)
					}
					top.keys[k] = true
					top.wanted = false
					continue
				}
			} else {
				top.wanted = true // this token is the value
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, level{keys: map[string]bool{}, wanted: true})
		case json.Delim('['):
			stack = append(stack, level{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > maxDepth {
			return fmt.Errorf("%w: nested deeper than %d levels", ErrReceipt, maxDepth)
		}
	}
}

// jsonProblem names what encoding/json found wrong without its message,
// which may quote the input.
func jsonProblem(err error) string {
	switch err.(type) {
	case *json.SyntaxError:
		return "not valid JSON"
	case *json.UnmarshalTypeError:
		return "a field has the wrong JSON type"
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "truncated"
	}
	return "does not decode (unknown field or bad value)"
}

// canonical checks that data holds exactly what rc encodes to, so that
// field names differing in case, nulls, and fields present with zero values
// where the canonical form omits them are refused.
func canonical(data []byte, rc Receipt) error {
	again, err := json.Marshal(rc)
	if err != nil {
		return fmt.Errorf("%w: does not encode", ErrReceipt)
	}
	var a, b any
	if json.Unmarshal(data, &a) != nil || json.Unmarshal(again, &b) != nil || !reflect.DeepEqual(a, b) {
		return fmt.Errorf("%w: not in canonical form (field names, nulls or zero values)", ErrReceipt)
	}
	return nil
}

func (rc Receipt) validate() error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrReceipt, what) }
	switch {
	case rc.SchemaVersion != ReceiptSchema:
		return bad("unknown schema version")
	case !recordIDPattern.MatchString(rc.RecordID):
		return bad("record id is not 32 hex digits")
	case custos.SubjectID(rc.Subject).Validate() != nil:
		return bad("invalid pii_principal_id")
	case len(rc.Purposes) == 0:
		return bad("no purpose")
	case rc.DataCategories == nil || rc.Recipients == nil || rc.Events == nil:
		return bad("null where a list belongs")
	case rc.Language != "" && !validLanguage(rc.Language):
		return bad("unknown language")
	case rc.Issued.IsZero():
		return bad("no issue time")
	}
	for _, p := range rc.Purposes {
		b, err := custos.ParseLegalBasis(p.LawfulBasis)
		if err != nil || !noticeID.MatchString(p.ID) || b.PIPL() != p.PIPL || b.GDPR() != p.GDPR {
			return bad("purpose with an unknown id, basis or article")
		}
	}
	st, err := ParseState(rc.State)
	if err != nil || st.DPV() != rc.StateDPV {
		return bad("unknown state")
	}
	if rc.ValidFrom != nil && rc.ValidUntil != nil && !rc.ValidUntil.After(*rc.ValidFrom) {
		return bad("validity ends before it starts")
	}
	var prev time.Time
	for i, e := range rc.Events {
		if e.Seq != int64(i+1) {
			return bad("events not numbered 1, 2, 3...")
		}
		if e.Time.IsZero() || e.Time.Before(prev) {
			return bad("events not in time order")
		}
		prev = e.Time
		if !slices.Contains(consentActions, custos.Action(e.Type)) {
			return bad("unknown event type")
		}
		if _, err := ParseState(e.State); err != nil {
			return bad("unknown event state")
		}
		if _, err := ParseSignal(e.Signal); err != nil {
			return bad("unknown signal")
		}
		if !validCode(e.By) || !validCode(e.Role) || !validCode(e.Channel) {
			return bad("event without actor, role or channel")
		}
	}
	return nil
}
