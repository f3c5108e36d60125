package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/note"
)

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Verifier is the note verifier key of the log, as the auditor holds
	// it. Required.
	Verifier string
	// Checkpoints are signed checkpoints of this log saved earlier (by an
	// auditor, a monitor, a witness). The log must still contain exactly
	// the entries each commits to: this catches a log truncated, rolled back
	// or forked since.
	Checkpoints [][]byte
	// Resume, if set, is a signed checkpoint up to which this log was
	// already verified: entries before its size are not recomputed, and the
	// stored tree at its size must match it. Database sources only.
	Resume []byte
	// Progress, if set, is called every ProgressEvery entries and at the
	// end.
	Progress func(VerifyProgress)
	// ProgressEvery is how many entries pass between Progress calls; 0
	// means 65,536.
	ProgressEvery uint64
}

// VerifyProgress reports how far a verification has come.
type VerifyProgress struct {
	// Done is the number of entries verified so far, Total the number to
	// verify; Next is the index of the next entry.
	Done, Total, Next uint64
}

// Report describes a successful verification.
type Report struct {
	// Checkpoint is the log's latest signed checkpoint, verified.
	Checkpoint Checkpoint
	// From is the first entry recomputed (non-zero when resumed) and
	// Entries the number verified.
	From, Entries uint64
	// Checkpoints counts the signed checkpoints the log was checked
	// against: the latest, those given, and those kept in the log's
	// history.
	Checkpoints int
}

// Verify checks a whole log against its verifier key and returns what it
// verified. It reads the entries in order, in pages (memory stays bounded
// whatever the log's size), and:
//
//   - checks that every checkpoint — the latest, those in
//     opt.Checkpoints, and those in the log's history — is signed by the
//     log's key and names the log;
//   - decodes every entry and checks that it records its own position;
//   - recomputes the RFC 6962 tree from the entries and compares every
//     leaf and node hash the source holds (stored hashes, or tiles);
//   - compares the recomputed root with each checkpoint at its size, so
//     that a log rewritten, rolled back, truncated or forked since any of
//     them was signed fails.
//
// The first problem found is returned as a *TamperError wrapping
// ErrTampered, naming the first bad index when the problem lies at an
// entry: the first entry that neither its stored hashes nor a matching
// signed checkpoint vouch for. It is the edited entry itself when the
// evidence pins it — the entry no longer matches its stored leaf hash, or
// a checkpoint is held at every size around it; otherwise (its leaf hash
// rewritten too, or every stored hash) the reason gives the range of
// entries the evidence cannot tell apart, up to the first hash or
// checkpoint that differs. Other errors (an unreadable source, a bad verifier key wrapping
// ErrConfig) say that the log could not be verified.
func Verify(ctx context.Context, src *Source, opt VerifyOptions) (Report, error) {
	return verify(ctx, src, opt, nil)
}

// expectation is a checkpoint the recomputed tree must match at its size.
type expectation struct {
	cp    Checkpoint
	label string
	// given marks a checkpoint the caller saved, as opposed to one the
	// log holds (its latest and its history). A fork is located between
	// checkpoints of the same kind: the log's own checkpoints only show
	// that the log agrees with itself.
	given bool
}

// expectations yields checkpoints in ascending order of size, merging the
// given ones with the source's history, paged.
type expectations struct {
	ctx     context.Context
	src     source
	v       note.Verifier
	given   []expectation
	page    []SavedCheckpoint
	from    uint64
	done    bool
	checked int
}

const historyPage = 256

// peek returns the smallest size left.
func (x *expectations) peek() (uint64, bool, error) {
	if len(x.page) == 0 && !x.done {
		page, err := x.src.history(x.ctx, x.from, historyPage)
		if err != nil {
			return 0, false, err
		}
		x.page, x.done = page, len(page) < historyPage
		if len(page) > 0 {
			x.from = page[len(page)-1].Size + 1
		}
	}
	size, ok := uint64(0), false
	if len(x.page) > 0 {
		size, ok = x.page[0].Size, true
	}
	if len(x.given) > 0 && (!ok || x.given[0].cp.Size < size) {
		size, ok = x.given[0].cp.Size, true
	}
	return size, ok, nil
}

// pop removes and returns every checkpoint of the given size, verified.
func (x *expectations) pop(size uint64) ([]expectation, error) {
	var out []expectation
	for len(x.given) > 0 && x.given[0].cp.Size == size {
		out, x.given = append(out, x.given[0]), x.given[1:]
	}
	for len(x.page) > 0 && x.page[0].Size == size {
		sc := x.page[0]
		x.page = x.page[1:]
		cp, err := openCheckpoint(sc.Checkpoint, x.v)
		if err != nil {
			return nil, relabel(err, fmt.Sprintf("checkpoint of size %d kept in the log's history", sc.Size))
		}
		if cp.Size != sc.Size {
			return nil, tampered("checkpoint kept in the log's history under size %d is of size %d", sc.Size, cp.Size)
		}
		out = append(out, expectation{cp: cp, label: "the checkpoint kept in the log's history"})
	}
	x.checked += len(out)
	return out, nil
}

// relabel says which checkpoint failed to open.
func relabel(err error, what string) error {
	var te *TamperError
	if errors.As(err, &te) {
		return tampered("%s: %s", what, te.Reason)
	}
	if errors.Is(err, ErrMalformed) {
		return tampered("%s: malformed", what)
	}
	return err
}

// leafSink receives each verified leaf; ExportTiles writes tiles with it.
type leafSink interface {
	leaf(l Leaf, computed []byte) error
	finish(size uint64, signed []byte) error
}

func verify(ctx context.Context, src *Source, opt VerifyOptions, sink leafSink) (Report, error) {
	if src == nil || src.src == nil {
		return Report{}, fmt.Errorf("%w: no source", ErrConfig)
	}
	v, err := note.NewVerifier(opt.Verifier)
	if err != nil {
		return Report{}, fmt.Errorf("%w: the verifier key does not parse", ErrConfig)
	}
	every := opt.ProgressEvery
	if every == 0 {
		every = 1 << 16
	}
	s := src.src
	signed, size, err := s.head(ctx)
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			return Report{}, relabel(err, "the latest checkpoint")
		}
		return Report{}, err
	}
	if len(signed) == 0 {
		return Report{}, tampered("the log has no signed checkpoint")
	}
	latest, err := openCheckpoint(signed, v)
	if err != nil {
		return Report{}, relabel(err, "the latest checkpoint")
	}
	if latest.Size != size {
		return Report{}, tampered("the head holds %d entries but its checkpoint is of size %d", size, latest.Size)
	}
	x := &expectations{ctx: ctx, src: s, v: v, given: []expectation{{cp: latest, label: "the latest checkpoint"}}}
	for i, b := range opt.Checkpoints {
		cp, err := openCheckpoint(b, v)
		if err != nil {
			return Report{}, relabel(err, fmt.Sprintf("saved checkpoint #%d", i+1))
		}
		x.given = append(x.given, expectation{cp: cp, label: fmt.Sprintf("saved checkpoint #%d", i+1), given: true})
	}
	slices.SortStableFunc(x.given, func(a, b expectation) int { return cmpUint(a.cp.Size, b.cp.Size) })

	rep := Report{Checkpoint: latest}
	rng := factory.NewEmptyRange(0)
	if opt.Resume != nil {
		cp, err := openCheckpoint(opt.Resume, v)
		if err != nil {
			return Report{}, relabel(err, "the resume checkpoint")
		}
		if cp.Size > size {
			return Report{}, tamperAt(size, "log truncated: it holds %d entries, the resume checkpoint %d", size, cp.Size)
		}
		if rng, err = s.rangeAt(ctx, cp.Size); err != nil {
			return Report{}, err
		}
		if !bytes.Equal(rootOf(rng), cp.Root) {
			return Report{}, tampered("the stored tree at the resume point (size %d) differs from the resume checkpoint", cp.Size)
		}
		rep.From = cp.Size
		// Checkpoints below the resume point were checked by the run that
		// verified it.
		for {
			n, ok, err := x.peek()
			if err != nil {
				return Report{}, err
			}
			if !ok || n >= cp.Size {
				break
			}
			if _, err := x.pop(n); err != nil {
				return Report{}, err
			}
		}
	}
	// Below goodGiven the log matches the caller's checkpoints; below
	// goodLog, its own.
	goodGiven, goodLog := rep.From, rep.From
	match := func() error {
		for {
			n, ok, err := x.peek()
			if err != nil || !ok || n != rng.End() {
				return err
			}
			due, err := x.pop(n)
			if err != nil {
				return err
			}
			root := rootOf(rng)
			for _, e := range due {
				if bytes.Equal(e.cp.Root, root) {
					continue
				}
				// The caller's checkpoints vouch for the entries below
				// them against the log's own too; the log's own cannot
				// vouch against the caller's (whoever holds the key can
				// re-sign a forked history).
				good := max(goodLog, goodGiven)
				if e.given {
					good = goodGiven
				}
				for _, o := range due {
					if !bytes.Equal(o.cp.Root, e.cp.Root) && bytes.Equal(o.cp.Root, root) {
						return forkAt(good, n, fmt.Sprintf("%s and %s are two different checkpoints of size %d: the log forked", e.label, o.label, n))
					}
				}
				return forkAt(good, n, fmt.Sprintf("the log differs from %s (size %d): rewritten or forked", e.label, n))
			}
			for _, e := range due {
				if e.given {
					goodGiven = n
				} else {
					goodLog = n
				}
			}
		}
	}
	if err := match(); err != nil {
		return Report{}, err
	}
	next := rep.From
	report := func() {
		if opt.Progress != nil {
			opt.Progress(VerifyProgress{Done: next - rep.From, Total: size - rep.From, Next: next})
		}
	}
	err = s.leaves(ctx, rep.From, size, func(l Leaf) error {
		if l.Index != next {
			if l.Index > next {
				return tamperAt(next, "entry missing (deleted, or the log reordered)")
			}
			return tamperAt(l.Index, "entry stored twice or out of order")
		}
		e, err := ParseEntry(l.Entry)
		if err != nil {
			return tamperAt(next, "entry does not decode")
		}
		if e.Index != next {
			return tamperAt(next, "entry records index %d: moved from another position", e.Index)
		}
		computed, err := appendLeaf(rng, l.Entry)
		if err != nil {
			return fmt.Errorf("audit: recompute tree: %w", err)
		}
		problem, level, err := s.check(ctx, l, computed)
		if err != nil {
			return err
		}
		if problem != "" {
			return changedUnder(next, level, max(goodLog, goodGiven), problem)
		}
		if sink != nil {
			if err := sink.leaf(l, computed); err != nil {
				return err
			}
		}
		next++
		if err := match(); err != nil {
			return err
		}
		if (next-rep.From)%every == 0 {
			report()
		}
		return ctx.Err()
	})
	if err != nil {
		return Report{}, err
	}
	if next < size {
		return Report{}, tamperAt(next, "entry missing: the log holds fewer entries than its head says")
	}
	if more, err := s.extra(ctx, size); err != nil {
		return Report{}, err
	} else if more {
		return Report{}, tamperAt(size, "entries beyond the signed head")
	}
	// Checkpoints left are larger than the log.
	if n, ok, err := x.peek(); err != nil {
		return Report{}, err
	} else if ok {
		due, err := x.pop(n)
		if err != nil {
			return Report{}, err
		}
		return Report{}, tamperAt(size, "log truncated or rolled back: it holds %d entries, %s has %d", size, due[0].label, n)
	}
	if (next-rep.From)%every != 0 || next == rep.From {
		report()
	}
	if sink != nil {
		if err := sink.finish(size, signed); err != nil {
			return Report{}, err
		}
	}
	rep.Entries = next - rep.From
	rep.Checkpoints = x.checked
	return rep, nil
}

// changedUnder reports a stored hash that differs from the recomputed tree
// at the node of the given level that leaf index completes. Its leaf hash
// matched (at level > 0), so the change lies among the entries the node
// covers: an entry edited with its own leaf hash recomputed is found only
// at its parent's hash, and nothing tells it from its siblings. The error
// names the first entry the evidence does not vouch for — the node's first
// leaf, or the size of the last matching checkpoint when that is higher —
// and says the range. It is exact when the range holds one entry.
func changedUnder(index uint64, level int, good uint64, problem string) *TamperError {
	if level == 0 {
		return tamperAt(index, "%s", problem)
	}
	first := max(index+1-uint64(1)<<level, good)
	if first == index {
		return tamperAt(index, "%s", problem)
	}
	return tamperAt(first, "%s: an entry between %d and %d was changed with its stored leaf hash rewritten, or the stored hash over them (the stored hashes cannot tell which)", problem, first, index)
}

// forkAt reports a tree that differs from a checkpoint of size n while
// every checkpoint up to size good matched: the first changed entry lies in
// [good, n).
func forkAt(good, n uint64, why string) *TamperError {
	if n-good == 1 {
		return tamperAt(good, "%s", why)
	}
	return tamperAt(good, "%s; the first changed entry is between %d and %d (save checkpoints more often to narrow it)", why, good, n-1)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
