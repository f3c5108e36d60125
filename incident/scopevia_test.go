package incident_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/vault"
)

// Scoping by credential and by application instance (custos.Access
// Credential and Instance), on every backend: the audit log records both,
// its store indexes them, and the scoper asks by them.
func TestScopeByCredentialAndInstance(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := open(t)
			w, err := newWorld(ctx, db, filepath.Join(t.TempDir(), "dev-kek.json"))
			require.NoError(t, err)
			defer w.close()
			var all []custos.SubjectID
			for i := range 7 {
				s := custos.SubjectID(fmt.Sprintf("C%03d", i+1))
				require.NoError(t, w.vault.Put(ctx, clerk, s, "customer", vault.Values{"name": "王五", "mobile": fmt.Sprintf("1380013%04d", i)}))
				all = append(all, s)
			}
			start := time.Now().Add(-time.Minute)
			via := func(acc custos.Access, credential, instance string) custos.Access {
				acc.Credential, acc.Instance = credential, instance
				return acc
			}
			reads := []struct {
				acc     custos.Access
				subject custos.SubjectID
			}{
				{via(insider, "key-leaked", "api-1"), all[0]},
				{via(insider, "key-leaked", "api-1"), all[1]},
				{via(insider, "key-leaked", "api-1"), all[2]},
				{via(insider, "key-daily", "api-2"), all[3]},
				{via(clerk, "key-leaked", "api-9"), all[4]}, // the leaked key, used through a compromised instance
				{via(clerk, "", "api-9"), all[5]},
				{clerk, all[6]}, // no credential, no instance: entry format version 1
			}
			for _, r := range reads {
				_, err := w.vault.Get(ctx, r.acc, r.subject, "customer", "name")
				require.NoError(t, err)
			}
			// A read the vault refused is an attempt: it is found too.
			_, err = w.vault.Get(ctx, via(insider, "key-leaked", "api-1"), "C404", "customer", "name")
			require.ErrorIs(t, err, vault.ErrNotFound)
			end := time.Now().Add(time.Minute)

			ev := incident.Evidence{Audit: w.log, DEKs: db.Keys()}
			find := func(win incident.Window) ([]custos.SubjectID, incident.Scope) {
				win.From, win.To = start, end
				var got []custos.SubjectID
				sc, err := ev.Find(ctx, responder, win, func(page []custos.SubjectID) error {
					got = append(got, page...)
					return nil
				})
				require.NoError(t, err)
				slices.Sort(got)
				return got, sc
			}
			for name, c := range map[string]struct {
				w    incident.Window
				want []custos.SubjectID
			}{
				"a credential":                            {incident.Window{Credential: "key-leaked"}, []custos.SubjectID{all[0], all[1], all[2], all[4]}},
				"an application instance":                 {incident.Window{Instance: "api-9"}, []custos.SubjectID{all[4], all[5]}},
				"a credential through one instance":       {incident.Window{Credential: "key-leaked", Instance: "api-9"}, []custos.SubjectID{all[4]}},
				"an actor through one credential":         {incident.Window{Actor: insider.Actor.ID, Credential: "key-daily"}, []custos.SubjectID{all[3]}},
				"a role through one instance":             {incident.Window{Role: clerk.Actor.Role, Instance: "api-2"}, []custos.SubjectID{all[3]}},
				"an unknown credential: nobody, no error": {incident.Window{Credential: "key-never-issued"}, nil},
			} {
				t.Run(name, func(t *testing.T) {
					got, _ := find(c.w)
					assert.Equal(t, c.want, got)
				})
			}
			_, sc := find(incident.Window{Credential: "key-leaked"})
			assert.Equal(t, int64(5), sc.Entries, "four reads and the refused attempt")
			assert.Equal(t, int64(4), sc.Released)

			// The entries carry both, and a query by them goes through the
			// store's index.
			var n int
			for m, err := range w.log.Query(ctx, responder, audit.Query{Credential: "key-leaked", Instance: "api-1", Since: start, Until: end}) {
				require.NoError(t, err)
				assert.Equal(t, "key-leaked", m.Entry.Credential)
				assert.Equal(t, "api-1", m.Entry.Instance)
				assert.Equal(t, byte(audit.EntryVersionVia), m.Leaf[0])
				n++
			}
			assert.Equal(t, 4, n)
			_, indexed := db.Audit().(audit.IndexedStore)
			assert.True(t, indexed, "the backend's audit store answers through indexes")

			// Scoping into an incident by credential: the affected set, and
			// the step on the timeline naming the kind of question.
			inc, err := w.reg.Open(ctx, responder, incident.Incident{ID: "INC-1", Detected: start, Aware: start, Kind: incident.KindLeak, Cause: "leaked API key"})
			require.NoError(t, err)
			require.Equal(t, incident.StateDetected, inc.State)
			got, err := w.reg.ScopeFromAudit(ctx, responder, "INC-1", incident.Window{Credential: "key-leaked", From: start, To: end})
			require.NoError(t, err)
			assert.Equal(t, int64(4), got.Affected)
			var affected []custos.SubjectID
			for s, err := range w.reg.Affected(ctx, "INC-1") {
				require.NoError(t, err)
				affected = append(affected, s)
			}
			assert.Equal(t, []custos.SubjectID{all[0], all[1], all[2], all[4]}, affected)
			var details []string
			for e, err := range w.reg.Timeline(ctx, "INC-1") {
				require.NoError(t, err)
				details = append(details, e.Detail)
			}
			assert.Contains(t, details, "credential window found 4 customers in 5 entries")
		})
	}
}
