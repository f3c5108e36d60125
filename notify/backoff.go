package notify

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// Backoff spaces the retries of a message after temporary failures: the
// n-th retry waits Base·2^(n-1), at most Max, of which a random half
// (jitter) is taken away so that messages failing together do not retry
// together.
type Backoff struct {
	Base, Max time.Duration
}

// delay returns the wait after attempt n (n ≥ 1), with jitter j in [0, 1).
func (b Backoff) delay(n int, j float64) time.Duration {
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d/2 + time.Duration(j*float64(d/2))
}

// cryptoJitter returns a uniform number in [0, 1) from crypto/rand.
func cryptoJitter() float64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0.5
	}
	return float64(binary.BigEndian.Uint64(b[:])>>11) / (1 << 53)
}
