package vault

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/custos-go/custos"
)

// Update changes the given fields of an existing record and keeps the
// others, encrypting the new values under the customer's current primary
// key. It fails like Put, and with ErrNotFound or ErrForgotten when there is
// no record to update. Concurrent updates of one record are applied one
// after the other; Update retries internally when another vault instance
// writes the same record meanwhile, and returns ErrConflict if it keeps
// losing.
func (v *Vault) Update(ctx context.Context, acc custos.Access, subject custos.SubjectID, recordType string, values Values) error {
	t, names, canonical, err := v.prepareWrite(acc, subject, recordType, values)
	if err != nil {
		return err
	}
	ev, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionUpdate, Subject: subject, RecordType: recordType, Fields: names})
	if err != nil {
		return err
	}
	defer v.lock(subject)()
	return v.change(ctx, &ev, func() (func() error, error) {
		w, err := v.prepareUpdate(ctx, acc, subject, t, names, canonical)
		if err != nil {
			return nil, err
		}
		return func() error { return v.putRecord(ctx, w) }, nil
	})
}

// prepareUpdate reads the record as it is now, checks the customer's state
// and builds the write that changes the given fields, with the record's
// index entries recomputed.
func (v *Vault) prepareUpdate(ctx context.Context, acc custos.Access, subject custos.SubjectID, t *recordType, names []string, canonical map[string]string) (Write, error) {
	s, err := v.store.GetRecord(ctx, subject, t.name)
	if errors.Is(err, ErrNotFound) {
		return Write{}, v.notFound(ctx, subject)
	}
	if err != nil {
		return Write{}, fmt.Errorf("vault: read record: %w", err)
	}
	if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
		return Write{}, err
	}
	old, err := decodeEnvelope(s.Envelope)
	if err != nil {
		return Write{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	a, err := v.keys.ForWrite(ctx, subject)
	if err != nil {
		return Write{}, keyErr(err)
	}
	changed, err := seal(a, t.name, subject, names, canonical)
	if err != nil {
		return Write{}, err
	}
	w := Write{
		Subject: subject, Ref: v.keys.Reference(subject), Type: t.name,
		Envelope: encodeEnvelope(merge(old, changed)), Expect: s.Version, Time: v.now(),
	}
	if len(t.indexes) > 0 {
		all, err := v.indexedValues(ctx, subject, t, s.Envelope, canonical)
		if err != nil {
			return Write{}, err
		}
		if w.ReplaceIndexes, w.Index, err = v.index(ctx, a, subject, t, all); err != nil {
			return Write{}, err
		}
	}
	return w, nil
}

// merge returns old with the fields of changed replaced or added, sorted.
func merge(old, changed envelope) envelope {
	out := make(envelope, 0, len(old)+len(changed))
	for _, f := range old {
		if _, ok := changed.get(f.name); !ok {
			out = append(out, f)
		}
	}
	out = append(out, changed...)
	slices.SortFunc(out, func(a, b sealedField) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return out
}

// indexedValues returns the canonical values of every indexed field of a
// record after an update: the new values given, the others decrypted from
// the stored envelope.
func (v *Vault) indexedValues(ctx context.Context, subject custos.SubjectID, t *recordType, env []byte, given map[string]string) (map[string]string, error) {
	all := maps.Clone(given)
	var need []string
	for _, ix := range t.indexes {
		for _, f := range ix.fields {
			if _, ok := all[f]; !ok && !slices.Contains(need, f) {
				need = append(need, f)
			}
		}
	}
	if len(need) == 0 {
		return all, nil
	}
	slices.Sort(need)
	err := v.open(ctx, subject, t, env, need, func(i int, c string) error {
		all[need[i]] = c
		return nil
	})
	return all, err
}
