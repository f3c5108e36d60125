package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/examples/internal/exreport"
	"github.com/custos-go/custos/report"
)

func TestExampleRuns(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	require.NoError(t, run(context.Background(), []string{"-dir", dir}, &out))
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
	rep, err := exreport.Verify(filepath.Join(dir, "seller.example.db"))
	require.NoError(t, err, "the seller's report files exist and verify")
	assert.Contains(t, sectionIDs(rep), "transfer")
	t.Log(out.String())
}

func sectionIDs(rep report.Report) []string {
	var out []string
	for _, s := range rep.Sections {
		out = append(out, s.ID)
	}
	return out
}
