package vault

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
)

// The types below hold a customer's identifier or personal data. Their
// String, GoString and Format methods print a summary without either,
// whatever the fmt verb, and LogValue does the same for log/slog (the JSON
// handler included), so that one printed or logged by mistake leaks
// nothing. Their JSON encodings are unchanged: stores, exports and
// checkpoints need the raw values.

// String summarises the record without its subject or ciphertexts.
func (s Stored) String() string {
	return fmt.Sprintf("vault.Stored{Type: %q, Version: %d, Envelope: %d bytes, subject redacted}", s.Type, s.Version, len(s.Envelope))
}

// GoString is String.
func (s Stored) GoString() string { return s.String() }

// Format prints String for every verb.
func (s Stored) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue redacts the subject.
func (s Stored) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", s.Type), slog.Int64("version", s.Version), slog.Int("envelope_bytes", len(s.Envelope)))
}

// String summarises the write without its subject or ciphertexts.
func (w Write) String() string {
	return fmt.Sprintf("vault.Write{Type: %q, Expect: %d, Envelope: %d bytes, Index: %d entries, subject redacted}", w.Type, w.Expect, len(w.Envelope), len(w.Index))
}

// GoString is String.
func (w Write) GoString() string { return w.String() }

// Format prints String for every verb.
func (w Write) Format(f fmt.State, _ rune) { io.WriteString(f, w.String()) }

// LogValue redacts the subject.
func (w Write) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", w.Type), slog.Int64("expect", w.Expect),
		slog.Int("envelope_bytes", len(w.Envelope)), slog.Int("index_entries", len(w.Index)))
}

// String summarises the subject entry without the identifier or reference.
func (s Subject) String() string {
	return fmt.Sprintf("vault.Subject{Restricted: %t, subject redacted}", s.Restriction.Restricted)
}

// GoString is String.
func (s Subject) GoString() string { return s.String() }

// Format prints String for every verb.
func (s Subject) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue redacts the identifier and reference.
func (s Subject) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("restricted", s.Restriction.Restricted))
}

// String summarises the candidate without its subject.
func (c IndexCandidate) String() string {
	return fmt.Sprintf("vault.IndexCandidate{Check: %d bytes, subject redacted}", len(c.Check))
}

// GoString is String.
func (c IndexCandidate) GoString() string { return c.String() }

// Format prints String for every verb.
func (c IndexCandidate) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue redacts the subject.
func (c IndexCandidate) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("check_bytes", len(c.Check)))
}

// String names the fields and redacts the values.
func (v Values) String() string {
	return fmt.Sprintf("vault.Values{Fields: %q, values redacted}", v.names())
}

// GoString is String.
func (v Values) GoString() string { return v.String() }

// Format prints String for every verb.
func (v Values) Format(f fmt.State, _ rune) { io.WriteString(f, v.String()) }

// LogValue names the fields and redacts the values.
func (v Values) LogValue() slog.Value { return slog.AnyValue(v.names()) }

// names returns the field names, sorted.
func (v Values) names() []string {
	out := make([]string, 0, len(v))
	for n := range v {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Format prints String for every verb, so that %d cannot print the values.
func (r Record) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// String summarises the export without the subject or values.
func (e Export) String() string {
	return fmt.Sprintf("vault.Export{Format: %q, Records: %d, subject and values redacted}", e.Format, len(e.Records))
}

// GoString is String. (Export has a field named Format, so it cannot
// implement fmt.Formatter: print it with %v, %s or %#v, never %d.)
func (e Export) GoString() string { return e.String() }

// LogValue redacts the subject and values.
func (e Export) LogValue() slog.Value {
	return slog.GroupValue(slog.String("format", e.Format), slog.Int("records", len(e.Records)))
}

// String summarises the exported record without its values.
func (r ExportRecord) String() string {
	return fmt.Sprintf("vault.ExportRecord{Type: %q, Version: %d, Fields: %d, values redacted}", r.Type, r.Version, len(r.Fields))
}

// GoString is String.
func (r ExportRecord) GoString() string { return r.String() }

// Format prints String for every verb.
func (r ExportRecord) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// LogValue redacts the values.
func (r ExportRecord) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", r.Type), slog.Int64("version", r.Version), slog.Int("fields", len(r.Fields)))
}

// LogValue redacts the checkpoint's subject; pass the value itself, not
// its log output, to resume.
func (p RebuildProgress) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("version", p.Version), slog.Int64("records", p.Records),
		slog.String("type", p.Type), slog.Any("checkpoint", p.Checkpoint))
}

// LogValue redacts the checkpoint's subject; pass the value itself, not
// its log output, to resume.
func (p ReencryptProgress) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("seen", p.Seen), slog.Int64("reencrypted", p.Reencrypted),
		slog.String("type", p.Type), slog.Any("checkpoint", p.Checkpoint))
}
