package vault

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// Values maps field names to values: what Put and Update take. Each value
// must be a Go type its field's kind accepts.
type Values map[string]any

// Record is what Get returns: the fields asked for, decrypted, after the
// read was authorized and its audit event recorded.
//
// A Record holds personal data. Its String, GoString and LogValue methods
// redact the values, so that a Record printed or logged by mistake leaks
// nothing; read Values explicitly.
type Record struct {
	Subject custos.SubjectID
	Type    string
	// Values holds the fields read, as the Go values of their kinds.
	Values map[string]any
	// Masked names the fields whose values were masked for the reader's
	// role, and Hidden those withheld entirely.
	Masked, Hidden []string
	// Version is the record's version; Updated its last write.
	Version int64
	Updated time.Time
}

// String redacts the values.
func (r Record) String() string {
	return fmt.Sprintf("vault.Record{Type: %q, Fields: %d, Version: %d, values redacted}", r.Type, len(r.Values), r.Version)
}

// GoString redacts the values.
func (r Record) GoString() string { return r.String() }

// LogValue redacts the values.
func (r Record) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", r.Type), slog.Int("fields", len(r.Values)), slog.Int64("version", r.Version))
}
