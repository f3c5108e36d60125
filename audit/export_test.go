package audit

import "context"

// QueueLen returns how many appends wait in l's queue, for tests that
// build a batch deterministically.
func QueueLen(l *Log) int { return len(l.queue) }

// AdoptSigned reports whether l adopts the stored head h by its fast path
// (adoptSigned), reading hashes from l's store. l must be idle: no append
// in flight.
func AdoptSigned(ctx context.Context, l *Log, h Head) bool {
	_, ok := l.adoptSigned(ctx, h, l.store)
	return ok
}
