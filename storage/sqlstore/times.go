package sqlstore

import "time"

// Times are stored as BIGINT microseconds since the Unix epoch, UTC: exact
// for the microsecond-precision times custos writes, and the same in both
// dialects. Zero time is stored as 0.

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}
