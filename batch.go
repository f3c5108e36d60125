package custos

import (
	"context"
	"fmt"
)

// ItemError is the error of a batch call that failed because of one of its
// items. Index is the item's position in the batch, from 0, so that a
// caller can find it without the error naming any value; Err says what is
// wrong with it and wraps the package sentinel a caller branches on
// (errors.Is sees through ItemError). A batch that fails with an ItemError
// changed nothing.
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("batch item %d: %v", e.Index, e.Err) }

func (e *ItemError) Unwrap() error { return e.Err }

// BatchRecorder is a Recorder that records many events at once, durably,
// all or none: RecordBatch returns nil only when every event is durable.
// A component that writes a batch uses it when its Recorder implements it,
// and records the events one by one otherwise.
type BatchRecorder interface {
	Recorder
	RecordBatch(ctx context.Context, events []Event) error
}
