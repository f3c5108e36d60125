package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/examples/internal/exreport"
)

// TestRun plays the example and checks each answer it prints.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	base := filepath.Join(t.TempDir(), "rights")
	require.NoError(t, run(context.Background(), &out, base))
	s := out.String()
	assert.Contains(t, s, "verified by app-otp, due 2026-02-28", "31 January + one month: the end-of-month rule")
	assert.Contains(t, s, "fulfilled: 2 records")
	assert.Contains(t, s, "correction to a malformed number refused: rights: invalid correction")
	assert.Contains(t, s, "recipients told (GDPR Art. 19): credit-bureau")
	assert.Contains(t, s, "erasure partially-fulfilled: erasure requested; kept in storage only (PIPL Art. 47 ¶2): aml-identity (AML Art. 34) until 2036-02-05")
	assert.Contains(t, s, "OVERDUE: ")
	assert.Contains(t, s, "explanation (received), due 2026-03-05", "received 5 February: the last day is 5 March")
	assert.NotContains(t, s, "13800000000", "no personal data printed")
	assert.Contains(t, s, "report written to ")
	assert.Contains(t, s, "findings: rights-overdue", "the request left in the tray is the report's first finding")
	rep, err := exreport.Verify(base)
	require.NoError(t, err, "the report files exist and verify")
	assert.Equal(t, "rights-overdue", rep.Findings[0].Code)
}
