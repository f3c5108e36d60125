package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/examples/internal/exreport"
)

// TestRetentionExample plays the example to its end and checks its report:
// the files exist and verify, and the retention section shows the
// destructions the sweeps did.
func TestRetentionExample(t *testing.T) {
	base := filepath.Join(t.TempDir(), "retention")
	require.NoError(t, run(context.Background(), base))
	rep, err := exreport.Verify(base)
	require.NoError(t, err, "the report files exist and verify")
	var ids []string
	for _, sec := range rep.Sections {
		ids = append(ids, sec.ID)
	}
	assert.Equal(t, []string{"processing", "security", "consent", "retention", "outbox", "audit"}, ids)
}
