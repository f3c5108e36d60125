package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
)

// Keys hands out the deployment's named Tink keysets, each stored wrapped
// by the key-encryption key so that a KEK rotation rewraps it. A
// *keys.Keyring satisfies it. NamedKeyset creates the keyset from template
// on first use; with a nil template it returns an error if the keyset does
// not exist.
type Keys interface {
	NamedKeyset(ctx context.Context, name string, template *tinkpb.KeyTemplate) (*keyset.Handle, error)
}

// KeyDeleter is implemented by Keys that can destroy a named keyset. Only
// with it can ForgetPeriod make a period's references unlinkable.
// *keys.Keyring implements it.
type KeyDeleter interface {
	// HasNamedKeyset reports whether the keyset is stored.
	HasNamedKeyset(ctx context.Context, name string) (bool, error)
	// DeleteNamedKeyset destroys the keyset.
	DeleteNamedKeyset(ctx context.Context, name string) error
}

// Names of the keysets the audit log keeps through Keys.
const (
	// SignerKeyName is the AEAD keyset that encrypts the log's checkpoint
	// signing key.
	SignerKeyName = "custos.audit.signer"
	// ReferenceKeyPrefix, followed by a period id, names the PRF keyset
	// that computes customer references in that period, such as
	// "custos.audit.ref.2026-01".
	ReferenceKeyPrefix = "custos.audit.ref."
)

// Period says how often the audit-reference key changes. References to one
// customer in two periods are unrelated without both keys, and deleting a
// period's key makes that period's references unlinkable to anyone (GDPR
// Art. 4(5), 25; PIPL Art. 51(3)), while the entries still verify.
type Period uint8

const (
	// PeriodMonth uses one key per calendar month (UTC), ids like "2026-01".
	PeriodMonth Period = iota
	// PeriodQuarter uses one key per calendar quarter, ids like "2026-Q1".
	PeriodQuarter
	// PeriodYear uses one key per calendar year, ids like "2026".
	PeriodYear
)

// ID returns the id of the period that contains t (taken in UTC).
func (p Period) ID(t time.Time) string {
	t = t.UTC()
	switch p {
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case PeriodYear:
		return fmt.Sprintf("%04d", t.Year())
	}
	return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
}

func (p Period) validate() error {
	if p > PeriodYear {
		return fmt.Errorf("%w: unknown reference period %d", ErrConfig, p)
	}
	return nil
}

// refLabel separates audit references from every other use of a PRF.
const refLabel = "custos.audit.ref.v1"

// references computes customer references, caching each period's PRF.
type references struct {
	keys Keys
	mu   sync.RWMutex
	prfs map[string]*prf.Set
}

func newReferences(k Keys) *references {
	return &references{keys: k, prfs: map[string]*prf.Set{}}
}

// ref returns subject's reference in period; create says whether the
// period's key may be created.
func (r *references) ref(ctx context.Context, period string, subject custos.SubjectID, create bool) ([]byte, error) {
	r.mu.RLock()
	set := r.prfs[period]
	r.mu.RUnlock()
	if set == nil {
		var tmpl *tinkpb.KeyTemplate
		if create {
			tmpl = prf.HMACSHA256PRFKeyTemplate()
		}
		h, err := r.keys.NamedKeyset(ctx, ReferenceKeyPrefix+period, tmpl)
		if err != nil {
			return nil, fmt.Errorf("%w: period %s: %w", ErrReference, period, err)
		}
		if set, err = prf.NewPRFSet(h); err != nil {
			return nil, fmt.Errorf("%w: period %s: %w", ErrReference, period, err)
		}
		r.mu.Lock()
		r.prfs[period] = set
		r.mu.Unlock()
	}
	out, err := set.ComputePrimaryPRF(adata.Build(refLabel, period, string(subject)), RefSize)
	if err != nil {
		return nil, fmt.Errorf("%w: period %s: %w", ErrReference, period, err)
	}
	return out, nil
}

// forget drops a period's cached PRF.
func (r *references) forget(period string) {
	r.mu.Lock()
	delete(r.prfs, period)
	r.mu.Unlock()
}
