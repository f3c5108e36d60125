package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/examples/internal/exreport"
)

// TestIncidentExample: the monitor's alert opens the incident, scoping
// finds exactly the eight customers read, the deadlines are the CAC's 4
// hours and GDPR's 72, the revoked account is refused, eight notices and
// three reports go through SMTP, and the incident closes with every
// obligation met; no address is in the database files outside the vault.
func TestIncidentExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"-db", path}, &out))
	s := out.String()
	for _, want := range []string{
		"monitor: bulk-reads by staff-666",
		"incident ALERT-bulk-reads-25 opened (detected 03-06 23:05 CST)",
		"scoping: 8 customers (C0000004..C0000011) in 8 reads, fields customer.email (C2), customer.name (C2)",
		"graded serious (较大): 8 people",
		"cac-initial   due 03-07 03:05 CST", // 4 hours from detection
		"gdpr-initial  due 03-09 23:18 CST", // 72 hours from awareness
		"its next read: vault: access denied: actor-revoked",
		"涉及人数（约）：8",
		"the SMTP server accepted 11 messages",
		"reports and 8 notices delivered through SMTP",
		"ALERT-bulk-reads-25 closed",
		"individuals   met",
	} {
		assert.Contains(t, s, want)
	}
	rep, err := exreport.Verify(path)
	require.NoError(t, err, "the report files exist and verify")
	var ids []string
	for _, sec := range rep.Sections {
		ids = append(ids, sec.ID)
	}
	assert.Contains(t, ids, "incident")
	files, err := filepath.Glob(path + "*")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.False(t, bytes.Contains(b, []byte("@mail.example")), "%s holds an address", filepath.Base(f))
	}
}

// TestIncidentDrill: the same flow as a drill sends nothing for real,
// revokes nobody, and reports the time to each step and the deadlines met.
func TestIncidentDrill(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"-drill"}, &out))
	s := out.String()
	for _, want := range []string{
		"drill ALERT-bulk-reads-25 opened",
		"drill: staff-666 would be revoked (its next read still works: <nil>)",
		"reports and 8 notices delivered to the drill sink",
		"drill report:",
		"+28m0s  scoped.audit",
		"cac-initial   would have been met",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "SMTP server accepted")
}
