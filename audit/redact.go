package audit

import "log/slog"

// LogValue renders the query for log/slog with the subject redacted: which
// filters were set, not the values asked about. Its JSON encoding is
// unchanged.
func (q Query) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("filters", q.filters()),
		slog.String("actor", q.Actor),
		slog.String("purpose", string(q.Purpose)),
		slog.String("action", string(q.Action)),
		slog.Time("since", q.Since),
		slog.Time("until", q.Until),
		slog.Int("limit", q.Limit),
	)
}
