package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleRuns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-dir", t.TempDir()}, &out))
	for _, want := range []string{
		"plan merger-2026 under [PIPL Art. 22]",
		"second approval by the same person refused: true",
		"PIPL Art. 22 notices: 5 sent by SMTP",
		"exported 5 customers",
		"mapping marketing onto cross-selling refused: true",
		"acquirer imported 5 customers; receipt signed for the same root: true",
		"acquirer reads C0000001 for lease-servicing: L-2024-0001",
		"acquirer finds 13800000003 through its own index: 1 match, C0000003",
		"acquirer reads C0000002 for marketing (consent travelled): true",
		"acquirer reads C0000002 for cross-selling (a new purpose) refused: true",
		"C0000005 stays restricted at the acquirer: true",
		"seller report: moved 5, destroyed 4 (4 certificates), kept restricted 1",
	} {
		assert.Contains(t, out.String(), want)
	}
	t.Log(out.String())
}
