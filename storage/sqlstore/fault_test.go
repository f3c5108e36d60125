package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

// TestPutFailsHalfway makes the database refuse the last statement of a
// record write (an index entry), after the subject entry and the record
// were written in the same transaction, and checks that nothing of the
// write is visible afterwards.
func TestPutFailsHalfway(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		open    func(*testing.T) *sqlstore.DB
		trigger []string
	}{
		{"sqlite", openSQLite, []string{
			`CREATE TRIGGER fail_index BEFORE INSERT ON custos_index BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
		}},
		{"postgres", openPostgres, []string{
			`CREATE FUNCTION fail_index() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER fail_index BEFORE INSERT ON custos_index FOR EACH ROW EXECUTE FUNCTION fail_index()`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			defer db.Close()
			s := db.Vault()
			w := vault.Write{Subject: "C1", Ref: []byte("r1"), Type: "customer", Envelope: []byte("e1"), Expect: vault.ExpectAny,
				ReplaceIndexes: []string{"customer.mobile"}, Index: []vault.IndexEntry{{Index: "customer.mobile", Value: []byte{1}, Check: []byte{2}}}}
			require.NoError(t, s.PutRecord(ctx, w), "before the fault")
			for _, stmt := range tc.trigger {
				_, err := db.SQL().Exec(stmt)
				require.NoError(t, err)
			}

			// An update of an existing record and the first write of a new
			// customer both fail at the index, after their other rows.
			w.Envelope = []byte("e2")
			require.Error(t, s.PutRecord(ctx, w))
			w2 := w
			w2.Subject, w2.Ref = "C2", []byte("r2")
			require.Error(t, s.PutRecord(ctx, w2))

			r, err := s.GetRecord(ctx, "C1", "customer")
			require.NoError(t, err)
			assert.Equal(t, []byte("e1"), r.Envelope, "the old record, whole")
			assert.Equal(t, int64(1), r.Version)
			_, err = s.GetRecord(ctx, "C2", "customer")
			assert.ErrorIs(t, err, vault.ErrNotFound, "no partial record")
			_, err = s.GetSubject(ctx, "C2")
			assert.ErrorIs(t, err, vault.ErrNotFound, "no partial subject entry")
		})
	}
}
