package audit_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// appendParallel appends events from..to-1 from several goroutines, so
// that group commit keeps large logs quick to build.
func appendParallel(t testing.TB, l *audit.Log, from, to int) {
	t.Helper()
	const workers = 64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := from + w; i < to; i += workers {
				if _, err := l.Append(context.Background(), event(i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	}))
	sort.Strings(out)
	return out
}

func TestExportTilesLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a log of 70,000 entries")
	}
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t), func(c *audit.Config) { c.MaxBatch = 2048 })
	appendParallel(t, l, 0, 69999)
	dir := t.TempDir()
	rep, err := l.Export(ctx, auditor, dir, nil) // its own entry makes 70,000
	require.NoError(t, err)
	assert.Equal(t, uint64(70000), rep.Checkpoint.Size)

	// The example of the C2SP tlog-tiles specification: 273 full level 0
	// tiles and a partial one of width 112, one full level 1 tile and a
	// partial one of width 17, and a partial level 2 tile of width 1.
	got := files(t, dir)
	count := func(prefix string, partial bool) int {
		n := 0
		for _, f := range got {
			if strings.HasPrefix(f, prefix) && strings.Contains(f, ".p/") == partial {
				n++
			}
		}
		return n
	}
	assert.Equal(t, 273, count("tile/0/", false))
	assert.Equal(t, 273, count("tile/entries/", false))
	assert.Contains(t, got, "tile/0/273.p/112")
	assert.Contains(t, got, "tile/entries/273.p/112")
	assert.Equal(t, 1, count("tile/1/", false))
	assert.Contains(t, got, "tile/1/001.p/17")
	assert.Equal(t, []string{"tile/2/000.p/1"}, filter(got, "tile/2/"))
	assert.Contains(t, got, "checkpoint")
	assert.Equal(t, 273*2+5+1, len(got), "the tiles above and the checkpoint")

	vrep, err := audit.Verify(ctx, audit.TilesSource(os.DirFS(dir)), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
	assert.Equal(t, uint64(70000), vrep.Entries)
}

func filter(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

func TestExportTilesIncremental(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	kr := newKeyring(t)
	l := newLog(t, s, kr)
	appendParallel(t, l, 0, 300)
	dir := t.TempDir()
	first, err := audit.ExportTiles(ctx, s, dir, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(300), first.Checkpoint.Size)
	again, err := audit.ExportTiles(ctx, s, dir, nil)
	require.NoError(t, err)
	assert.Zero(t, again.Files, "nothing new to write")

	appendParallel(t, l, 300, 520)
	more, err := audit.ExportTiles(ctx, s, dir, &audit.ExportOptions{Verifier: l.Verifier()})
	require.NoError(t, err)
	assert.Equal(t, uint64(520), more.Checkpoint.Size)
	_, err = audit.Verify(ctx, audit.TilesSource(os.DirFS(dir)), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err)

	// A log rewritten with the same key cannot be exported over the
	// earlier export.
	forked := &sliceStore{key: copyStore(t, s).key}
	lf := newLog(t, forked, kr)
	appendN(t, lf, 1000, 1010)
	_, err = audit.ExportTiles(ctx, forked, dir, nil)
	assert.ErrorIs(t, err, audit.ErrTampered)
	_, err = audit.Verify(ctx, audit.TilesSource(os.DirFS(dir)), audit.VerifyOptions{Verifier: l.Verifier()})
	require.NoError(t, err, "the earlier export is intact: the checkpoint is written last")
}

func TestVerifyTilesCatchesTampering(t *testing.T) {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(t, s, newKeyring(t))
	appendParallel(t, l, 0, 600)
	dir := t.TempDir()
	_, err := audit.ExportTiles(ctx, s, dir, nil)
	require.NoError(t, err)

	cases := []struct {
		name   string
		tamper func(dir string)
		index  uint64
	}{
		{"flip a byte of an entry in a bundle", func(dir string) { flipByte(t, filepath.Join(dir, "tile/entries/001"), 2+40) }, 256},
		{"flip a byte of a leaf hash tile", func(dir string) { flipByte(t, filepath.Join(dir, "tile/0/002.p/88"), 32*5) }, 512 + 5},
		{"delete an entry bundle", func(dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "tile/entries/001"))) }, 256},
		{"truncate the partial bundle", func(dir string) {
			p := filepath.Join(dir, "tile/entries/002.p/88")
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, b[:len(b)/2+1], 0o644))
		}, 512 + 44},
		{"swap two bundles", func(dir string) {
			a, b := filepath.Join(dir, "tile/entries/000"), filepath.Join(dir, "tile/entries/001")
			x, err := os.ReadFile(a)
			require.NoError(t, err)
			y, err := os.ReadFile(b)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(a, y, 0o644))
			require.NoError(t, os.WriteFile(b, x, 0o644))
		}, 0},
		{"flip a byte of a level 1 tile", func(dir string) { flipByte(t, filepath.Join(dir, "tile/1/000.p/2"), 40) }, 256}, // the node over 256..511
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			require.NoError(t, os.CopyFS(d, os.DirFS(dir)))
			c.tamper(d)
			_, err := audit.Verify(ctx, audit.TilesSource(os.DirFS(d)), audit.VerifyOptions{Verifier: l.Verifier()})
			requireTamperAt(t, err, c.index)
		})
	}
	t.Run("checkpoint of another key", func(t *testing.T) {
		d := t.TempDir()
		require.NoError(t, os.CopyFS(d, os.DirFS(dir)))
		other := newLog(t, memstore.New().Audit(), newKeyring(t))
		_, err := other.Export(ctx, custos.Access{Actor: custos.Actor{ID: "a", Role: "b"}, Purpose: "c"}, filepath.Join(d, "other"), nil)
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(d, "other", "checkpoint"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(d, "checkpoint"), b, 0o644))
		_, err = audit.Verify(ctx, audit.TilesSource(os.DirFS(d)), audit.VerifyOptions{Verifier: l.Verifier()})
		assert.ErrorIs(t, err, audit.ErrTampered)
	})
}

func flipByte(t *testing.T, p string, at int) {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[at] ^= 1
	require.NoError(t, os.WriteFile(p, b, 0o644))
}
