package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// Item is one customer's record in a PutBatch.
type Item struct {
	Subject custos.SubjectID
	Values  Values
}

// MaxBatch is the most items one PutBatch takes.
const MaxBatch = 10000

// PutBatch stores records of one type for many customers, each as Put would
// store it, in few store transactions: for loading an existing customer
// base, or importing one (transfer). Batches of a few hundred to a few
// thousand items load fastest; MaxBatch is the limit.
//
// Guarantees:
//   - All or nothing: every record of the batch is stored, or none is. A
//     batch that fails at any step, including a store failure or a crash,
//     leaves no record, subject entry or index entry of it; running the
//     same batch again completes it, without duplicates (a Put replaces).
//     The only thing a failed batch may leave is the DEKs it created for
//     new customers, which hold no data and are used by the rerun.
//   - Audited per customer, fail closed: each item has its own audit event
//     (action put), all of them durable before any record commits. If the
//     write then fails, each gets a second event saying so (Outcome error,
//     Reason "not-committed"), best effort.
//   - Bad input changes nothing and is named by position, never by value:
//     the error is a *custos.ItemError whose Index is the item's position
//     and which wraps the error Put would return for it (ErrForgotten for
//     a forgotten customer, ErrRestricted, ErrDenied, kind.ErrInvalid,
//     ErrMissingField, ...), or ErrBatch for a customer given twice. An
//     empty batch does nothing; one over MaxBatch fails with ErrBatch.
//
// A refused or forgotten item's event is recorded, as Put records it; no
// event is recorded for the others then.
//
// Batches of different customers may run concurrently. Unlike Put,
// PutBatch takes no per-customer lock of the Vault (a batch names most
// of them): a concurrent write to a customer of the batch is ordered by
// the store, the later one replacing the record.
func (v *Vault) PutBatch(ctx context.Context, acc custos.Access, recordType string, items []Item) error {
	switch {
	case len(items) == 0:
		return nil
	case len(items) > MaxBatch:
		return fmt.Errorf("%w: %d items, over MaxBatch (%d)", ErrBatch, len(items), MaxBatch)
	}
	b := batch{subjects: make([]custos.SubjectID, len(items)), names: make([][]string, len(items)), values: make([]map[string]string, len(items))}
	seen := make(map[custos.SubjectID]bool, len(items))
	for i, it := range items {
		t, names, canonical, err := v.prepareWrite(acc, it.Subject, recordType, it.Values)
		if err == nil {
			err = t.checkRequired(canonical)
		}
		if err == nil && seen[it.Subject] {
			err = fmt.Errorf("%w: customer given twice", ErrBatch)
		}
		if err != nil {
			return &custos.ItemError{Index: i, Err: err}
		}
		seen[it.Subject] = true
		b.t, b.subjects[i], b.names[i], b.values[i] = t, it.Subject, names, canonical
	}
	b.events = make([]custos.Event, len(items))
	for i, s := range b.subjects {
		ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionPut, Subject: s, RecordType: recordType, Fields: b.names[i]})
		if err != nil {
			return &custos.ItemError{Index: i, Err: err}
		}
		b.events[i] = ev
	}
	if i, err := v.checkBatch(ctx, acc, b.subjects); err != nil {
		if i < 0 {
			return err
		}
		return &custos.ItemError{Index: i, Err: v.event(ctx, b.events[i], err)}
	}
	if err := v.events(ctx, b.events); err != nil {
		return err
	}
	if err := v.writeBatch(ctx, &b); err != nil {
		v.notCommittedAll(ctx, b.events, "not-committed")
		return err
	}
	return nil
}

// batch is a PutBatch's validated items.
type batch struct {
	t        *recordType
	subjects []custos.SubjectID
	names    [][]string
	values   []map[string]string
	events   []custos.Event
}

// checkRequired fails for a record without a field its type requires.
func (t *recordType) checkRequired(canonical map[string]string) error {
	for _, n := range t.order {
		if _, given := canonical[n]; t.fields[n].Required && !given {
			return fmt.Errorf("%w: %s.%s is required", ErrMissingField, t.name, n)
		}
	}
	return nil
}

// checkBatch refuses a batch with a forgotten or (for this purpose)
// restricted customer, returning its position, or -1 with an error of the
// store.
func (v *Vault) checkBatch(ctx context.Context, acc custos.Access, subjects []custos.SubjectID) (int, error) {
	refs := make([][]byte, len(subjects))
	for i, s := range subjects {
		refs[i] = v.keys.Reference(s)
	}
	found, err := v.store.LookupSubjects(ctx, subjects, refs)
	if err != nil {
		return -1, fmt.Errorf("vault: read subjects: %w", err)
	}
	if len(found) != len(subjects) {
		return -1, fmt.Errorf("vault: read subjects: the store answered %d of %d", len(found), len(subjects))
	}
	var fresh []int
	for i, l := range found {
		switch {
		case l.Forgotten:
			return i, ErrForgotten
		case !l.Found:
			fresh = append(fresh, i)
		default:
			if err := v.checkRestriction(l.Subject.Restriction, acc.Purpose); err != nil {
				return i, err
			}
		}
	}
	if len(fresh) == 0 {
		return -1, nil
	}
	news := make([]custos.SubjectID, len(fresh))
	for j, i := range fresh {
		news[j] = subjects[i]
	}
	gone, err := v.keys.ShreddedAmong(ctx, news)
	if err != nil {
		return -1, fmt.Errorf("vault: %w", err)
	}
	if j := slices.Index(gone, true); j >= 0 {
		return fresh[j], ErrForgotten
	}
	return -1, nil
}

// writeBatch creates the missing keys, then encrypts, indexes and stores
// every record in one store call.
func (v *Vault) writeBatch(ctx context.Context, b *batch) error {
	aeads, err := v.keys.ForWriteBatch(ctx, b.subjects)
	if err != nil {
		if ie, ok := errors.AsType[*custos.ItemError](err); ok {
			return &custos.ItemError{Index: ie.Index, Err: keyErr(ie.Err)}
		}
		return keyErr(err)
	}
	now := v.now()
	var live []indexKey
	if len(b.t.indexes) > 0 {
		// Read once per batch: every record of it is indexed under the
		// same live keys.
		if live, err = v.ikeys.forWrite(ctx, now); err != nil {
			return err
		}
	}
	ws := make([]Write, len(b.subjects))
	for i, s := range b.subjects {
		env, err := seal(aeads[i], b.t.name, s, b.names[i], b.values[i])
		if err != nil {
			return err
		}
		ws[i] = Write{Subject: s, Ref: v.keys.Reference(s), Type: b.t.name, Envelope: encodeEnvelope(env), Expect: ExpectAny, Time: now}
		if live != nil {
			if ws[i].ReplaceIndexes, ws[i].Index, err = v.indexEntries(live, aeads[i], s, b.t, b.values[i]); err != nil {
				return fmt.Errorf("vault: index: %w", err)
			}
		}
	}
	if err := v.store.PutRecords(ctx, ws); err != nil {
		if _, ok := errors.AsType[*custos.ItemError](err); ok {
			return err
		}
		return fmt.Errorf("vault: store records: %w", err)
	}
	return nil
}

// events records the allowed events of a batch's items durably, all at
// once when the Recorder is a custos.BatchRecorder. If any is not
// recorded, it returns an error wrapping ErrAudit, and those that were
// get a second event saying that nothing was committed.
func (v *Vault) events(ctx context.Context, evs []custos.Event) error {
	now := v.now()
	for i := range evs {
		evs[i].Time, evs[i].Outcome, evs[i].Reason = now, custos.OutcomeAllowed, ""
		evs[i].Fields = slices.Clip(evs[i].Fields)
	}
	if br, ok := v.rec.(custos.BatchRecorder); ok {
		if err := br.RecordBatch(ctx, evs); err != nil {
			v.log.Error("vault: audit events of a batch not recorded; the batch failed closed")
			return fmt.Errorf("%w: %w", ErrAudit, err)
		}
		return nil
	}
	for i, ev := range evs {
		if err := v.rec.Record(ctx, ev); err != nil {
			v.log.Error("vault: audit events of a batch not recorded; the batch failed closed")
			v.notCommittedAll(ctx, evs[:i], "not-committed")
			return fmt.Errorf("%w: %w", ErrAudit, err)
		}
	}
	return nil
}

// notCommittedAll records, best effort, that the changes evs announced did
// not commit.
func (v *Vault) notCommittedAll(ctx context.Context, evs []custos.Event, reason string) {
	if len(evs) == 0 {
		return
	}
	out := make([]custos.Event, len(evs))
	now := v.now()
	for i, ev := range evs {
		ev.Time, ev.Outcome, ev.Basis, ev.Reason = now, custos.OutcomeError, custos.BasisUnknown, reason
		out[i] = ev
	}
	if br, ok := v.rec.(custos.BatchRecorder); ok {
		if err := br.RecordBatch(ctx, out); err != nil {
			v.log.Error("vault: audit events of a failed batch not recorded", "events", len(out))
		}
		return
	}
	for _, ev := range out {
		if err := v.rec.Record(ctx, ev); err != nil {
			v.log.Error("vault: audit events of a failed batch not recorded", "events", len(out))
			return
		}
	}
}
