package vault

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/fanout"
	"github.com/custos-go/custos/keys"
)

// MaxForgetBatch is the most customers one ForgetBatch takes.
const MaxForgetBatch = 1000

// ForgetItem is one customer of a ForgetBatch and why they are erased.
type ForgetItem struct {
	Subject custos.SubjectID
	Why     Erasure
}

// Forgotten is one customer's result in a ForgetBatch: what Forget would
// have returned for them.
type Forgotten struct {
	Certificate Certificate
	Err         error
}

// ForgetBatch erases many customers (PIPL Art. 47; GDPR Art. 17), each
// with every guarantee of Forget and in its order, with few store round
// trips for the whole batch: every customer is planned, changing nothing;
// the audit events of all of them, each holding its certificate, are
// recorded at once (one custos.BatchRecorder call when the Recorder is
// one) and are durable before any tombstone is placed; then the
// tombstones are placed, the erasers run, the keys are shredded
// (keys.Keyring.ShredBatch: ledger entries before deletes, one scrub) and
// the records deleted, each step for every customer of the batch at once.
// A certificate is the one Forget would issue: same contents, one per
// customer, corrected by its own event if step 4 found otherwise.
//
// It returns one Forgotten per item, in order, each holding what Forget
// would have returned for that customer (ErrNotFound, ErrRestricted,
// ErrForgotten with the certificate of a finished erasure, ...).
// Customers Forget would not simply plan and fence (an erasure to resume,
// a customer written meanwhile) take Forget's own path, one by one, within
// the batch. If the audit events cannot be recorded, nothing changes and
// every planned customer's result wraps ErrAudit.
//
// A batch interrupted at any point (a store failure, a crash) leaves each
// customer as an interrupted Forget leaves them: unchanged, or fenced, and
// then Forget or ForgetBatch again resumes and returns the same
// certificate; nothing is done twice.
//
// Bad input changes nothing: an invalid access, subject or erasure, a
// customer given twice (ErrBatch) or refused by the authorizer (ErrDenied,
// recorded as Forget records it) fails the whole batch with a
// *custos.ItemError naming the item by position. An empty batch does
// nothing; one over MaxForgetBatch fails with ErrBatch.
func (v *Vault) ForgetBatch(ctx context.Context, acc custos.Access, items []ForgetItem) ([]Forgotten, error) {
	switch {
	case len(items) == 0:
		return nil, nil
	case len(items) > MaxForgetBatch:
		return nil, fmt.Errorf("%w: %d customers, over MaxForgetBatch (%d)", ErrBatch, len(items), MaxForgetBatch)
	}
	seen := make(map[custos.SubjectID]bool, len(items))
	for i, it := range items {
		err := validate(acc, it.Subject)
		if err == nil {
			err = it.Why.Validate()
		}
		if err == nil && seen[it.Subject] {
			err = fmt.Errorf("%w: customer given twice", ErrBatch)
		}
		if err != nil {
			return nil, &custos.ItemError{Index: i, Err: err}
		}
		seen[it.Subject] = true
	}
	b := forgetBatch{items: items, evs: make([]custos.Event, len(items)), plans: make([]*plan, len(items)), out: make([]Forgotten, len(items))}
	for i, it := range items {
		ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionForget, Subject: it.Subject})
		if err != nil {
			return nil, &custos.ItemError{Index: i, Err: err}
		}
		b.evs[i] = ev
	}
	defer v.lockAll(items)()
	v.planBatch(ctx, acc, &b)
	if placed := v.fenceBatch(ctx, &b); len(placed) > 0 {
		v.finishBatch(ctx, acc, &b, placed)
	}
	for _, i := range b.slow {
		b.evs[i].Detail = ""
		b.out[i].Certificate, b.out[i].Err = v.forgetLocked(ctx, b.evs[i], acc, items[i].Subject, items[i].Why)
	}
	return b.out, nil
}

// forgetBatch is a ForgetBatch under way.
type forgetBatch struct {
	items []ForgetItem
	evs   []custos.Event
	plans []*plan // nil for a customer on the one-by-one path
	out   []Forgotten
	slow  []int // items left to Forget's own path, ascending
}

// planBatch plans every customer without a tombstone, changing nothing,
// and leaves the others, and any whose plan fails, to Forget's own path,
// which reads them again and records what it finds.
func (v *Vault) planBatch(ctx context.Context, acc custos.Access, b *forgetBatch) {
	docs := make([]string, len(b.items))
	fanout.Each(len(b.items), 0, func(i int) {
		it := b.items[i]
		ref := v.keys.Reference(it.Subject)
		if _, err := v.store.GetTombstone(ctx, ref); !errors.Is(err, ErrNotFound) {
			return // an erasure to resume, or a failure: Forget's path
		}
		p, err := v.plan(ctx, acc, it.Subject, ref, it.Why)
		if err != nil {
			return
		}
		if docs[i], err = p.cert.detail(); err != nil {
			return
		}
		p.fence.Tombstone.Certificate = []byte(docs[i])
		b.plans[i] = &p
	})
	for i, p := range b.plans {
		if p == nil {
			b.slow = append(b.slow, i)
		} else {
			b.evs[i].Detail = docs[i]
		}
	}
}

// fenceBatch records the planned customers' events, fail closed, then
// places their tombstones, and returns the items fenced. A customer
// written or fenced by another process since the plan goes to Forget's
// own path, its certificate recorded as not issued.
func (v *Vault) fenceBatch(ctx context.Context, b *forgetBatch) []int {
	var planned []int
	for i, p := range b.plans {
		if p != nil {
			planned = append(planned, i)
		}
	}
	if len(planned) == 0 {
		return nil
	}
	evs := make([]custos.Event, len(planned))
	for k, i := range planned {
		evs[k] = b.evs[i]
	}
	if err := v.events(ctx, evs); err != nil {
		for _, i := range planned {
			b.out[i].Err = err // fail closed: nothing changed
		}
		return nil
	}
	for k, i := range planned {
		b.evs[i] = evs[k]
	}
	errs := make([]error, len(planned))
	fanout.Each(len(planned), 0, func(k int) { errs[k] = v.store.PlaceTombstone(ctx, b.plans[planned[k]].fence) })
	var placed []int
	var lost []custos.Event
	for k, i := range planned {
		err := errs[k]
		switch {
		case err == nil:
			placed = append(placed, i)
			continue
		case errors.Is(err, ErrConflict), errors.Is(err, ErrForgotten):
			b.slow = append(b.slow, i) // plan again, as Forget does
		case errors.Is(err, ErrRestricted):
			b.out[i].Err = ErrRestricted // restricted by another process since the plan
		default:
			b.out[i].Err = fmt.Errorf("vault: place tombstone: %w", err)
		}
		lost = append(lost, b.evs[i])
	}
	v.notCommittedAll(ctx, lost, "not-committed")
	slices.Sort(b.slow)
	return placed
}

// finishBatch is Forget's step 4 for the fenced items: erasers, one key
// shred for all, corrected certificates, deletion.
func (v *Vault) finishBatch(ctx context.Context, acc custos.Access, b *forgetBatch, placed []int) {
	certs := make([]Certificate, len(b.items))
	errs := make([]error, len(placed))
	fanout.Each(len(placed), 0, func(k int) {
		i := placed[k]
		certs[i] = b.plans[i].cert
		certs[i].Erased, errs[k] = v.runErasers(ctx, acc, b.items[i].Subject, b.plans[i].cert.Erased)
	})
	var incomplete []custos.Event
	var shred []int
	for k, i := range placed {
		if errs[k] != nil {
			b.out[i].Err = errs[k]
			incomplete = append(incomplete, b.evs[i])
		} else {
			shred = append(shred, i)
		}
	}
	if len(shred) > 0 {
		if err := v.shredBatch(ctx, b, certs, shred); err != nil {
			for _, i := range shred {
				b.out[i].Err = err
				incomplete = append(incomplete, b.evs[i])
			}
			shred = nil
		}
	}
	var del []int
	for _, i := range shred {
		if sameCertificate(certs[i], b.plans[i].cert) {
			del = append(del, i)
			continue
		}
		ev := b.evs[i]
		doc, err := certs[i].detail()
		if err == nil {
			ev.Detail, ev.Reason = doc, "corrected"
			err = v.event(ctx, ev, nil)
		}
		if err != nil {
			b.out[i].Err = err
			continue
		}
		del = append(del, i)
	}
	delErrs := make([]error, len(del))
	fanout.Each(len(del), 0, func(k int) { _, delErrs[k] = v.store.ForgetSubject(ctx, b.plans[del[k]].fence.Tombstone.Ref, v.now()) })
	for k, i := range del {
		if delErrs[k] != nil {
			b.out[i].Err = fmt.Errorf("vault: key destroyed, but deleting records failed (Forget again, or Reapply, removes them): %w", delErrs[k])
			incomplete = append(incomplete, b.evs[i])
			continue
		}
		b.out[i].Certificate = certs[i]
	}
	v.notCommittedAll(ctx, incomplete, "incomplete")
}

// shredBatch crypto-shreds the keys of the items at their planned time
// and writes on each certificate how and by when the erasure reaches
// every copy.
func (v *Vault) shredBatch(ctx context.Context, b *forgetBatch, certs []Certificate, items []int) error {
	reqs := make([]keys.ShredRequest, len(items))
	for k, i := range items {
		reqs[k] = keys.ShredRequest{Subject: b.items[i].Subject, At: b.plans[i].cert.ShreddedAt}
	}
	shredded, err := v.keys.ShredBatch(ctx, reqs)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	for k, i := range items {
		certs[i].setShred(shredded[k])
	}
	return nil
}

// lockAll takes the locks of every item's customer, in a fixed order, and
// returns the function that releases them.
func (v *Vault) lockAll(items []ForgetItem) func() {
	idx := make([]uint64, 0, len(items))
	for _, it := range items {
		idx = append(idx, maphash.String(v.seed, string(it.Subject))%uint64(len(v.stripes)))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		v.stripes[i].Lock()
	}
	return func() {
		for _, i := range idx {
			v.stripes[i].Unlock()
		}
	}
}
