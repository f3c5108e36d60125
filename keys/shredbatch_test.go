package keys_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// TestShredBatchReportsAsShredAtWould shreds customers one by one on one
// keyring and as a batch on a twin over equal stores: each customer's
// report is the same (epoch, deadline, method), the DEKs are gone, the
// ledger names them, and a rerun of the batch reports the same again.
func TestShredBatchReportsAsShredAtWould(t *testing.T) {
	ctx := context.Background()
	subjects := []custos.SubjectID{"C1", "C2", "C3"}
	var reports [2][]keys.Shredded
	for run := range 2 {
		e, _, kr := epochEnv(t)
		for _, s := range subjects[:2] { // C3 never had a key: the report names its group's epoch all the same
			_, err := kr.ForWrite(ctx, s)
			require.NoError(t, err)
		}
		at := e.now.Add(time.Minute)
		if run == 0 {
			for _, s := range subjects {
				sh, err := kr.ShredAt(ctx, s, at)
				require.NoError(t, err)
				reports[run] = append(reports[run], sh)
			}
		} else {
			reqs := make([]keys.ShredRequest, len(subjects))
			for i, s := range subjects {
				reqs[i] = keys.ShredRequest{Subject: s, At: at}
			}
			var err error
			reports[run], err = kr.ShredBatch(ctx, reqs)
			require.NoError(t, err)
			again, err := kr.ShredBatch(ctx, reqs)
			require.NoError(t, err)
			assert.Equal(t, reports[run], again, "a rerun reports the same")
		}
		for _, s := range subjects {
			gone, err := kr.Shredded(ctx, s)
			require.NoError(t, err)
			assert.True(t, gone, "%s in the ledger", s)
			_, err = e.db.Keys().GetDEK(ctx, s)
			assert.ErrorIs(t, err, keys.ErrNotFound, "%s's DEK deleted", s)
		}
	}
	require.Len(t, reports[1], len(subjects))
	for i := range subjects {
		assert.Equal(t, reports[0][i].Group, reports[1][i].Group)
		assert.Equal(t, reports[0][i].Epoch, reports[1][i].Epoch)
		assert.Equal(t, reports[0][i].CompleteBy, reports[1][i].CompleteBy)
		assert.Equal(t, reports[0][i].Method(), reports[1][i].Method())
		assert.Equal(t, reports[0][i].At, reports[1][i].At)
	}
	assert.NotZero(t, reports[1][0].Epoch, "C1's DEK was under an epoch key")
}
