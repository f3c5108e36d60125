package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"
	"golang.org/x/sync/singleflight"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
)

// Keyring hands out each customer's AEAD and manages the keys behind it.
// Build it with New.
type Keyring struct {
	kek    KEK
	keks   map[string]KEK
	store  Store
	ledger Ledger
	clock  custos.Clock
	log    *slog.Logger
	cache  *cache
	epochs *epochs // nil without EpochConfig
	flight singleflight.Group
	ref    *prf.Set
}

// ReferenceKeyName is the name under which the pseudonymous-reference key
// is stored.
const ReferenceKeyName = "custos.reference"

// ReferenceSize is the length in bytes of a pseudonymous reference.
const ReferenceSize = 32

// New validates cfg and returns a Keyring. It loads the deployment's
// pseudonymous-reference key, creating it on first use, so that a wrong KEK
// or an unreachable store fails here rather than on the first read.
func New(ctx context.Context, cfg Config) (*Keyring, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Keyring{
		kek:    cfg.KEK,
		keks:   map[string]KEK{cfg.KEK.ID: cfg.KEK},
		store:  cfg.Store,
		ledger: cfg.Ledger,
		clock:  cfg.Clock,
		log:    cfg.Logger,
		cache:  newCache(cfg.Cache, cfg.Clock),
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range cfg.PreviousKEKs {
		r.keks[k.ID] = k
	}
	if cfg.Epochs != nil {
		ec, _ := cfg.Epochs.withDefaults() // validated above
		r.epochs = newEpochs(ec, cfg.Cache.MaxAge)
	}
	h, err := r.NamedKeyset(ctx, ReferenceKeyName, prf.HMACSHA256PRFKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("keys: reference key: %w", err)
	}
	if r.ref, err = prf.NewPRFSet(h); err != nil {
		return nil, fmt.Errorf("keys: reference key: %w", err)
	}
	return r, nil
}

// Reference returns the customer's pseudonymous reference: an HMAC-SHA256
// PRF of the subject under the deployment's reference key, ReferenceSize
// bytes. It is stable for the life of the deployment and cannot be turned
// back into the subject without the key (GDPR Art. 4(5), 32(1)(a)).
func (r *Keyring) Reference(subject custos.SubjectID) []byte {
	out, err := r.ref.ComputePrimaryPRF(adata.Build("custos.ref.v1", string(subject)), ReferenceSize)
	if err != nil {
		// HMAC-SHA256 accepts any input and 32-byte outputs; an error here
		// is a broken invariant, not bad input.
		panic("keys: reference PRF failed: " + err.Error())
	}
	return out
}

// dekAD is the associated data a customer's DEK is wrapped under.
func dekAD(subject custos.SubjectID) []byte {
	return adata.Build("custos.dek.v1", string(subject))
}

// namedAD is the associated data a named keyset is wrapped under.
func namedAD(name string) []byte {
	return adata.Build("custos.key.v1", name)
}

// unwrap decrypts a wrapped named keyset with the KEK named by kekID.
func (r *Keyring) unwrap(kekID string, wrapped, ad []byte) (*keyset.Handle, error) {
	kek, ok := r.keks[kekID]
	if !ok {
		return nil, ErrUnknownKEK
	}
	return r.decryptKeyset(kek.AEAD, kekID, wrapped, ad)
}

// unwrapDEK decrypts a stored DEK with the key it names: a KEK, or an epoch
// key of its group.
func (r *Keyring) unwrapDEK(ctx context.Context, w WrappedDEK) (*keyset.Handle, error) {
	a, err := r.dekKey(ctx, w.Group, w.KEKID)
	if err != nil {
		return nil, err
	}
	return r.decryptKeyset(a, w.KEKID, w.Keyset, dekAD(w.Subject))
}

func (r *Keyring) decryptKeyset(a tink.AEAD, id string, wrapped, ad []byte) (*keyset.Handle, error) {
	r.cache.kekCalls.Add(1)
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), a, ad)
	if err != nil {
		// Tink's message may describe the keyset; keep only the fact. A
		// wrong KEK or an altered key is an operator's emergency.
		r.log.Warn("keys: a wrapped keyset did not unwrap", slog.String("kek_id", id))
		return nil, ErrUnwrap
	}
	return h, nil
}

// wrap encrypts h under the current KEK.
func (r *Keyring) wrap(h *keyset.Handle, ad []byte) ([]byte, error) {
	return r.encryptKeyset(r.kek.AEAD, h, ad)
}

func (r *Keyring) encryptKeyset(a tink.AEAD, h *keyset.Handle, ad []byte) ([]byte, error) {
	var buf bytes.Buffer
	r.cache.kekCalls.Add(1)
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), a, ad); err != nil {
		return nil, fmt.Errorf("keys: wrap keyset: %w", err)
	}
	return buf.Bytes(), nil
}

// NamedKeyset returns the deployment keyset stored under name, unwrapped,
// creating it from template on first use. Other packages keep their keys
// this way (index keys, audit keys), so that a KEK rotation rewraps them
// too.
func (r *Keyring) NamedKeyset(ctx context.Context, name string, template *tinkpb.KeyTemplate) (*keyset.Handle, error) {
	for range 2 {
		k, err := r.store.GetKey(ctx, name)
		if err == nil {
			return r.unwrap(k.KEKID, k.Keyset, namedAD(name))
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("keys: read key: %w", err)
		}
		if template == nil {
			return nil, ErrNotFound
		}
		h, err := keyset.NewHandle(template)
		if err != nil {
			return nil, fmt.Errorf("keys: new keyset: %w", err)
		}
		wrapped, err := r.wrap(h, namedAD(name))
		if err != nil {
			return nil, err
		}
		now := r.now()
		err = r.store.CreateKey(ctx, WrappedKey{Name: name, KEKID: r.kek.ID, Keyset: wrapped, Version: 1, Created: now, Updated: now})
		if err == nil {
			return h, nil
		}
		if !errors.Is(err, ErrExists) {
			return nil, fmt.Errorf("keys: store key: %w", err)
		}
		// Another process created it first: read theirs.
	}
	return nil, fmt.Errorf("keys: key %q keeps changing", name)
}

// primitive returns the AEAD of an unwrapped DEK keyset and the output
// prefix of its primary key.
func primitive(h *keyset.Handle) (tink.AEAD, []byte, error) {
	a, err := aead.New(h)
	if err != nil {
		return nil, nil, fmt.Errorf("keys: DEK primitive: %w", err)
	}
	e, err := h.Primary()
	if err != nil {
		return nil, nil, fmt.Errorf("keys: DEK primary: %w", err)
	}
	p, ok := e.Key().(interface{ OutputPrefix() []byte })
	if !ok {
		return nil, nil, fmt.Errorf("keys: DEK primary key has no output prefix")
	}
	return a, p.OutputPrefix(), nil
}
