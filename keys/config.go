package keys

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// Config configures a Keyring. KEK, Store and Ledger are required.
type Config struct {
	// KEK wraps every keyset written from now on.
	KEK KEK
	// PreviousKEKs are still accepted for unwrapping keysets written before
	// a KEK rotation, until Rewrap has moved every keyset to KEK.
	PreviousKEKs []KEK
	// Store persists wrapped keys.
	Store Store
	// Ledger records shredded customers. Keep it apart from the Store's
	// backups.
	Ledger Ledger
	// Epochs, if set, wraps customer DEKs under erasure-epoch keys from a
	// Source, so that an erasure reaches every copy of the store (see
	// EpochConfig). Without it DEKs are wrapped by KEK, and a copy of the
	// store taken before an erasure stays decryptable with the KEK.
	Epochs *EpochConfig
	// Cache bounds the cache of unwrapped DEKs.
	Cache CacheConfig
	// Clock gives the time stamps of keys and ledger entries; nil means
	// time.Now.
	Clock custos.Clock
	// Logger receives operational messages (never key material or
	// subjects); nil discards them.
	Logger *slog.Logger
}

// CacheConfig bounds the cache of unwrapped DEKs. A hot customer costs one
// KEK call per MaxAge, not one per read; a cold one costs a KEK call per
// read once evicted.
type CacheConfig struct {
	// MaxEntries is the most DEKs kept unwrapped; 0 means 1,048,576,
	// enough for a million customers' keys in about 115 MiB (the memory
	// grows with the entries held, not with the bound). An entry not used
	// since the cache's clock hand last passed it is evicted first (CLOCK,
	// an approximation of least recently used).
	MaxEntries int
	// MaxAge is how long an unwrapped DEK may be used before it is
	// unwrapped again; 0 means 5 minutes.
	MaxAge time.Duration
	// Disabled unwraps on every use. It exists for benchmarks and for
	// hosts that accept a KEK call per read.
	Disabled bool
}

const (
	defaultCacheEntries = 1 << 20
	defaultCacheAge     = 5 * time.Minute
)

func (c *Config) validate() error {
	if err := c.KEK.validate(); err != nil {
		return err
	}
	seen := map[string]bool{c.KEK.ID: true}
	for _, k := range c.PreviousKEKs {
		if err := k.validate(); err != nil {
			return fmt.Errorf("previous KEK: %w", err)
		}
		if seen[k.ID] {
			return fmt.Errorf("%w: two KEKs share one ID", ErrConfig)
		}
		seen[k.ID] = true
	}
	if c.Store == nil {
		return fmt.Errorf("%w: no Store", ErrConfig)
	}
	if c.Ledger == nil {
		return fmt.Errorf("%w: no Ledger", ErrConfig)
	}
	if c.Cache.MaxEntries < 0 || c.Cache.MaxAge < 0 {
		return fmt.Errorf("%w: negative cache bound", ErrConfig)
	}
	if c.Epochs != nil {
		if _, err := c.Epochs.withDefaults(); err != nil {
			return err
		}
	}
	return nil
}
