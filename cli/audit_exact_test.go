package cli_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/keys/insecuredevkek"
)

// forge rewrites entry idx as a valid entry at the same index with another
// actor, as someone with write access to the database would.
func forge(t *testing.T, db *sql.DB, idx int) []byte {
	t.Helper()
	e, err := audit.ParseEntry(entryBytes(t, db, idx))
	require.NoError(t, err)
	e.Actor.ID = "forger"
	b, err := e.Encode()
	require.NoError(t, err)
	exec(t, db, `UPDATE custos_audit_entries SET entry = ? WHERE idx = ?`, b, idx)
	return b
}

// TestVerifyNamesTheEditedEntry: `audit verify` names the entry that was
// edited when its leaf hash was recomputed too — at an even index, whose
// parent's hash is stored with the next entry — and, when every stored
// hash was rewritten, names the first entry no signed checkpoint vouches
// for and the range up to the first that differs (issue 10).
func TestVerifyNamesTheEditedEntry(t *testing.T) {
	t.Run("leaf hash recomputed", func(t *testing.T) {
		for _, idx := range []int{4, 6, 10} {
			d := newTestDB(t)
			d.appendEvents(t, 0, 12)
			tamper(t, d.path, func(db *sql.DB) {
				// The kept history depends on how appends were batched: a
				// checkpoint kept at some size would bound the change
				// instead. The stored hashes are the evidence here.
				exec(t, db, `DELETE FROM custos_audit_checkpoints`)
				b := forge(t, db, idx)
				var hs []byte
				require.NoError(t, db.QueryRow(`SELECT hashes FROM custos_audit_entries WHERE idx = ?`, idx).Scan(&hs))
				copy(hs, rfc6962.DefaultHasher.HashLeaf(b))
				exec(t, db, `UPDATE custos_audit_entries SET hashes = ? WHERE idx = ?`, hs, idx)
			})
			code, out, _ := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier)
			assert.Equal(t, cli.ExitFailed, code)
			assert.Contains(t, out, fmt.Sprintf("first bad index %d:", idx))
		}
	})
	t.Run("every stored hash rewritten", func(t *testing.T) {
		d := newTestDB(t)
		at8 := writeFile(t, d.appendEvents(t, 0, 8))
		at12 := writeFile(t, d.appendEvents(t, 8, 12))
		d.appendEvents(t, 12, 16)
		tamper(t, d.path, func(db *sql.DB) {
			forge(t, db, 9)
			// The kept history depends on how appends were batched: the
			// auditor's checkpoints are the evidence here.
			exec(t, db, `DELETE FROM custos_audit_checkpoints`)
			rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
			for i := range 16 {
				blob := rfc6962.DefaultHasher.HashLeaf(entryBytes(t, db, i))
				require.NoError(t, rng.Append(blob, func(id compact.NodeID, h []byte) {
					if id.Level > 0 {
						blob = append(blob, h...)
					}
				}))
				exec(t, db, `UPDATE custos_audit_entries SET hashes = ? WHERE idx = ?`, blob, i)
			}
		})
		code, out, _ := auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--checkpoint", at8, "--checkpoint", at12)
		assert.Equal(t, cli.ExitFailed, code)
		assert.Contains(t, out, "first bad index 8:", out)
		assert.Contains(t, out, "between 8 and 11", out)

		code, out, _ = auditor(t, "audit", "verify", "--db", d.path, "--key", d.verifier, "--checkpoint", at8)
		assert.Equal(t, cli.ExitFailed, code)
		assert.Contains(t, out, "first bad index 8:", "the auditor's checkpoint at 8 vouches for the entries before it: %s", out)
		assert.Contains(t, out, "between 8 and 15", out)
	})
}

// TestExportIsRecorded: `audit export` is a read of the log, recorded in
// the log before anything is written, as an audit read by the operator;
// the export covers its own entry. Without the deployment's keys it is bad
// input, and with a KEK that cannot open the log's signing key nothing is
// recorded and nothing exported (issue 10).
func TestExportIsRecorded(t *testing.T) {
	d := newTestDB(t)
	d.appendEvents(t, 0, 7)
	dir := filepath.Join(t.TempDir(), "tiles")
	code, out, errs := d.export(t, "--tiles", dir, "--key", d.verifier)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "exported 8 entries")

	db, err := sql.Open("sqlite", d.path)
	require.NoError(t, err)
	defer db.Close()
	e, err := audit.ParseEntry(entryBytes(t, db, 7))
	require.NoError(t, err)
	assert.Equal(t, custos.ActionAuditRead, e.Action)
	assert.Equal(t, custos.Role("operator"), e.Actor.Role)
	assert.Equal(t, custos.PurposeID("audit-review"), e.Purpose)
	assert.Equal(t, audit.AuditRecordType, e.RecordType)
	assert.Equal(t, []string{"export"}, e.Fields)
	code, out, _ = auditor(t, "audit", "verify", "--tiles", dir, "--key", d.verifier)
	require.Equal(t, cli.ExitOK, code, out)
	assert.Contains(t, out, "verified: 8 entries", "the export covers its own entry")

	count := func() int {
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM custos_audit_entries`).Scan(&n))
		return n
	}
	other := filepath.Join(t.TempDir(), "tiles")
	code, _, errs = auditor(t, "audit", "export", "--db", d.path, "--tiles", other, "--key", d.verifier)
	assert.Equal(t, cli.ExitUsage, code, "no keys to record the export with")
	assert.Contains(t, errs, "--kek")
	wrong, err := os.CreateTemp(t.TempDir(), "kek")
	require.NoError(t, err)
	require.NoError(t, wrong.Close())
	require.NoError(t, os.Remove(wrong.Name()))
	_, err = insecuredevkek.Open(wrong.Name())
	require.NoError(t, err)
	flags := d.keyFlags(t)
	flags[3] = wrong.Name()
	code, _, _ = auditor(t, append([]string{"audit", "export", "--db", d.path, "--tiles", other, "--key", d.verifier}, flags...)...)
	assert.Equal(t, cli.ExitFailed, code, "another KEK cannot open the log's signing key")
	assert.Equal(t, 8, count(), "nothing recorded")
	_, err = os.Stat(other)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing exported")
}
