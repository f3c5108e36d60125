package sqlstore

import (
	"context"
	"fmt"

	"github.com/custos-go/custos/keys"
)

var _ keys.Scrubber = (*keyStore)(nil)

// Scrub makes rows deleted so far unrecoverable from the SQLite files:
// the database runs with secure_delete on, so a deleted row's bytes are
// overwritten with zeros in its page, and Scrub then checkpoints the WAL
// into the database and truncates the WAL to zero bytes, so that no WAL
// frame keeps the page as it was. If a reader still holds an old snapshot,
// the WAL cannot be truncated yet and Scrub says so; the next Scrub does
// it. The Keyring calls Scrub after a shred and after each epoch close.
//
// On PostgreSQL Scrub does nothing: a deleted tuple stays in the table's
// heap until VACUUM, and even then its bytes are not overwritten, the WAL
// and its archives keep it, and no SQL command changes that (see
// docs/FORMAT.md). The guarantee of crypto-shredding never rests on it.
func (k *keyStore) Scrub(ctx context.Context) error {
	s := k.base()
	if err := s.check(); err != nil {
		return err
	}
	if s.dialect != sqlite || s.writer == nil {
		return nil
	}
	var busy, logFrames, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return s.wrap("checkpoint", err)
	}
	if busy != 0 {
		return fmt.Errorf("sqlstore: checkpoint: a reader holds the WAL; %d of %d frames checkpointed", done, logFrames)
	}
	return nil
}
