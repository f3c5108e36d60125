package audit

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/custos-go/custos"
)

// EntryVersion is the format version written in the first byte of an entry
// that names neither a credential nor an application instance;
// EntryVersionVia that of an entry naming either (version 2 adds those two
// parts after the reason). Encode writes the lowest version that holds the
// entry, so an Entry still has exactly one encoding, and a log written
// before version 2 existed reads unchanged. Decoders reject any other
// version.
const (
	EntryVersion    = 1
	EntryVersionVia = 2
)

// RefSize is the length in bytes of a pseudonymous customer reference in
// an entry.
const RefSize = 16

// Limits of an entry's parts. They keep every entry below the 65,535 bytes
// that a C2SP tlog-tiles entry bundle can carry.
const (
	// MaxTextBytes bounds each text part of an entry (action, actor, role,
	// purpose, request id, record type, reason, credential, instance, each
	// field name).
	MaxTextBytes = 128
	// MaxFields bounds the number of field names in an entry.
	MaxFields = 256
	// maxPeriodBytes bounds a reference period id such as "2026-01".
	maxPeriodBytes = 16
)

// Entry is one record of the audit log as it is stored and verified. It
// holds no personal data: the customer appears only as Ref, a keyed
// pseudonymous reference valid within Period, and fields by name, never by
// value (PIPL Art. 51; GDPR Art. 32(1)(a)).
//
// An Entry's encoding (see Encode) is deterministic: one Entry has exactly
// one encoding and ParseEntry accepts only encodings Encode produces.
type Entry struct {
	// Index is the entry's position in the log, from 0. It is written into
	// the entry, so an entry moved to another position no longer verifies.
	Index uint64
	// Time is when the operation was decided, UTC, microsecond precision.
	Time time.Time
	// Action is what was done, such as custos.ActionGet.
	Action custos.Action
	// Actor is who did it, Purpose why, RequestID the host's request.
	Actor     custos.Actor
	Purpose   custos.PurposeID
	RequestID string
	// Credential and Instance are the credential id and the application
	// instance the access came through (custos.Access), or empty.
	Credential string
	Instance   string
	// Basis is the legal basis the operation rested on, or BasisUnknown.
	Basis custos.LegalBasis
	// Period names the reference key Ref was computed under, such as
	// "2026-01"; empty when the operation concerned no single customer.
	Period string
	// Ref is the customer's pseudonymous reference under Period's key,
	// RefSize bytes, or empty.
	Ref []byte
	// RecordType and Fields name what was touched.
	RecordType string
	Fields     []string
	// Outcome is how the operation ended; Reason a short code when it was
	// not allowed.
	Outcome custos.Outcome
	Reason  string
}

// LogValue renders the entry for log/slog without its reference.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Uint64("index", e.Index),
		slog.Time("time", e.Time),
		slog.String("action", string(e.Action)),
		slog.String("actor", e.Actor.ID),
		slog.String("role", string(e.Actor.Role)),
		slog.String("purpose", string(e.Purpose)),
		slog.String("credential", e.Credential),
		slog.String("instance", e.Instance),
		slog.String("outcome", e.Outcome.String()),
	)
}

// entry layout, versions 1 and 2, all integers big-endian:
//
//	version  uint8 (1, or 2 when credential or instance is set)
//	index    uint64
//	time     int64, microseconds since the Unix epoch, UTC
//	outcome  uint8
//	basis    uint8
//	action, actor id, actor role, purpose, request id, period, ref,
//	record type, reason: each uint16 length + bytes
//	credential, instance: version 2 only, each uint16 length + bytes
//	fields   uint16 count, then each uint16 length + bytes
const (
	indexOffset = 1
	fixedBytes  = 1 + 8 + 8 + 1 + 1
)

// Encode returns the entry's deterministic encoding, or an error wrapping
// ErrInvalidEvent if the entry cannot be logged.
func (e Entry) Encode() ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	n := fixedBytes + 2 + len(e.Fields)*2
	for _, s := range e.texts() {
		n += 2 + len(s)
	}
	for _, f := range e.Fields {
		n += len(f)
	}
	b := make([]byte, 0, n)
	b = append(b, e.version())
	b = binary.BigEndian.AppendUint64(b, e.Index)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = append(b, byte(e.Outcome), byte(e.Basis))
	for _, s := range e.texts() {
		b = appendPart(b, s)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(e.Fields)))
	for _, f := range e.Fields {
		b = appendPart(b, f)
	}
	return b, nil
}

// version is the lowest format version that holds the entry.
func (e *Entry) version() byte {
	if e.Credential != "" || e.Instance != "" {
		return EntryVersionVia
	}
	return EntryVersion
}

// texts are the length-prefixed parts in order, those of version 2 only
// when the entry needs it.
func (e *Entry) texts() []string {
	t := []string{string(e.Action), e.Actor.ID, string(e.Actor.Role), string(e.Purpose), e.RequestID,
		e.Period, string(e.Ref), e.RecordType, e.Reason}
	if e.version() == EntryVersionVia {
		t = append(t, e.Credential, e.Instance)
	}
	return t
}

func appendPart(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// setIndex writes index into an encoded entry.
func setIndex(b []byte, index uint64) {
	binary.BigEndian.PutUint64(b[indexOffset:], index)
}

// ParseEntry decodes an entry. It accepts exactly the encodings Encode
// produces and returns an error wrapping ErrMalformed for anything else.
func ParseEntry(b []byte) (Entry, error) {
	if len(b) < fixedBytes {
		return Entry{}, fmt.Errorf("%w: entry shorter than its header", ErrMalformed)
	}
	if b[0] != EntryVersion && b[0] != EntryVersionVia {
		return Entry{}, fmt.Errorf("%w: entry format version %d is not %d or %d", ErrMalformed, b[0], EntryVersion, EntryVersionVia)
	}
	var e Entry
	e.Index = binary.BigEndian.Uint64(b[1:])
	e.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(b[9:]))).UTC()
	e.Outcome, e.Basis = custos.Outcome(b[17]), custos.LegalBasis(b[18])
	r := reader{b: b[fixedBytes:]}
	var ref string
	parts := []*string{(*string)(&e.Action), &e.Actor.ID, (*string)(&e.Actor.Role), (*string)(&e.Purpose),
		&e.RequestID, &e.Period, &ref, &e.RecordType, &e.Reason}
	if b[0] == EntryVersionVia {
		parts = append(parts, &e.Credential, &e.Instance)
	}
	for _, p := range parts {
		*p = r.part()
	}
	if ref != "" {
		e.Ref = []byte(ref)
	}
	if count := r.uint16(); count > 0 && r.err == nil {
		if count > MaxFields {
			return Entry{}, fmt.Errorf("%w: entry has more than %d fields", ErrMalformed, MaxFields)
		}
		e.Fields = make([]string, count)
		for i := range e.Fields {
			e.Fields[i] = r.part()
		}
	}
	if r.err != nil {
		return Entry{}, fmt.Errorf("%w: entry is truncated", ErrMalformed)
	}
	if len(r.b) != 0 {
		return Entry{}, fmt.Errorf("%w: entry has trailing bytes", ErrMalformed)
	}
	if err := e.validate(); err != nil {
		return Entry{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if e.version() != b[0] {
		return Entry{}, fmt.Errorf("%w: version 2 entry names neither credential nor instance", ErrMalformed)
	}
	return e, nil
}

// reader consumes length-prefixed parts, remembering the first shortfall.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uint16() int {
	if r.err != nil || len(r.b) < 2 {
		r.err = ErrMalformed
		return 0
	}
	n := int(binary.BigEndian.Uint16(r.b))
	r.b = r.b[2:]
	return n
}

func (r *reader) part() string {
	n := r.uint16()
	if r.err != nil || len(r.b) < n {
		r.err = ErrMalformed
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// validate checks what both Encode and ParseEntry require. Messages name
// the part, never its content.
func (e *Entry) validate() error {
	if e.Time.Location() != time.UTC || e.Time.Nanosecond()%1000 != 0 {
		return fmt.Errorf("%w: time must be UTC at microsecond precision", ErrInvalidEvent)
	}
	if e.Outcome < custos.OutcomeAllowed || e.Outcome > custos.OutcomeError {
		return fmt.Errorf("%w: unknown outcome %d", ErrInvalidEvent, uint8(e.Outcome))
	}
	if e.Basis != custos.BasisUnknown {
		if err := e.Basis.Validate(); err != nil {
			return fmt.Errorf("%w: unknown legal basis %d", ErrInvalidEvent, uint8(e.Basis))
		}
	}
	if e.Action == "" {
		return fmt.Errorf("%w: no action", ErrInvalidEvent)
	}
	named := [...]struct {
		name string
		s    string
	}{{"action", string(e.Action)}, {"actor id", e.Actor.ID}, {"actor role", string(e.Actor.Role)},
		{"purpose", string(e.Purpose)}, {"request id", e.RequestID}, {"record type", e.RecordType}, {"reason", e.Reason},
		{"credential", e.Credential}, {"instance", e.Instance}}
	for _, p := range named {
		if err := checkText(p.s, MaxTextBytes); err != nil {
			return fmt.Errorf("%w: %s %s", ErrInvalidEvent, p.name, err)
		}
	}
	switch {
	case len(e.Ref) == 0 && e.Period != "":
		return fmt.Errorf("%w: period without reference", ErrInvalidEvent)
	case len(e.Ref) != 0 && len(e.Ref) != RefSize:
		return fmt.Errorf("%w: reference is not %d bytes", ErrInvalidEvent, RefSize)
	case len(e.Ref) != 0 && !validPeriod(e.Period):
		return fmt.Errorf("%w: reference period is not a period id", ErrInvalidEvent)
	}
	if len(e.Fields) > MaxFields {
		return fmt.Errorf("%w: more than %d fields", ErrInvalidEvent, MaxFields)
	}
	for _, f := range e.Fields {
		if f == "" {
			return fmt.Errorf("%w: empty field name", ErrInvalidEvent)
		}
		if err := checkText(f, MaxTextBytes); err != nil {
			return fmt.Errorf("%w: field name %s", ErrInvalidEvent, err)
		}
	}
	return nil
}

// checkText accepts valid UTF-8 without control characters, at most max
// bytes: what an auditor can print safely.
func checkText(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("longer than %d bytes", max)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("contains a control character")
		}
	}
	return nil
}

// validPeriod accepts 1 to maxPeriodBytes ASCII letters, digits and '-'.
func validPeriod(p string) bool {
	if p == "" || len(p) > maxPeriodBytes {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}
