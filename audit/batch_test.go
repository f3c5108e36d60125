package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// TestRecordBatch shows a batch of events appended in one store write, at
// consecutive indexes, covered by one signed checkpoint; a bad event in it
// fails the batch, naming its position, and nothing is written.
func TestRecordBatch(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 2)
	s.mu.Lock()
	before := s.appends
	s.mu.Unlock()

	bad := []custos.Event{event(2), event(3), event(4)}
	bad[1].Action = ""
	err := l.RecordBatch(ctx, bad)
	require.ErrorIs(t, err, audit.ErrInvalidEvent)
	ie, ok := errors.AsType[*custos.ItemError](err)
	require.True(t, ok)
	assert.Equal(t, 1, ie.Index)

	require.NoError(t, l.RecordBatch(ctx, []custos.Event{event(2), event(3), event(4)}))
	require.NoError(t, l.RecordBatch(ctx, nil))
	s.mu.Lock()
	writes := s.appends - before
	s.mu.Unlock()
	assert.Equal(t, 1, writes, "one store write for the batch, none for the refused one or the empty one")
	h, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), h.Size)
	leaves, err := s.ReadLeaves(ctx, 2, 10)
	require.NoError(t, err)
	require.Len(t, leaves, 3)
	for i, lf := range leaves {
		e, err := audit.ParseEntry(lf.Entry)
		require.NoError(t, err)
		assert.Equal(t, uint64(2+i), e.Index)
		assert.Equal(t, event(2+i).Access.RequestID, e.RequestID, "in order")
	}
	_, err = audit.Verify(ctx, audit.StoreSource(s), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
}
