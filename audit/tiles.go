package audit

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
)

// The C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): tiles are 256
// hashes wide and cover 8 tree levels.
const (
	tileHeight = 8
	tileWidth  = 1 << tileHeight
	// MaxEntryBytes is the largest entry an entry bundle can carry.
	MaxEntryBytes = 1<<16 - 1
)

// TilePath returns the path of the hash tile at level and index, for a
// tile width hashes wide (256 for a full tile, 1 to 255 for a partial one):
// tile/<L>/<N>[.p/<W>].
func TilePath(level int, index uint64, width int) string {
	return "tile/" + strconv.Itoa(level) + "/" + tileIndex(index) + partial(width)
}

// EntriesPath returns the path of the entry bundle at index holding width
// entries: tile/entries/<N>[.p/<W>].
func EntriesPath(index uint64, width int) string {
	return "tile/entries/" + tileIndex(index) + partial(width)
}

// tileIndex encodes n as zero-padded 3-digit path elements, all but the
// last prefixed with 'x': 1234067 is x001/x234/067.
func tileIndex(n uint64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

func partial(width int) string {
	if width > 0 && width < tileWidth {
		return ".p/" + strconv.Itoa(width)
	}
	return ""
}

// ReadBundle splits an entry bundle, a sequence of big-endian uint16
// length-prefixed entries, into its entries. Truncated input gives an error
// wrapping ErrMalformed. The entries share b's memory.
func ReadBundle(b []byte) ([][]byte, error) {
	entries, err := readBundlePrefix(b)
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// readBundlePrefix returns the entries of b up to where it stops decoding,
// and the error there.
func readBundlePrefix(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return out, fmt.Errorf("%w: entry bundle ends inside a length", ErrMalformed)
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b)-2 < n {
			return out, fmt.Errorf("%w: entry bundle ends inside an entry", ErrMalformed)
		}
		out = append(out, b[2:2+n:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// widthAt returns how many items the tile (or bundle) at index n of a level
// holds in a tree whose level has count items: 256, or the partial width,
// or 0 if it does not exist.
func widthAt(n, count uint64) int {
	switch full := count / tileWidth; {
	case n < full:
		return tileWidth
	case n == full:
		return int(count % tileWidth)
	}
	return 0
}

// TilesSource returns the log exported in the C2SP tlog-tiles layout at
// the root of fsys (such as os.DirFS(dir)): its checkpoint, entry bundles
// and hash tiles.
func TilesSource(fsys fs.FS) *Source {
	return &Source{src: &tilesSource{fsys: fsys, tiles: map[int]*tile{}}}
}

type tilesSource struct {
	fsys  fs.FS
	size  uint64
	tiles map[int]*tile // the last tile read at each tile level
}

type tile struct {
	index uint64
	data  []byte
}

// readFile reads a file of at most max bytes.
func readFile(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrMalformed, name, max)
	}
	return b, nil
}

func (t *tilesSource) head(context.Context) ([]byte, uint64, error) {
	signed, err := readFile(t.fsys, "checkpoint", maxCheckpointBytes)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: read checkpoint: %w", err)
	}
	text, err := noteText(signed)
	if err != nil {
		return nil, 0, err
	}
	c, err := ParseCheckpoint(text)
	if err != nil {
		return nil, 0, err
	}
	t.size = c.Size
	return signed, c.Size, nil
}

// noteText returns the text of a signed note without verifying it.
func noteText(signed []byte) ([]byte, error) {
	_, err := note.Open(signed, nil)
	var u *note.UnverifiedNoteError
	if !errors.As(err, &u) {
		return nil, fmt.Errorf("%w: not a signed note", ErrMalformed)
	}
	return []byte(u.Note.Text), nil
}

func (t *tilesSource) history(context.Context, uint64, int) ([]SavedCheckpoint, error) {
	return nil, nil
}

func (t *tilesSource) leaves(ctx context.Context, from, to uint64, fn func(Leaf) error) error {
	for n := from / tileWidth; n*tileWidth < to; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := widthAt(n, t.size)
		if w == 0 {
			return nil
		}
		b, err := readFile(t.fsys, EntriesPath(n, w), int64(w)*(2+MaxEntryBytes))
		if errors.Is(err, fs.ErrNotExist) {
			return tamperAt(max(from, n*tileWidth), "entry bundle %s is missing", EntriesPath(n, w))
		}
		if err != nil {
			return fmt.Errorf("audit: read entry bundle: %w", err)
		}
		entries, berr := readBundlePrefix(b)
		for i, e := range entries[:min(len(entries), w)] {
			index := n*tileWidth + uint64(i)
			if index < from || index >= to {
				continue
			}
			if err := fn(Leaf{Index: index, Entry: e}); err != nil {
				return err
			}
		}
		if len(entries) > w {
			return tamperAt(n*tileWidth+uint64(w), "entry bundle %s holds more than %d entries", EntriesPath(n, w), w)
		}
		if berr != nil {
			// The entries before the break were checked above; the first
			// one after them is bad.
			return tamperAt(max(from, n*tileWidth+uint64(len(entries))), "entry bundle %s does not decode", EntriesPath(n, w))
		}
		if len(entries) < w {
			return nil // the caller reports the first missing index
		}
	}
	return nil
}

func (t *tilesSource) check(ctx context.Context, leaf Leaf, computed []byte) (string, int, error) {
	for level := 0; level*hashSize < len(computed); level += tileHeight {
		k := leaf.Index >> level // the node's index at its tree level
		tl := level / tileHeight
		n := k / tileWidth
		w := widthAt(n, t.size>>level)
		cur := t.tiles[tl]
		if cur == nil || cur.index != n || len(cur.data) != w*hashSize {
			name := TilePath(tl, n, w)
			b, err := readFile(t.fsys, name, tileWidth*hashSize)
			if errors.Is(err, fs.ErrNotExist) {
				return "hash tile " + name + " is missing", level, nil
			}
			if err != nil {
				return "", 0, fmt.Errorf("audit: read tile: %w", err)
			}
			if len(b) != w*hashSize {
				return "hash tile " + name + " has the wrong length", level, nil
			}
			cur = &tile{index: n, data: b}
			t.tiles[tl] = cur
		}
		off := int(k%tileWidth) * hashSize
		if !bytes.Equal(cur.data[off:off+hashSize], computed[level*hashSize:(level+1)*hashSize]) {
			if level == 0 {
				return "entry does not match its leaf hash in the level 0 tile", 0, nil
			}
			return fmt.Sprintf("hash tile at level %d differs from the tree recomputed from the entries", tl), level, nil
		}
	}
	return "", 0, nil
}

func (t *tilesSource) extra(context.Context, uint64) (bool, error) { return false, nil }

func (t *tilesSource) rangeAt(context.Context, uint64) (*compact.Range, error) {
	return nil, fmt.Errorf("%w: resuming needs a database source", ErrUnsupported)
}

// tileWriter writes the tiles and entry bundles of a log as Verify walks
// it.
type tileWriter struct {
	dir     string
	bundle  []byte
	entries int
	levels  [][]byte
	counts  []uint64 // hashes written so far per tile level
	written int
}

func (w *tileWriter) leaf(leaf Leaf, computed []byte) error {
	w.bundle = binary.BigEndian.AppendUint16(w.bundle, uint16(len(leaf.Entry)))
	w.bundle = append(w.bundle, leaf.Entry...)
	if w.entries++; w.entries == tileWidth {
		if err := w.write(EntriesPath(leaf.Index/tileWidth, tileWidth), w.bundle); err != nil {
			return err
		}
		w.bundle, w.entries = w.bundle[:0], 0
	}
	for level := 0; level*hashSize < len(computed); level += tileHeight {
		tl := level / tileHeight
		for len(w.levels) <= tl {
			w.levels = append(w.levels, nil)
			w.counts = append(w.counts, 0)
		}
		w.levels[tl] = append(w.levels[tl], computed[level*hashSize:(level+1)*hashSize]...)
		if len(w.levels[tl]) == tileWidth*hashSize {
			if err := w.write(TilePath(tl, w.counts[tl]/tileWidth, tileWidth), w.levels[tl]); err != nil {
				return err
			}
			w.counts[tl] += tileWidth
			w.levels[tl] = w.levels[tl][:0]
		}
	}
	return nil
}

// finish writes the partial tiles and bundle of a tree of size entries,
// then the checkpoint, last, so that a reader never sees a checkpoint
// without its tiles.
func (w *tileWriter) finish(size uint64, signed []byte) error {
	if w.entries > 0 {
		if err := w.write(EntriesPath(size/tileWidth, w.entries), w.bundle); err != nil {
			return err
		}
	}
	for tl, b := range w.levels {
		if n := len(b) / hashSize; n > 0 {
			if err := w.write(TilePath(tl, w.counts[tl]/tileWidth, n), b); err != nil {
				return err
			}
		}
	}
	return writeFileAtomic(filepath.Join(w.dir, "checkpoint"), signed)
}

// write writes an immutable tile. A tile already present must hold the
// same bytes: a different one means the log changed since an earlier export.
func (w *tileWriter) write(name string, data []byte) error {
	p := filepath.Join(w.dir, filepath.FromSlash(name))
	old, err := os.ReadFile(p)
	switch {
	case err == nil && bytes.Equal(old, data):
		return nil
	case err == nil:
		return tampered("%s already exported with other content: the log was rewritten since that export", name)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("audit: export: %w", err)
	}
	w.written++
	return writeFileAtomic(p, data)
}

// writeFileAtomic writes data to p through a temporary file and a rename.
func writeFileAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+path.Base(filepath.ToSlash(p))+".tmp*")
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}

// ExportOptions configures ExportTiles. A nil *ExportOptions means the
// defaults.
type ExportOptions struct {
	// Verifier is the note verifier key the log's checkpoints must verify
	// with; empty means the one stored with the log's signing key.
	Verifier string
	// Progress, if set, is called as for Verify.
	Progress func(VerifyProgress)
}

// ExportReport says what ExportTiles wrote.
type ExportReport struct {
	// Checkpoint is the exported checkpoint.
	Checkpoint Checkpoint
	// Files counts the tiles and bundles written; those already present
	// with the same content are not counted.
	Files int
}

// ExportTiles writes the log held by s into dir in the C2SP tlog-tiles
// layout (checkpoint, tile/<L>/<N>, tile/entries/<N>, partial tiles as
// .p/<W>), for auditors and stock transparency-log tools. It verifies the
// log as it goes (see Verify) and writes the checkpoint last, so a failed
// export leaves no checkpoint naming unwritten tiles. Exporting again into
// the same directory adds what is new; if the log no longer contains what
// the earlier export holds (its checkpoint, its tiles), the export fails
// with an error wrapping ErrTampered.
//
// ExportTiles records no audit event: hosts export through Log.Export,
// which does.
func ExportTiles(ctx context.Context, s Store, dir string, opt *ExportOptions) (ExportReport, error) {
	if opt == nil {
		opt = &ExportOptions{}
	}
	vkey := opt.Verifier
	if vkey == "" {
		k, err := s.SigningKey(ctx)
		if err != nil {
			return ExportReport{}, fmt.Errorf("audit: read signing key: %w", err)
		}
		vkey = k.Verifier
	}
	if strings.TrimSpace(dir) == "" {
		return ExportReport{}, fmt.Errorf("%w: no export directory", ErrConfig)
	}
	// The export being extended must be a prefix of the log: its
	// checkpoint is one more the log is checked against.
	var earlier [][]byte
	if b, err := os.ReadFile(filepath.Join(dir, "checkpoint")); err == nil {
		if _, err := OpenCheckpoint(b, vkey); err != nil {
			return ExportReport{}, fmt.Errorf("%w: %s holds an export that does not verify with this log's key", ErrConfig, "the directory")
		}
		earlier = append(earlier, b)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return ExportReport{}, fmt.Errorf("audit: export: %w", err)
	}
	w := &tileWriter{dir: dir}
	rep, err := verify(ctx, StoreSource(s), VerifyOptions{Verifier: vkey, Checkpoints: earlier, Progress: opt.Progress}, w)
	if err != nil {
		return ExportReport{}, err
	}
	return ExportReport{Checkpoint: rep.Checkpoint, Files: w.written}, nil
}
