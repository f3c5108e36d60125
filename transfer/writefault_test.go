package transfer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/storage/storetest"
	"github.com/custos-go/custos/transfer"
)

// faultyWriter is a bundle's destination that hands each write on in
// chunks of at most chunk bytes, each a call f decides the fate of: with
// storetest.Before the failing chunk is not written, with After it is and
// the write still fails — a disk that fills, a pipe that breaks, a process
// killed between two writes.
type faultyWriter struct {
	w     *bytes.Buffer
	f     *storetest.Faults
	when  storetest.When
	chunk int
}

func (fw *faultyWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := p[:min(len(p), fw.chunk)]
		if err := fw.f.Do("bundle.Write", func() error { _, err := fw.w.Write(c); return err }); err != nil {
			if fw.when == storetest.After {
				n += len(c)
			}
			return n, err
		}
		n += len(c)
		p = p[len(c):]
	}
	return n, nil
}

// A failing bundle destination at every write, before or after the bytes
// land: Export fails and records no export; the partial bundle is refused
// by the acquirer with nothing imported (only a failure reported after the
// very last byte landed leaves a whole bundle, which verifies); run again,
// Export writes the bundle of the same root, which imports completely.
//
// Each k runs in a fresh world exported once before, so that the k-th write
// falls at the same offset in every run (a bundle's audit trails grow with
// every export, which reads and so audits its customers).
func TestExportFailsAtEveryBundleWrite(t *testing.T) {
	ctx := context.Background()
	const chunk = 512
	for _, when := range []storetest.When{storetest.Before, storetest.After} {
		k := 1
		for ; ; k++ {
			require.Less(t, k, 1000, "the export still writes after 1000 chunks")
			w := newWorld(t, mergerPlan)
			want, rep := w.export(t)
			f := &storetest.Faults{}
			f.Arm(k, when, false)
			var partial bytes.Buffer
			_, err := w.sell.Export(ctx, seller, w.plan.ID, &faultyWriter{w: &partial, f: f, when: when, chunk: chunk}, nil)
			if f.Fired() == 0 {
				require.NoError(t, err)
				break
			}
			require.Error(t, err, "write %d %v", k, when)
			_, err = transfer.Verify(bytes.NewReader(partial.Bytes()), w.rcpt.public, w.ag)
			if err != nil {
				require.ErrorIs(t, err, transfer.ErrBundle, "write %d: a partial bundle never verifies", k)
				_, err = w.buy.Import(ctx, seller, bytes.NewReader(partial.Bytes()), w.ag, nil)
				require.ErrorIs(t, err, transfer.ErrBundle, "write %d: a partial bundle is never imported", k)
				untouched(t, w)
			} else {
				require.Equal(t, storetest.After, when, "write %d: only a landed last write leaves a whole bundle", k)
				require.Equal(t, customerFrames(t, want), customerFrames(t, partial.Bytes()))
			}
			// Run again: the same root, and it imports completely.
			again, rep2 := w.export(t)
			require.Equal(t, rep.Manifest.Root, rep2.Manifest.Root, "write %d: the rerun writes the same root", k)
			require.Equal(t, customerFrames(t, want), customerFrames(t, again))
			got, err := w.buy.Import(ctx, seller, bytes.NewReader(again), w.ag, nil)
			require.NoError(t, err, "write %d", k)
			require.Equal(t, uint64(3), got.Customers)
			require.Equal(t, rep.Manifest.Root, got.Manifest.Root)
		}
		require.Greater(t, k, 40, "the bundle spans many writes")
	}
}
