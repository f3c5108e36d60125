package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/tink-crypto/tink-go/v2/prf"

	"github.com/custos-go/custos"
)

// ErrTooSoon reports an index key retirement attempted before every vault
// instance can have learned of the newer key.
var ErrTooSoon = errors.New("vault: too soon after the index key rotation")

// RotateIndexKey starts an online rotation of the blind-index key: it
// creates the next key version and returns it. From then on every write
// indexes under both the old and the new key, and Find looks in both, so
// searches keep working throughout. Then run RebuildIndex to index the
// existing records under the new key, and RetireIndexKey to drop the old
// one.
func (v *Vault) RotateIndexKey(ctx context.Context) (int, error) {
	if v.ikeys == nil {
		return 0, fmt.Errorf("%w: the schema declares no index", ErrConfig)
	}
	live, err := v.ikeys.forWrite(ctx, v.now())
	if err != nil {
		return 0, err
	}
	next := live[len(live)-1].version + 1
	if _, err := v.keys.NamedKeyset(ctx, IndexKeyPrefix+strconv.Itoa(next), prf.HMACSHA256PRFKeyTemplate()); err != nil {
		return 0, fmt.Errorf("vault: create index key: %w", err)
	}
	v.ikeys.forget(0)
	return next, nil
}

// RebuildOptions controls RebuildIndex.
type RebuildOptions struct {
	// Type and After resume an interrupted rebuild from the Checkpoint of
	// its last progress report; empty starts at the beginning.
	Type  string
	After custos.SubjectID
	// BatchSize is how many records are read per store call; 0 means 256.
	BatchSize int
	// Progress, if set, is called after each batch.
	Progress func(RebuildProgress)
}

// RebuildProgress reports how far RebuildIndex has come.
type RebuildProgress struct {
	// Version is the key version being built.
	Version int
	// Records counts records indexed by this call.
	Records int64
	// Type and Checkpoint are the last record done; pass them as
	// RebuildOptions.Type and After to resume.
	Type       string
	Checkpoint custos.SubjectID
}

// RebuildIndex indexes every stored record under the newest index key,
// streaming record types in name order and records in subject order with
// bounded memory. It is safe to run while the vault serves reads and
// writes, and to run again.
//
// The access must be allowed custos.ActionReindex (asked once, with no
// subject). Every record reindexed has its own audit event, naming the
// customer and the indexed fields, durably recorded before its entries
// commit: if the recorder fails, the rebuild stops with an error wrapping
// ErrAudit and that record's entries are unchanged.
func (v *Vault) RebuildIndex(ctx context.Context, acc custos.Access, opt RebuildOptions) (RebuildProgress, error) {
	var p RebuildProgress
	if err := acc.Validate(); err != nil {
		return p, err
	}
	if v.ikeys == nil {
		return p, fmt.Errorf("%w: the schema declares no index", ErrConfig)
	}
	sweep, err := v.decide(ctx, Request{Access: acc, Action: custos.ActionReindex})
	if err != nil {
		return p, err
	}
	live, err := v.ikeys.forWrite(ctx, v.now())
	if err != nil {
		return p, err
	}
	newest := live[len(live)-1]
	p.Version = newest.version
	err = v.sweep(ctx, opt.Type, opt.After, opt.BatchSize,
		func(t *recordType) bool { return len(t.indexes) > 0 },
		func(t *recordType, s Stored) error {
			if err := v.reindex(ctx, sweep, newest, t, s); err != nil {
				return err
			}
			p.Records++
			p.Type, p.Checkpoint = t.name, s.Subject
			return nil
		},
		func() {
			if opt.Progress != nil {
				opt.Progress(p)
			}
		})
	return p, err
}

// reindex writes one record's entries under key k, retrying if the record
// changes meanwhile.
func (v *Vault) reindex(ctx context.Context, sweep custos.Event, k indexKey, t *recordType, s Stored) error {
	var need []string
	for _, ix := range t.indexes {
		need = union(need, ix.fields)
	}
	sweep.Fields = need
	return v.sweepChange(ctx, sweep, t, s, func(_ *custos.Event, s Stored) (func() error, error) {
		names, entries, err := v.prepareReindex(ctx, k, t, s, need)
		if err != nil || names == nil {
			return nil, err
		}
		return func() error {
			err := v.store.SetIndex(ctx, s.Subject, t.name, s.Version, names, entries)
			switch {
			case err == nil, errors.Is(err, ErrConflict):
				return err
			case errors.Is(err, ErrNotFound):
				return nil // the record is gone: nothing to index
			}
			return fmt.Errorf("vault: write index: %w", err)
		}, nil
	})
}

// prepareReindex computes a record's entries under key k; names is nil
// when the customer was forgotten.
func (v *Vault) prepareReindex(ctx context.Context, k indexKey, t *recordType, s Stored, need []string) ([]string, []IndexEntry, error) {
	canonical := map[string]string{}
	err := v.open(ctx, s.Subject, t, s.Envelope, need, func(i int, c string) error {
		canonical[need[i]] = c
		return nil
	})
	if errors.Is(err, ErrForgotten) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	a, err := v.keys.AEAD(ctx, s.Subject)
	if err != nil {
		if err = keyErr(err); errors.Is(err, ErrForgotten) {
			err = nil
		}
		return nil, nil, err
	}
	names, entries, err := v.indexEntries([]indexKey{k}, a, s.Subject, t, canonical)
	if err != nil {
		return nil, nil, fmt.Errorf("vault: index: %w", err)
	}
	return names, entries, nil
}

// RetireIndexKey ends an index key rotation: it deletes every index entry
// made under the given older version, then the key itself. It refuses the
// newest version, and refuses (ErrTooSoon) until the newest key is at least
// twice the KeyRefresh old, so that every instance's Find already looks
// under it. Run RebuildIndex to completion first.
func (v *Vault) RetireIndexKey(ctx context.Context, version int) error {
	if v.ikeys == nil {
		return fmt.Errorf("%w: the schema declares no index", ErrConfig)
	}
	live, err := v.ikeys.forWrite(ctx, v.now())
	if err != nil {
		return err
	}
	newest := live[len(live)-1]
	i := slices.IndexFunc(live, func(k indexKey) bool { return k.version == version })
	switch {
	case i < 0:
		return fmt.Errorf("%w: no live index key version %d", ErrNotFound, version)
	case version == newest.version:
		return fmt.Errorf("%w: version %d is the newest index key", ErrConfig, version)
	case v.now().Sub(newest.created) < 2*v.ikeys.refresh:
		return ErrTooSoon
	}
	for _, name := range v.schema.order {
		t := v.schema.types[name]
		for _, ix := range t.indexes {
			if _, err := v.store.DeleteIndex(ctx, indexName(name, ix, version)); err != nil {
				return fmt.Errorf("vault: delete index: %w", err)
			}
		}
	}
	if err := v.keys.DeleteNamedKeyset(ctx, IndexKeyPrefix+strconv.Itoa(version)); err != nil {
		return fmt.Errorf("vault: delete index key: %w", err)
	}
	v.ikeys.forget(version)
	return nil
}
