package vault

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// Row is what GetInto fills: one customer's record, the fields of a
// Selection by position, as text, without a map or a boxed value per
// field. A Row can be reused for the next read, which replaces everything
// in it; the zero Row is ready to use.
//
// A Row holds personal data. Its String, GoString, Format and LogValue
// methods redact the values; read them with Text or Value.
type Row struct {
	Subject custos.SubjectID
	Type    string
	// Version is the record's version; Updated its last write.
	Version int64
	Updated time.Time

	sel   *Selection
	text  []string
	shown []shown
	ad    []byte // scratch for associated data
}

// shown is how a field of a Row was shown.
type shown uint8

const (
	absent shown = iota // not in the stored record
	plain
	masked
	hidden
)

// reset prepares r for a read of sel.
func (r *Row) reset(sel *Selection) {
	n := len(sel.names)
	if cap(r.text) < n {
		r.text, r.shown = make([]string, n), make([]shown, n)
	}
	r.wipe()
	r.text, r.shown = r.text[:n], r.shown[:n]
	r.sel = sel
}

// wipe drops every value r holds.
func (r *Row) wipe() {
	clear(r.text[:cap(r.text)])
	clear(r.shown[:cap(r.shown)])
	r.Subject, r.Type, r.Version, r.Updated = "", "", 0, time.Time{}
}

// Len returns the number of selected fields, present or not.
func (r *Row) Len() int { return len(r.text) }

// Field returns the name of the field at position i.
func (r *Row) Field(i int) string { return r.sel.names[i] }

// Text returns the field at position i as the reader's role may see it:
// its canonical text (Plain) or its mask (Masked). ok is false for a field
// absent from the stored record or hidden from the role; vis then says
// which (Hidden, or Plain for absent).
func (r *Row) Text(i int) (text string, vis Visibility, ok bool) {
	switch r.shown[i] {
	case plain:
		return r.text[i], Plain, true
	case masked:
		return r.text[i], Masked, true
	case hidden:
		return "", Hidden, false
	}
	return "", Plain, false
}

// Value returns the field at position i as the Go value of its kind (the
// mask text for a masked field), as Record.Values holds it; ok is false
// for an absent or hidden field. The error wraps ErrCorrupt if the stored
// text does not decode.
func (r *Row) Value(i int) (v any, ok bool, err error) {
	switch r.shown[i] {
	case plain:
		f := r.sel.fields[i]
		val, err := f.Kind.Value(r.text[i])
		if err != nil {
			return nil, false, fmt.Errorf("%w: field %s.%s does not decode", ErrCorrupt, r.sel.t.name, f.Name)
		}
		return val, true, nil
	case masked:
		return r.text[i], true, nil
	}
	return nil, false, nil
}

// Record returns the row in the map-shaped form Get returns.
func (r *Row) Record() (Record, error) {
	rec := Record{Subject: r.Subject, Type: r.Type, Values: make(map[string]any, len(r.text)), Version: r.Version, Updated: r.Updated}
	for i, s := range r.shown {
		name := r.sel.names[i]
		switch s {
		case hidden:
			rec.Hidden = append(rec.Hidden, name)
			continue
		case masked:
			rec.Masked = append(rec.Masked, name)
		case absent:
			continue
		}
		val, _, err := r.Value(i)
		if err != nil {
			return Record{}, err
		}
		rec.Values[name] = val
	}
	return rec, nil
}

// String redacts the values.
func (r *Row) String() string {
	return fmt.Sprintf("vault.Row{Type: %q, Fields: %d, Version: %d, values redacted}", r.Type, len(r.text), r.Version)
}

// GoString redacts the values.
func (r *Row) GoString() string { return r.String() }

// Format prints String for every verb.
func (r *Row) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// LogValue redacts the values.
func (r *Row) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", r.Type), slog.Int("fields", len(r.text)), slog.Int64("version", r.Version))
}
