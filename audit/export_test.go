package audit

// QueueLen returns how many appends wait in l's queue, for tests that
// build a batch deterministically.
func QueueLen(l *Log) int { return len(l.queue) }
