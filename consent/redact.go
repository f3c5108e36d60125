package consent

import (
	"fmt"
	"io"
	"log/slog"
)

// The types below hold a customer's identifier, a guardian's identifier or
// an evidence reference (which a host may have filled with personal data).
// Their String, GoString and Format methods print a summary without them,
// whatever the fmt verb, and LogValue does the same for log/slog (the JSON
// handler included), so that one printed or logged by mistake leaks none.
// Their JSON encodings are unchanged: stores and receipts need the values.

// String summarises the record without its subject.
func (r Record) String() string {
	return fmt.Sprintf("consent.Record{Purpose: %q, State: %s, Version: %d, subject redacted}", r.Purpose, r.State, r.Version)
}

// GoString is String.
func (r Record) GoString() string { return r.String() }

// Format prints String for every verb.
func (r Record) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// LogValue redacts the subject.
func (r Record) LogValue() slog.Value {
	return slog.GroupValue(slog.String("purpose", string(r.Purpose)), slog.String("state", r.State.String()), slog.Int64("version", r.Version))
}

// String summarises the entry without its evidence or guardian.
func (e Entry) String() string {
	return fmt.Sprintf("consent.Entry{Seq: %d, Action: %s, State: %s, Channel: %q, evidence and guardian redacted}", e.Seq, e.Action, e.State, e.Channel)
}

// GoString is String.
func (e Entry) GoString() string { return e.String() }

// Format prints String for every verb.
func (e Entry) Format(f fmt.State, _ rune) { io.WriteString(f, e.String()) }

// LogValue redacts the evidence and guardian.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("seq", e.Seq), slog.String("action", string(e.Action)),
		slog.String("state", e.State.String()), slog.String("channel", e.Channel))
}

// String summarises the write.
func (w Write) String() string {
	return fmt.Sprintf("consent.Write{Record: %s, Entry: %s, Expect: %d}", w.Record, w.Entry, w.Expect)
}

// GoString is String.
func (w Write) GoString() string { return w.String() }

// Format prints String for every verb.
func (w Write) Format(f fmt.State, _ rune) { io.WriteString(f, w.String()) }

// LogValue redacts the subject, evidence and guardian.
func (w Write) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("record", w.Record), slog.Any("entry", w.Entry), slog.Int64("expect", w.Expect))
}

// String summarises the act without its subject, evidence or guardian.
func (a Act) String() string {
	return fmt.Sprintf("consent.Act{Purposes: %q, Channel: %q, Signal: %s, subject, evidence and guardian redacted}", a.Purposes, a.Channel, a.Signal)
}

// GoString is String.
func (a Act) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Act) Format(f fmt.State, _ rune) { io.WriteString(f, a.String()) }

// LogValue redacts the subject, evidence and guardian.
func (a Act) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("purposes", a.Purposes), slog.String("channel", a.Channel), slog.String("signal", a.Signal.String()))
}

// String summarises the status without the subject.
func (s Status) String() string {
	return fmt.Sprintf("consent.Status{State: %s, Reason: %q, Record: %s}", s.State, s.Reason, s.Record)
}

// GoString is String.
func (s Status) GoString() string { return s.String() }

// Format prints String for every verb.
func (s Status) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue redacts the subject.
func (s Status) LogValue() slog.Value {
	return slog.GroupValue(slog.String("state", s.State.String()), slog.String("reason", s.Reason), slog.Any("record", s.Record))
}

// String keeps the relation and redacts the guardian's identifier.
func (g Guardian) String() string {
	return fmt.Sprintf("consent.Guardian{Relation: %q, id redacted}", g.Relation)
}

// GoString is String.
func (g Guardian) GoString() string { return g.String() }

// Format prints String for every verb.
func (g Guardian) Format(f fmt.State, _ rune) { io.WriteString(f, g.String()) }

// LogValue redacts the guardian's identifier.
func (g Guardian) LogValue() slog.Value { return slog.GroupValue(slog.String("relation", g.Relation)) }

// String summarises the receipt without the customer's identifier or the
// evidence references.
func (rc Receipt) String() string {
	return fmt.Sprintf("consent.Receipt{State: %q, Purposes: %d, Events: %d, subject and evidence redacted}", rc.State, len(rc.Purposes), len(rc.Events))
}

// GoString is String.
func (rc Receipt) GoString() string { return rc.String() }

// Format prints String for every verb.
func (rc Receipt) Format(f fmt.State, _ rune) { io.WriteString(f, rc.String()) }

// String summarises the event without its evidence or guardian.
func (e ReceiptEvent) String() string {
	return fmt.Sprintf("consent.ReceiptEvent{Seq: %d, Type: %q, State: %q, evidence and guardian redacted}", e.Seq, e.Type, e.State)
}

// GoString is String.
func (e ReceiptEvent) GoString() string { return e.String() }

// Format prints String for every verb.
func (e ReceiptEvent) Format(f fmt.State, _ rune) { io.WriteString(f, e.String()) }

// LogValue redacts the evidence and guardian.
func (e ReceiptEvent) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("seq", e.Seq), slog.String("type", e.Type), slog.String("state", e.State))
}
