package keys

import (
	"fmt"
	"io"
	"log/slog"
)

// String summarises the wrapped keyset without the customer's identifier,
// reference or key bytes, so that one printed or logged by mistake leaks
// neither who it belongs to nor the wrapped key. Its JSON encoding is
// unchanged: an adapter may store it so.
func (d WrappedDEK) String() string {
	return fmt.Sprintf("keys.WrappedDEK{KEKID: %q, Version: %d, Keyset: %d bytes, subject redacted}", d.KEKID, d.Version, len(d.Keyset))
}

// GoString is String.
func (d WrappedDEK) GoString() string { return d.String() }

// Format prints String for every verb.
func (d WrappedDEK) Format(f fmt.State, _ rune) { io.WriteString(f, d.String()) }

// LogValue redacts the subject, reference and keyset.
func (d WrappedDEK) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kek_id", d.KEKID), slog.Int64("version", d.Version), slog.Int("keyset_bytes", len(d.Keyset)))
}

// LogValue redacts the checkpoint's subject; pass the value itself, not
// its log output, to resume.
func (p RewrapProgress) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("total", p.Total), slog.Int64("seen", p.Seen),
		slog.Int64("rewrapped", p.Rewrapped), slog.Any("checkpoint", p.Checkpoint))
}
