package audit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

// TestExportIsRecorded: an export is a read of the log, recorded before
// anything is written, and the export covers its own entry.
func TestExportIsRecorded(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 5)
	dir := t.TempDir()
	rep, err := l.Export(ctx, auditor, dir, &audit.ExportOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
	assert.Equal(t, uint64(6), rep.Checkpoint.Size, "the five entries and the export's own")

	leaves, err := s.ReadLeaves(ctx, 5, 10)
	require.NoError(t, err)
	require.Len(t, leaves, 1)
	e, err := audit.ParseEntry(leaves[0].Entry)
	require.NoError(t, err)
	assert.Equal(t, custos.ActionAuditRead, e.Action)
	assert.Equal(t, auditor.Actor, e.Actor)
	assert.Equal(t, auditor.Purpose, e.Purpose)
	assert.Equal(t, audit.AuditRecordType, e.RecordType)
	assert.Equal(t, []string{"export"}, e.Fields)

	_, err = audit.Verify(ctx, audit.TilesSource(os.DirFS(dir)), audit.VerifyOptions{Verifier: l.Verifier()})
	assert.NoError(t, err, "the export verifies with the log's key")
}

func TestExportNotRecordedExportsNothing(t *testing.T) {
	ctx := context.Background()
	s := &sliceStore{}
	l := newLog(t, s, newKeyring(t))
	appendN(t, l, 0, 3)
	h, err := s.Head(ctx)
	require.NoError(t, err)

	down := errors.New("store down")
	s.mu.Lock()
	s.failAppend = down
	s.mu.Unlock()
	dir := filepath.Join(t.TempDir(), "export")
	_, err = l.Export(ctx, auditor, dir, nil)
	assert.ErrorIs(t, err, down)
	_, statErr := os.Stat(dir)
	assert.ErrorIs(t, statErr, os.ErrNotExist, "nothing was exported")

	s.mu.Lock()
	s.failAppend = nil
	s.mu.Unlock()
	_, err = l.Export(ctx, custos.Access{Actor: auditor.Actor}, dir, nil)
	assert.ErrorIs(t, err, custos.ErrNoPurpose, "an export names why")
	h2, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, h, h2, "no entry was appended")
}
