package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
)

// PlanShred tells what ShredAt(ctx, subject, at) would report if nothing
// changed meanwhile, changing nothing: the erasure epoch whose close
// completes the erasure, its deadline and the method. The vault's Forget
// records a certificate from it before it changes anything, then shreds
// with ShredAt at the same time; if an epoch closed in between, the
// shred's report differs and Forget records the corrected certificate.
func (r *Keyring) PlanShred(ctx context.Context, subject custos.SubjectID, at time.Time) (Shredded, error) {
	at = at.UTC().Truncate(time.Microsecond)
	out := Shredded{ShredEntry: ShredEntry{Ref: r.Reference(subject), At: at}}
	var group int64
	switch w, err := r.store.GetDEK(ctx, subject); {
	case err == nil:
		group, out.KEKWrapped = w.Group, w.Group == 0
	case errors.Is(err, ErrNotFound):
		if r.epochs != nil {
			group = r.epochs.groupOf(out.Ref)
		} else {
			out.KEKWrapped = true
		}
	default:
		return Shredded{}, fmt.Errorf("keys: read DEK: %w", err)
	}
	if group != 0 && r.epochs != nil {
		switch g, err := r.store.GetGroup(ctx, group); {
		case err == nil:
			dirty := g.DirtySince
			if dirty.IsZero() {
				dirty = at
			}
			out.Group, out.Epoch, out.CompleteBy = g.ID, g.Epoch, r.epochs.cfg.deadline(dirty)
		case !errors.Is(err, ErrNotFound): // a group never created held no DEK
			return Shredded{}, fmt.Errorf("keys: read group: %w", err)
		}
	}
	if r.epochs != nil && out.Epoch == 0 && !out.KEKWrapped {
		out.CompleteBy = at
	}
	return out, nil
}
