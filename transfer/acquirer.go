package transfer

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/sync/errgroup"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// AcquirerConfig configures an Acquirer. Every field but Clock and Logger
// is required.
type AcquirerConfig struct {
	// Keys is the acquirer's keyring: imported DEKs are wrapped under its
	// KEK.
	Keys *keys.Keyring
	// Vault writes the imported records and rebuilds their blind indexes
	// under the acquirer's index keys.
	Vault *vault.Vault
	// Consent receives the consent records onto the acquirer's purposes.
	Consent *consent.Registry
	// Retention continues the customers' retention clocks and holds under
	// the acquirer's rules of the same names.
	Retention *retention.Retention
	// Private is the acquirer's private HPKE keyset (NewRecipientKeyset).
	Private *keyset.Handle
	// Signer signs receipts; the seller verifies them with the verifier
	// key named in the plan (Recipient.Verifier).
	Signer note.Signer
	// Store keeps the import state.
	Store Store
	// Recorder durably records each import.
	Recorder Recorder
	// Clock gives the time; nil means time.Now.
	Clock custos.Clock
	// Logger receives operational messages, never personal data.
	Logger *slog.Logger
}

// Acquirer verifies and imports bundles on the acquirer's side. Build it
// with NewAcquirer; it is safe for concurrent use, but one transfer is
// imported by one call at a time.
type Acquirer struct {
	keys    *keys.Keyring
	vault   *vault.Vault
	consent *consent.Registry
	ret     *retention.Retention
	private *keyset.Handle
	public  []byte
	signer  note.Signer
	store   Store
	rec     Recorder
	clock   custos.Clock
	log     *slog.Logger
}

// NewAcquirer validates cfg and returns an Acquirer.
func NewAcquirer(cfg AcquirerConfig) (*Acquirer, error) {
	switch {
	case cfg.Keys == nil:
		return nil, fmt.Errorf("%w: no Keys", ErrConfig)
	case cfg.Vault == nil:
		return nil, fmt.Errorf("%w: no Vault", ErrConfig)
	case cfg.Consent == nil:
		return nil, fmt.Errorf("%w: no Consent registry", ErrConfig)
	case cfg.Retention == nil:
		return nil, fmt.Errorf("%w: no Retention", ErrConfig)
	case cfg.Private == nil:
		return nil, fmt.Errorf("%w: no Private keyset", ErrConfig)
	case cfg.Signer == nil:
		return nil, fmt.Errorf("%w: no receipt Signer", ErrConfig)
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Recorder == nil:
		return nil, fmt.Errorf("%w: no Recorder", ErrConfig)
	}
	pub, err := PublicKeyset(cfg.Private)
	if err != nil {
		return nil, fmt.Errorf("%w: Private: %v", ErrConfig, err)
	}
	a := &Acquirer{
		keys: cfg.Keys, vault: cfg.Vault, consent: cfg.Consent, ret: cfg.Retention, private: cfg.Private, public: pub,
		signer: cfg.Signer, store: cfg.Store, rec: cfg.Recorder, clock: cfg.Clock, log: cfg.Logger,
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a, nil
}

func (a *Acquirer) now() time.Time { return a.clock.Now().UTC().Truncate(time.Microsecond) }

// ImportOptions tune an import; nil means defaults.
type ImportOptions struct {
	// Progress, if set, is called after each customer imported with the
	// number imported so far and the total; never concurrently.
	Progress func(done, total uint64)
	// Workers is how many customers are imported at once; 0 means 64.
	// Concurrent customers share the store's and the audit log's commits.
	Workers int
}

// defaultWorkers is the number of customers imported or read for export
// at once: enough for the store's group commit and the audit log's to
// share one disk flush among many customers.
const defaultWorkers = 64

// ImportReport is the outcome of an import.
type ImportReport struct {
	// Manifest is the verified manifest.
	Manifest Manifest
	// Customers is the number imported.
	Customers uint64
	// Receipt is the acquirer's signed receipt of the manifest root: it
	// closes the transfer on the seller's side (Seller.Finish).
	Receipt []byte
}

// Import verifies the bundle (Verify, reading it once), then imports it in
// a second pass: it opens the transfer key with the private keyset, and
// for each customer receives its consent records onto the agreed purposes,
// stores its DEK under the acquirer's KEK, writes its records byte for byte
// with fresh blind indexes, keeps its restriction state, and continues its
// retention clocks, holds and reviews; then it keeps
// the notice texts the consents name and returns a signed receipt of the
// manifest root.
//
// Nothing is written unless the whole bundle verifies, the purpose mapping
// widens no purpose (ErrMapping), the private key opens the transfer key
// (ErrKey) and, on a first run, the acquirer holds none of the customers
// (ErrExists). An import interrupted at any point is run again with the
// same bundle and continues: each step is idempotent, nothing is imported
// twice. A transfer already imported, or another bundle of a transfer
// under way, is refused as replayed (ErrBundle).
func (a *Acquirer) Import(ctx context.Context, acc custos.Access, bundle io.ReadSeeker, ag Agreement, opt *ImportOptions) (ImportReport, error) {
	if err := acc.Validate(); err != nil {
		return ImportReport{}, err
	}
	if opt == nil {
		opt = &ImportOptions{}
	}
	v, err := Verify(bundle, a.public, ag)
	if err != nil {
		return ImportReport{}, err
	}
	if err := checkMapping(v.Header.Purposes, ag.Purposes, a.consent.SpecOf); err != nil {
		return ImportReport{}, err
	}
	tkh, err := OpenTransferKey(a.private, v.Header.Transfer, v.Header.SealedKey)
	if err != nil {
		return ImportReport{}, err
	}
	tk, err := NewTransferKey(v.Header.Transfer, tkh)
	if err != nil {
		return ImportReport{}, err
	}
	m := v.Manifest
	switch im, err := a.store.GetImport(ctx, m.Transfer); {
	case err == nil && !im.Done.IsZero():
		return ImportReport{}, fmt.Errorf("%w: transfer %s was imported already (replayed bundle)", ErrBundle, m.Transfer)
	case err == nil && !bytes.Equal(im.Root, m.Root):
		return ImportReport{}, fmt.Errorf("%w: another bundle of transfer %s is being imported (replayed or re-exported bundle)", ErrBundle, m.Transfer)
	case err == nil:
		// Resuming an interrupted import of this very bundle.
	case errors.Is(err, ErrNotFound):
		if err := a.precheck(ctx, v.Subjects); err != nil {
			return ImportReport{}, err
		}
		ev := custos.Event{Time: a.now(), Action: ActionImport, Access: acc, Outcome: custos.OutcomeAllowed,
			Detail: detail(m.Transfer, v.Header.PlanDigest, map[string]any{"step": "begin", "root": hex.EncodeToString(m.Root), "customers": m.Customers})}
		if err := a.rec.Record(ctx, ev); err != nil {
			return ImportReport{}, fmt.Errorf("transfer: audit: %w", err)
		}
		err := a.store.CreateImport(ctx, Import{ID: m.Transfer, Root: m.Root, Customers: m.Customers, Header: m.Header, Notices: m.Notices, Started: ev.Time})
		if err != nil && !errors.Is(err, ErrExists) {
			return ImportReport{}, fmt.Errorf("transfer: store import: %w", err)
		}
	default:
		return ImportReport{}, fmt.Errorf("transfer: read import: %w", err)
	}
	if _, err := bundle.Seek(0, io.SeekStart); err != nil {
		return ImportReport{}, fmt.Errorf("transfer: rewind bundle: %w", err)
	}
	if err := a.importAll(ctx, acc, bundle, v, tk, ag, opt); err != nil {
		return ImportReport{}, err
	}
	for _, n := range v.notices {
		if err := a.consent.KeepNotice(ctx, n); err != nil {
			return ImportReport{}, fmt.Errorf("transfer: keep notice: %w", err)
		}
	}
	done := a.now()
	ev := custos.Event{Time: done, Action: ActionImport, Access: acc, Outcome: custos.OutcomeAllowed,
		Detail: detail(m.Transfer, v.Header.PlanDigest, map[string]any{"step": "done", "root": hex.EncodeToString(m.Root), "customers": m.Customers})}
	if err := a.rec.Record(ctx, ev); err != nil {
		return ImportReport{}, fmt.Errorf("transfer: audit: %w", err)
	}
	if err := a.store.FinishImport(ctx, m.Transfer, done); err != nil {
		return ImportReport{}, fmt.Errorf("transfer: store import: %w", err)
	}
	return a.report(m)
}

// Receipt returns the signed receipt of a finished import, for a seller
// who did not get it from Import.
func (a *Acquirer) Receipt(ctx context.Context, id string) (ImportReport, error) {
	im, err := a.store.GetImport(ctx, id)
	if err != nil {
		return ImportReport{}, fmt.Errorf("transfer: read import: %w", err)
	}
	if im.Done.IsZero() {
		return ImportReport{}, fmt.Errorf("%w: import of %s has not finished", ErrNotFound, id)
	}
	return a.report(Manifest{Transfer: im.ID, Customers: im.Customers, Root: im.Root, Header: im.Header, Notices: im.Notices})
}

func (a *Acquirer) report(m Manifest) (ImportReport, error) {
	r, err := signReceipt(a.signer, m)
	if err != nil {
		return ImportReport{}, fmt.Errorf("transfer: sign receipt: %w", err)
	}
	return ImportReport{Manifest: m, Customers: m.Customers, Receipt: r}, nil
}

// precheck refuses a first import if the acquirer already holds any of the
// customers.
func (a *Acquirer) precheck(ctx context.Context, subjects []custos.SubjectID) error {
	for i, s := range subjects {
		st, err := a.vault.SubjectState(ctx, s)
		if err != nil {
			return fmt.Errorf("transfer: read customer state: %w", err)
		}
		if st != custos.SubjectUnknown {
			return fmt.Errorf("%w: the acquirer already holds customer %d of the bundle (%s)", ErrExists, i, st)
		}
		if _, err := a.keys.AEAD(ctx, s); !errors.Is(err, keys.ErrNotFound) {
			return fmt.Errorf("%w: the acquirer already holds a key for customer %d of the bundle", ErrExists, i)
		}
	}
	return nil
}

// importAll is the second pass: every customer frame is checked against
// the first pass's leaf, then imported, up to opt.Workers customers at
// once. Each customer's import is idempotent, so an import that fails part
// way, with some customers done and others not, is completed by a rerun.
func (a *Acquirer) importAll(ctx context.Context, acc custos.Access, r io.Reader, v *Verified, tk *TransferKey, ag Agreement, opt *ImportOptions) error {
	fr, err := newFrameReader(r)
	if err != nil {
		return err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = defaultWorkers
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var (
		mu   sync.Mutex
		done uint64
	)
	total := uint64(len(v.leaves))
	changed := fmt.Errorf("%w: bundle changed between passes", ErrBundle)
	var i uint64
	read := func() error {
		for gctx.Err() == nil {
			kind, payload, err := fr.next()
			if err != nil {
				return changed
			}
			if kind == frameHeader || kind == frameAudit {
				continue
			}
			if kind != frameCustomer {
				return nil
			}
			if i >= total || !bytes.Equal(leafOf(payload), v.leaves[i]) {
				return changed
			}
			var c Customer
			if err := decodeStrict(payload, &c); err != nil {
				return changed
			}
			n := i
			g.Go(func() error {
				if err := a.importCustomer(gctx, acc, v.Header.Transfer, tk, ag, c); err != nil {
					return fmt.Errorf("transfer: customer %d: %w", n, err)
				}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, total)
					mu.Unlock()
				}
				return nil
			})
			i++
		}
		return nil
	}
	rerr := read()
	if err := g.Wait(); err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if i != total {
		return changed
	}
	return nil
}

// importCustomer imports one customer: consents first, so that no record is
// ever readable here without the consents that govern it, then the key,
// then the records.
func (a *Acquirer) importCustomer(ctx context.Context, acc custos.Access, id string, tk *TransferKey, ag Agreement, c Customer) error {
	for _, cr := range c.Consents {
		onto, ok := ag.Purposes[cr.Purpose]
		if !ok {
			return fmt.Errorf("%w: a consent record of an unmapped purpose", ErrMapping)
		}
		carried, err := wireToCarried(cr)
		if err != nil {
			return err
		}
		if err := a.consent.Receive(ctx, acc, c.Subject, onto, id, carried); err != nil {
			return fmt.Errorf("receive consent: %w", err)
		}
	}
	if err := tk.ImportDEK(ctx, a.keys, c.Subject, c.DEK); err != nil {
		return fmt.Errorf("import key: %w", err)
	}
	in := vault.SealedSubject{Subject: c.Subject, Records: c.Records, Restriction: c.Restriction}
	if err := a.vault.ImportSealed(ctx, acc, in); err != nil {
		return fmt.Errorf("import records: %w", err)
	}
	if err := a.ret.ImportSubject(ctx, acc, c.Retention); err != nil {
		return fmt.Errorf("import retention: %w", err)
	}
	return nil
}
