package custos

import "time"

// Clock returns the current time. Components take a Clock so that tests and
// simulations can control time; nil means [time.Now].
type Clock func() time.Time

// Now returns the clock's time, or [time.Now] for a nil Clock.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}
