package keys

import (
	"fmt"
	"regexp"
	"time"
)

// EpochConfig turns on erasure epochs, the mechanism that makes an erasure
// reach every copy of the store (PIPL Art. 47; GDPR Art. 17): customers are
// partitioned into Groups; each group's DEKs are wrapped under the group's
// current epoch key, held by Source; an erasure marks its group's epoch
// dirty; and closing a dirty epoch (due Period after its first erasure)
// rewraps the group's surviving DEKs under a new epoch key and destroys the
// old one through Source. Once it is destroyed, no copy of a forgotten
// customer's wrapped DEK, wherever it lies, can be unwrapped with any key
// custos still holds.
type EpochConfig struct {
	// Source holds the epoch keys. Required.
	Source Source
	// Groups is the number of erasure groups, from 1 to MaxGroups. A
	// customer's group is fixed by their pseudonymous reference, so each
	// group holds about customers/Groups DEKs, and closing an epoch
	// rewraps that many: choose Groups from the expected number of
	// customers and the rewrap rate (BENCHMARKS.md). Changing it later is
	// safe: each DEK stays in the group stored with it until an epoch
	// close or a Rewrap rewraps it, which moves it to its group under the
	// new count.
	Groups int
	// Period is how long after its first erasure an epoch is due to
	// close; 0 means 24 hours.
	Period time.Duration
	// CheckEvery is how often the host runs CloseDueEpochs (RunEpochs
	// does it at this interval); 0 means Period/24. It must not exceed
	// Period. Certificates count it in their deadline.
	CheckEvery time.Duration
	// DestroyDelay is how long after Source.Destroy the key material is
	// really gone: 0 for a Source that destroys at once; a KMS's
	// scheduled-destruction or waiting period otherwise (see Source).
	DestroyDelay time.Duration
	// KeyPrefix begins the Source name of every epoch key; names are
	// KeyPrefix-g<group>-e<epoch>. Lower-case letters, digits and '-', at
	// most 24 bytes; empty means "custos-epoch". Two deployments sharing
	// one Source need different prefixes.
	KeyPrefix string
}

// MaxGroups bounds EpochConfig.Groups.
const MaxGroups = 1 << 20

const (
	defaultEpochPeriod = 24 * time.Hour
	defaultKeyPrefix   = "custos-epoch"
)

var keyPrefix = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)

// withDefaults validates c and returns it with defaults filled in.
func (c EpochConfig) withDefaults() (EpochConfig, error) {
	switch {
	case c.Source == nil:
		return c, fmt.Errorf("%w: epochs need a key Source", ErrConfig)
	case c.Groups < 1 || c.Groups > MaxGroups:
		return c, fmt.Errorf("%w: epoch group count must be 1 to %d, not %d", ErrConfig, MaxGroups, c.Groups)
	case c.Period < 0:
		return c, fmt.Errorf("%w: negative epoch period", ErrConfig)
	case c.CheckEvery < 0:
		return c, fmt.Errorf("%w: negative epoch check interval", ErrConfig)
	case c.DestroyDelay < 0:
		return c, fmt.Errorf("%w: negative key destruction delay", ErrConfig)
	}
	if c.Period == 0 {
		c.Period = defaultEpochPeriod
	}
	if c.CheckEvery == 0 {
		c.CheckEvery = c.Period / 24
	}
	if c.CheckEvery > c.Period {
		return c, fmt.Errorf("%w: epoch check interval longer than the epoch period", ErrConfig)
	}
	if c.CheckEvery <= 0 {
		return c, fmt.Errorf("%w: epoch period too short", ErrConfig)
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = defaultKeyPrefix
	}
	if !keyPrefix.MatchString(c.KeyPrefix) {
		return c, fmt.Errorf("%w: epoch key prefix must be 1-24 lower-case letters, digits and '-', starting with a letter", ErrConfig)
	}
	return c, nil
}

// deadline is the latest time by which an epoch dirty since dirty is
// closed and its old key's material gone, if the host runs CloseDueEpochs
// every CheckEvery.
func (c EpochConfig) deadline(dirty time.Time) time.Time {
	return dirty.Add(c.Period + c.CheckEvery + c.DestroyDelay)
}

// keyName is the Source name of a group's epoch key.
func (c EpochConfig) keyName(group, epoch int64) string {
	return fmt.Sprintf("%s-g%d-e%d", c.KeyPrefix, group, epoch)
}
