package incident_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/internal/childproc"
	"github.com/custos-go/custos/vault"
)

// A revoked actor retrying through another process: process B (a
// re-executed test binary, with its own keyring, audit log, register and
// gated vault over the same database) reads as the insider, then waits
// while process A revokes the insider; then B retries. Each step is ordered
// over pipes, not by timing.

const (
	revokeChildEnv = "CUSTOS_TEST_REVOKE_CHILD" // "sqlite" or "postgres": run as process B
	revokeChildDB  = "CUSTOS_TEST_REVOKE_DB"    // SQLite path, or the PostgreSQL schema
	revokeChildDir = "CUSTOS_TEST_REVOKE_DIR"   // KEK file, result file
)

// revokeResult is what process B reports: how each of its reads ended.
type revokeResult struct {
	Before, Retry, RetryOther, Colleague string
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, vault.ErrDenied):
		return "denied"
	}
	return "other: " + err.Error()
}

// TestRevokeChild is process B; it runs only when re-executed by
// TestRevokedActorRetriesThroughAnotherProcess.
func TestRevokeChild(t *testing.T) {
	dialect := os.Getenv(revokeChildEnv)
	if dialect == "" {
		t.Skip("process B of TestRevokedActorRetriesThroughAnotherProcess")
	}
	ctx := context.Background()
	dir := os.Getenv(revokeChildDir)
	db, err := openFromChild(ctx, dialect, os.Getenv(revokeChildDB))
	require.NoError(t, err)
	defer db.Close()
	w, err := newWorld(ctx, db, filepath.Join(dir, "dev-kek.json"))
	require.NoError(t, err)
	defer w.close()

	var r revokeResult
	_, err = w.vault.Get(ctx, insider, "C001", "customer", "name")
	r.Before = outcome(err)
	fmt.Println(childproc.Ready)
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	_, err = w.vault.Get(ctx, insider, "C001", "customer", "name") // the same read again
	r.Retry = outcome(err)
	_, err = w.vault.Get(ctx, insider, "C002", "customer", "mobile") // another customer
	r.RetryOther = outcome(err)
	_, err = w.vault.Get(ctx, clerk, "C002", "customer", "name")
	r.Colleague = outcome(err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "result.json"), b, 0o600))
}

func TestRevokedActorRetriesThroughAnotherProcess(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, where := backends(t)[dialect](t)
			start := time.Now().Add(-time.Minute)
			a, err := newWorld(ctx, db, filepath.Join(dir, "dev-kek.json"))
			require.NoError(t, err)
			defer a.close()
			for i, mobile := range []string{"13800138000", "13800138001"} {
				require.NoError(t, a.vault.Put(ctx, clerk, custos.SubjectID(fmt.Sprintf("C%03d", i+1)), "customer", vault.Values{"name": "王五", "mobile": mobile}))
			}
			_, err = a.reg.Open(ctx, responder, incident.Incident{ID: "INC-1", Detected: start, Aware: start, Kind: incident.KindLeak, Cause: "bulk read by an insider"})
			require.NoError(t, err)

			child := childproc.Start(t, "TestRevokeChild", revokeChildEnv+"="+dialect, revokeChildDB+"="+where, revokeChildDir+"="+dir)

			// A revokes the insider while B, which has read as the
			// insider, waits to read again.
			_, err = a.reg.Revoke(ctx, responder, "INC-1", insider.Actor.ID)
			require.NoError(t, err)
			child.Send(t, "go")
			child.Finish(t)

			b, err := os.ReadFile(filepath.Join(dir, "result.json"))
			require.NoError(t, err)
			var r revokeResult
			require.NoError(t, json.Unmarshal(b, &r))
			assert.Equal(t, revokeResult{Before: "ok", Retry: "denied", RetryOther: "denied", Colleague: "ok"}, r,
				"from its next call after the revocation, B's vault refuses the insider and only the insider")

			// B's refused retries are in the shared audit log, as attempts
			// with the revocation as their reason: scoping finds them.
			var reasons []string
			for m, err := range a.log.Query(ctx, responder, audit.Query{Actor: insider.Actor.ID, Action: custos.ActionGet, Since: start}) {
				require.NoError(t, err)
				reasons = append(reasons, m.Entry.Outcome.String()+":"+m.Entry.Reason)
			}
			assert.Equal(t, []string{"allowed:", "denied:actor-revoked", "denied:actor-revoked"}, reasons)
			inc, err := a.reg.Get(ctx, "INC-1")
			require.NoError(t, err)
			assert.Equal(t, incident.StateContained, inc.State)
		})
	}
}
