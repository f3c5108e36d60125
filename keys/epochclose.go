package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/custos-go/custos"
)

// EpochReport reports what closing epochs did.
type EpochReport struct {
	// Closed counts the epochs closed: their keys destroyed.
	Closed int
	// Rewrapped counts the surviving DEKs moved to new epoch keys.
	Rewrapped int64
	// Destroyed lists the Source names of the keys destroyed, in order.
	Destroyed []string
}

func (p *EpochReport) add(q EpochReport) {
	p.Closed += q.Closed
	p.Rewrapped += q.Rewrapped
	p.Destroyed = append(p.Destroyed, q.Destroyed...)
}

// CloseDueEpochs closes every epoch that is due (dirty for EpochConfig.Period
// or longer) and finishes every close that was interrupted. Run it at least
// every EpochConfig.CheckEvery (RunEpochs does) so that certificates'
// deadlines hold. It is safe to run from several processes at once and to
// run again after a failure: an interrupted close resumes where it stopped
// and ends in the state an uninterrupted one reaches.
func (r *Keyring) CloseDueEpochs(ctx context.Context) (EpochReport, error) {
	return r.CloseDueEpochsWith(ctx, nil)
}

// CloseDueEpochsWith is CloseDueEpochs, calling progress (if not nil) with
// the report so far after each group it closes or finds closed, for an
// operator's progress display.
func (r *Keyring) CloseDueEpochsWith(ctx context.Context, progress func(EpochReport)) (EpochReport, error) {
	var rep EpochReport
	if r.epochs == nil {
		return rep, fmt.Errorf("%w: no EpochConfig", ErrConfig)
	}
	before := r.now().Add(-r.epochs.cfg.Period)
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		due, err := r.store.DueGroups(ctx, before, after, 64)
		if err != nil {
			return rep, fmt.Errorf("keys: list due epochs: %w", err)
		}
		for _, g := range due {
			one, err := r.closeGroup(ctx, g.ID, false)
			rep.add(one)
			if err != nil {
				return rep, err
			}
			if progress != nil {
				progress(rep)
			}
			after = g.ID
		}
		if len(due) < 64 {
			return rep, nil
		}
	}
}

// CloseEpoch closes the group's current epoch now, dirty or not, or
// finishes its close if one is under way: the group's DEKs are rewrapped
// under a new epoch key and the old key is destroyed. A host uses it to
// complete an erasure ahead of its deadline. It returns ErrNotFound for a
// group that holds no DEK yet and ErrConfig for a group number outside
// 1..Groups; nothing changes then.
func (r *Keyring) CloseEpoch(ctx context.Context, group int64) (EpochReport, error) {
	if r.epochs == nil {
		return EpochReport{}, fmt.Errorf("%w: no EpochConfig", ErrConfig)
	}
	if group < 1 || group > int64(r.epochs.cfg.Groups) {
		return EpochReport{}, fmt.Errorf("%w: group %d is outside 1..%d", ErrConfig, group, r.epochs.cfg.Groups)
	}
	return r.closeGroup(ctx, group, true)
}

// closeGroup runs or resumes the close of a group's epoch. Its steps, each
// idempotent: (1) create the next epoch key in the Source; (2) make it the
// group's current key and the old one retiring, in one conditional update
// (from then on the store refuses DEKs written under the old key); (3)
// rewrap every DEK of the group not under the current key; (4) destroy the
// retiring key; (5) clear Retiring. A rerun after a failure at any step
// finds the group's state and continues from there.
func (r *Keyring) closeGroup(ctx context.Context, id int64, force bool) (EpochReport, error) {
	var rep EpochReport
	cfg := r.epochs.cfg
	g, err := r.store.GetGroup(ctx, id)
	if err != nil {
		return rep, fmt.Errorf("keys: read group: %w", err)
	}
	for attempt := 0; g.Retiring == ""; attempt++ {
		if !force && g.DirtySince.IsZero() {
			return rep, nil // closed by another process meanwhile
		}
		if attempt == 16 {
			return rep, fmt.Errorf("keys: open next epoch: %w", ErrConflict)
		}
		next := cfg.keyName(id, g.Epoch+1)
		if err := cfg.Source.Create(ctx, next); err != nil {
			return rep, fmt.Errorf("keys: create epoch key: %w", err)
		}
		n := g
		n.Epoch, n.Key, n.Retiring, n.DirtySince, n.Opened, n.Version = g.Epoch+1, next, g.Key, time.Time{}, r.now(), g.Version+1
		err := r.store.UpdateGroup(ctx, n)
		if err == nil {
			g = n
			break
		}
		if !errors.Is(err, ErrConflict) {
			return rep, fmt.Errorf("keys: open next epoch: %w", err)
		}
		// An erasure marked the epoch dirty, or another closer moved on.
		if g, err = r.store.GetGroup(ctx, id); err != nil {
			return rep, fmt.Errorf("keys: read group: %w", err)
		}
		force = false // someone else may have closed it: then nothing is due
	}
	r.cacheGroup(g)
	moved, err := r.moveGroup(ctx, g)
	rep.Rewrapped = moved
	if err != nil {
		return rep, err
	}
	retiring := g.Retiring
	if err := cfg.Source.Destroy(ctx, retiring); err != nil {
		return rep, fmt.Errorf("keys: destroy epoch key: %w", err)
	}
	r.dropAEAD(retiring)
	for range 16 {
		n := g
		n.Retiring, n.Closed, n.Version = "", r.now(), g.Version+1
		err := r.store.UpdateGroup(ctx, n)
		if err == nil {
			r.cacheGroup(n)
			rep.Closed, rep.Destroyed = 1, []string{retiring}
			r.log.Info("keys: erasure epoch closed", slog.Int64("group", id), slog.Int64("epoch", n.Epoch-1), slog.Int64("rewrapped", moved))
			r.scrub(ctx)
			return rep, nil
		}
		if !errors.Is(err, ErrConflict) {
			return rep, fmt.Errorf("keys: finish epoch close: %w", err)
		}
		if g, err = r.store.GetGroup(ctx, id); err != nil {
			return rep, fmt.Errorf("keys: read group: %w", err)
		}
		if g.Retiring != retiring {
			return rep, nil // another closer finished it
		}
	}
	return rep, fmt.Errorf("keys: finish epoch close: %w", ErrConflict)
}

// moveGroup rewraps every DEK of the group not under its current key, with
// keys' online rewrap, and returns how many it moved.
func (r *Keyring) moveGroup(ctx context.Context, g Group) (int64, error) {
	const batch, workers = 256, 8
	var after custos.SubjectID
	var moved int64
	for {
		if err := ctx.Err(); err != nil {
			return moved, err
		}
		page, err := r.store.ScanGroupDEKs(ctx, g.ID, after, batch)
		if err != nil {
			return moved, fmt.Errorf("keys: scan group: %w", err)
		}
		n, err := r.rewrapBatch(ctx, page, workers)
		moved += n
		if err != nil {
			return moved, err
		}
		if len(page) < batch {
			return moved, nil
		}
		after = page[len(page)-1].Subject
	}
}

// RunEpochs calls CloseDueEpochs at each tick until ctx ends, and passes
// each result to report (if not nil); it returns ctx's error. With a nil
// ticks it ticks every EpochConfig.CheckEvery. A host runs it in a
// goroutine of every process, or of one; several at once are safe.
func (r *Keyring) RunEpochs(ctx context.Context, ticks <-chan time.Time, report func(EpochReport, error)) error {
	if r.epochs == nil {
		return fmt.Errorf("%w: no EpochConfig", ErrConfig)
	}
	if ticks == nil {
		t := time.NewTicker(r.epochs.cfg.CheckEvery)
		defer t.Stop()
		ticks = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticks:
			rep, err := r.CloseDueEpochs(ctx)
			if report != nil {
				report(rep, err)
			}
		}
	}
}
