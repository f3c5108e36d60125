package audit_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/storage/memstore"
)

// Each decoder of stored or received bytes has a fuzz target. Run one for a
// minute with
//
//	go test ./audit -run '^$' -fuzz '^FuzzParseEntry$' -fuzztime 60s

func FuzzParseEntry(f *testing.F) {
	for _, mod := range []func(*audit.Entry){
		func(*audit.Entry) {},
		func(e *audit.Entry) { e.Period, e.Ref, e.Fields = "", nil, nil },
		func(e *audit.Entry) { e.Reason, e.Actor.ID = "no-consent", "职员" },
		func(e *audit.Entry) { e.Credential, e.Instance = "key-7f3a", "api-2" },
	} {
		e := sampleEntry()
		mod(&e)
		b, err := e.Encode()
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := audit.ParseEntry(b)
		if err != nil {
			if !errors.Is(err, audit.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		again, err := e.Encode()
		if err != nil {
			t.Fatalf("a decoded entry does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("decoding is not the inverse of encoding:\n in %x\nout %x", b, again)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte("log.example/a\n20852163\n" + root32 + "\n"))
	f.Add([]byte("log.example/a\n0\n" + root32 + "\next\n"))
	f.Add([]byte("a\n1\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := audit.ParseCheckpoint(b)
		if err != nil {
			if !errors.Is(err, audit.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if c.Text() != string(b) {
			t.Fatalf("Text does not reproduce the parsed checkpoint: %q vs %q", c.Text(), b)
		}
		if len(c.Root) != 32 {
			t.Fatalf("root of %d bytes accepted", len(c.Root))
		}
	})
}

func FuzzReadBundle(f *testing.F) {
	f.Add([]byte{0, 2, 'a', 'b', 0, 0})
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := audit.ReadBundle(b)
		if err != nil {
			if !errors.Is(err, audit.ErrMalformed) || entries != nil {
				t.Fatalf("bad error result: %v, %d entries", err, len(entries))
			}
			return
		}
		var again []byte
		for _, e := range entries {
			again = binary.BigEndian.AppendUint16(again, uint16(len(e)))
			again = append(again, e...)
		}
		if !bytes.Equal(again, b) {
			t.Fatal("re-encoding the entries does not give the bundle")
		}
	})
}

// fuzzLog is a small log shared by the proof and tile fuzz targets.
type fuzzLog struct {
	vkey    string
	leaves  []audit.Leaf
	cps     [][]byte // cps[n] is the signed checkpoint of size n
	tiles   map[string][]byte
	checked audit.Checkpoint
}

func newFuzzLog(f *testing.F) *fuzzLog {
	ctx := context.Background()
	s := memstore.New().Audit()
	l := newLog(f, s, newKeyring(f))
	fl := &fuzzLog{vkey: l.Verifier()}
	cp, err := l.Checkpoint(ctx)
	require.NoError(f, err)
	fl.cps = append(fl.cps, cp)
	for i := range 12 {
		appendN(f, l, i, i+1)
		cp, err := l.Checkpoint(ctx)
		require.NoError(f, err)
		fl.cps = append(fl.cps, cp)
	}
	fl.leaves = copyStore(f, s).leaves
	dir := f.TempDir()
	rep, err := audit.ExportTiles(ctx, s, dir, nil)
	require.NoError(f, err)
	fl.checked = rep.Checkpoint
	fl.tiles = map[string][]byte{}
	for _, name := range []string{"checkpoint", "tile/entries/000.p/12", "tile/0/000.p/12"} {
		b, err := fs.ReadFile(osDirFS(dir), name)
		require.NoError(f, err)
		fl.tiles[name] = b
	}
	return fl
}

func splitHashes(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 32 {
		out = append(out, b[:32])
		b = b[32:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

func FuzzVerifyInclusion(f *testing.F) {
	fl := newFuzzLog(f)
	ctx := context.Background()
	_ = ctx
	f.Add(uint8(12), uint64(3), fl.leaves[3].Entry, []byte{})
	f.Add(uint8(5), uint64(4), fl.leaves[4].Entry, bytes.Repeat([]byte{1}, 96))
	f.Fuzz(func(t *testing.T, size uint8, index uint64, entry, proof []byte) {
		cp := fl.cps[int(size)%len(fl.cps)]
		c, err := audit.VerifyInclusion(cp, fl.vkey, index, entry, splitHashes(proof))
		if err != nil {
			if !errors.Is(err, audit.ErrTampered) {
				t.Fatalf("error does not wrap ErrTampered: %v", err)
			}
			return
		}
		if index >= c.Size || !bytes.Equal(entry, fl.leaves[index].Entry) {
			t.Fatalf("forged inclusion accepted: index %d in tree %d", index, c.Size)
		}
	})
}

func FuzzVerifyConsistency(f *testing.F) {
	fl := newFuzzLog(f)
	f.Add(uint8(3), uint8(7), bytes.Repeat([]byte{2}, 64))
	f.Fuzz(func(t *testing.T, a, b uint8, proof []byte) {
		older, newer := fl.cps[int(a)%len(fl.cps)], fl.cps[int(b)%len(fl.cps)]
		err := audit.VerifyConsistency(older, newer, fl.vkey, splitHashes(proof))
		if err != nil {
			if !errors.Is(err, audit.ErrTampered) {
				t.Fatalf("error does not wrap ErrTampered: %v", err)
			}
			return
		}
		if int(a)%len(fl.cps) > int(b)%len(fl.cps) {
			t.Fatal("a shrinking log accepted as consistent")
		}
	})
}

// FuzzVerifyTiles replaces the entry bundle or the leaf tile of an export
// with fuzzed bytes: verification must never panic, and must accept only
// the bytes exported.
func FuzzVerifyTiles(f *testing.F) {
	fl := newFuzzLog(f)
	f.Add(false, fl.tiles["tile/entries/000.p/12"])
	f.Add(true, fl.tiles["tile/0/000.p/12"])
	f.Fuzz(func(t *testing.T, tile bool, data []byte) {
		fsys := fstest.MapFS{}
		for name, b := range fl.tiles {
			fsys[name] = &fstest.MapFile{Data: b}
		}
		name := "tile/entries/000.p/12"
		if tile {
			name = "tile/0/000.p/12"
		}
		fsys[name] = &fstest.MapFile{Data: data}
		_, err := audit.Verify(context.Background(), audit.TilesSource(fsys), audit.VerifyOptions{Verifier: fl.vkey})
		if err == nil && !bytes.Equal(data, fl.tiles[name]) {
			t.Fatalf("altered %s accepted", name)
		}
		if err != nil && !errors.Is(err, audit.ErrTampered) {
			t.Fatalf("error does not wrap ErrTampered: %v", err)
		}
	})
}

// FuzzVerifyCheckpointFile fuzzes the checkpoint an export or an auditor
// supplies.
func FuzzVerifyCheckpointFile(f *testing.F) {
	fl := newFuzzLog(f)
	f.Add(fl.tiles["checkpoint"])
	f.Add(fl.cps[3])
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for name, b := range fl.tiles {
			fsys[name] = &fstest.MapFile{Data: b}
		}
		fsys["checkpoint"] = &fstest.MapFile{Data: data}
		rep, err := audit.Verify(context.Background(), audit.TilesSource(fsys), audit.VerifyOptions{Verifier: fl.vkey})
		if err == nil && rep.Checkpoint.Size != fl.checked.Size && rep.Checkpoint.Size != 0 {
			// A smaller genuine checkpoint would need other partial tiles.
			t.Fatalf("checkpoint of size %d accepted over tiles of size %d", rep.Checkpoint.Size, fl.checked.Size)
		}
		_, err = audit.Verify(context.Background(), audit.TilesSource(fstest.MapFS{"checkpoint": {Data: fl.tiles["checkpoint"]},
			"tile/entries/000.p/12": {Data: fl.tiles["tile/entries/000.p/12"]}, "tile/0/000.p/12": {Data: fl.tiles["tile/0/000.p/12"]}}),
			audit.VerifyOptions{Verifier: fl.vkey, Checkpoints: [][]byte{data}})
		if err == nil {
			if _, oerr := audit.OpenCheckpoint(data, fl.vkey); oerr != nil {
				t.Fatalf("a saved checkpoint that does not open was accepted: %v", oerr)
			}
		}
	})
}
