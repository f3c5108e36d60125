package transfer

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// ExportOptions tune an export; nil means defaults.
type ExportOptions struct {
	// Progress, if set, is called after each customer considered.
	Progress func(ExportReport)
	// PageSize is how many customers are read per page; 0 means 256.
	PageSize int
	// Workers is how many customers of a page are read at once; 0 means
	// 64. The bundle holds them in order whatever the number.
	Workers int
}

// ExportReport counts what an export did.
type ExportReport struct {
	// Moved customers are in the bundle.
	Moved int64
	// Excluded by the plan, NotConsented (no live separate consent given
	// by the deadline, PIPL Art. 23, 39) and OutOfScope (no record of the
	// scope's types) customers are not.
	Excluded, NotConsented, OutOfScope int64
	// NotNotified customers have no notice in the outbox (Seller.Notify):
	// nobody moves without being told (PIPL Art. 22, 23).
	NotNotified int64
	// Manifest is the signed manifest, once the bundle is complete.
	Manifest Manifest
}

// transferKeyName is the name of a transfer's key among the seller's
// named keysets.
func transferKeyName(id string) string { return "custos.transfer." + id }

// Export writes the bundle of an approved plan to w (docs/FORMAT.md): a
// header with the transfer key sealed to the recipient, each moved
// customer — DEK wrapped under the transfer key, records as ciphertext
// byte for byte, restriction state, consent records with full history,
// retention clocks, holds and reviews —
// then the notice versions those consents name and the signed manifest.
// No field is decrypted and the seller's blind-index key is not written.
//
// A plan without its approvals fails with ErrNotApproved; a plan needing
// separate consent (PIPL Art. 23, 39) is exported only after its consent
// deadline, and moves only customers whose consent for the plan's consent
// purpose was live and given by the deadline. Export changes no customer:
// run again, it writes the same customer frames and the same manifest root
// (only the audit-trail frames, which grow with every read, differ), so an
// export interrupted at any point is simply run again.
func (s *Seller) Export(ctx context.Context, acc custos.Access, id string, w io.Writer, opt *ExportOptions) (ExportReport, error) {
	if err := acc.Validate(); err != nil {
		return ExportReport{}, err
	}
	if opt == nil {
		opt = &ExportOptions{}
	}
	pageSize := opt.PageSize
	if pageSize <= 0 {
		pageSize = 256
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = defaultWorkers
	}
	p, err := s.approvedPlan(ctx, id)
	if err != nil {
		return ExportReport{}, err
	}
	digest := p.Digest()
	if p.NeedsSeparateConsent() && s.now().Before(p.ConsentDeadline) {
		return ExportReport{}, fmt.Errorf("%w: separate consent requests are open until the deadline", ErrNotApproved)
	}
	hdr, tk, err := s.header(ctx, p)
	if err != nil {
		return ExportReport{}, err
	}
	hp, err := json.Marshal(hdr)
	if err != nil {
		return ExportReport{}, fmt.Errorf("transfer: encode header: %w", err)
	}
	ev := custos.Event{Time: s.now(), Action: ActionExport, Access: acc, Outcome: custos.OutcomeAllowed, Detail: detail(id, digest, map[string]any{"step": "begin"})}
	if err := s.rec.Record(ctx, ev); err != nil {
		return ExportReport{}, fmt.Errorf("transfer: audit: %w", err)
	}
	fw, err := newFrameWriter(w)
	if err != nil {
		return ExportReport{}, fmt.Errorf("transfer: write bundle: %w", err)
	}
	if err := fw.frame(frameHeader, hp); err != nil {
		return ExportReport{}, fmt.Errorf("transfer: write bundle: %w", err)
	}
	rep := ExportReport{}
	t := newTree()
	trails := newChain()
	notices := map[string]bool{}
	var after custos.SubjectID
	for {
		page, err := s.keys.Subjects(ctx, after, pageSize)
		if err != nil {
			return rep, err
		}
		got, err := s.readPage(ctx, acc, p, tk, page, workers)
		if err != nil {
			return rep, err
		}
		for _, r := range got {
			switch r.why {
			case skipExcluded:
				rep.Excluded++
			case skipNoConsent:
				rep.NotConsented++
			case skipOutOfScope:
				rep.OutOfScope++
			case skipNotNotified:
				rep.NotNotified++
			default:
				if err := fw.frame(frameCustomer, r.customer); err != nil {
					return rep, fmt.Errorf("transfer: write bundle: %w", err)
				}
				t.add(r.customer)
				rep.Moved++
				if err := fw.frame(frameAudit, r.trail); err != nil {
					return rep, fmt.Errorf("transfer: write bundle: %w", err)
				}
				trails.add(r.trail)
				for _, v := range r.notices {
					notices[v] = true
				}
			}
			if opt.Progress != nil {
				opt.Progress(rep)
			}
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1]
	}
	nd, err := s.writeNotices(ctx, fw, notices)
	if err != nil {
		return rep, err
	}
	m := Manifest{Transfer: id, Customers: t.size(), Root: t.root(), Header: headerDigest(hp), Notices: nd, Audit: trails.sum()}
	if m.Signed, err = signManifest(s.signer, m); err != nil {
		return rep, fmt.Errorf("transfer: sign manifest: %w", err)
	}
	if err := fw.frame(frameManifest, m.Signed); err != nil {
		return rep, fmt.Errorf("transfer: write bundle: %w", err)
	}
	if err := fw.flush(); err != nil {
		return rep, fmt.Errorf("transfer: write bundle: %w", err)
	}
	if err := s.store.SetExported(ctx, id, m.Root, m.Customers); err != nil {
		return rep, fmt.Errorf("transfer: store export: %w", err)
	}
	rep.Manifest = m
	ev.Time, ev.Detail = s.now(), detail(id, digest, map[string]any{"step": "written", "root": hex.EncodeToString(m.Root), "customers": m.Customers})
	if err := s.rec.Record(ctx, ev); err != nil {
		return rep, fmt.Errorf("transfer: audit: %w", err)
	}
	return rep, nil
}

// header builds the bundle header, creating the transfer key and sealing
// it to the recipient on the first export.
func (s *Seller) header(ctx context.Context, p Plan) (Header, *TransferKey, error) {
	tkh, err := s.keys.NamedKeyset(ctx, transferKeyName(p.ID), TransferKeyTemplate())
	if err != nil {
		return Header{}, nil, fmt.Errorf("transfer: transfer key: %w", err)
	}
	tk, err := NewTransferKey(p.ID, tkh)
	if err != nil {
		return Header{}, nil, err
	}
	sp, err := s.store.GetPlan(ctx, p.ID)
	if err != nil {
		return Header{}, nil, fmt.Errorf("transfer: read plan: %w", err)
	}
	sealed := sp.SealedKey
	if len(sealed) == 0 {
		fresh, err := SealTransferKey(p.Recipient.PublicKeyset, p.ID, tkh)
		if err != nil {
			return Header{}, nil, err
		}
		if sealed, err = s.store.SetSealedKey(ctx, p.ID, fresh); err != nil {
			return Header{}, nil, fmt.Errorf("transfer: store sealed key: %w", err)
		}
	}
	h := Header{Format: headerFormat, Transfer: p.ID, Plan: sp.Plan, PlanDigest: sp.Digest, RecipientKey: KeyFingerprint(p.Recipient.PublicKeyset), SealedKey: sealed}
	for _, id := range p.Scope.Purposes {
		spec, ok := s.consent.SpecOf(id)
		if !ok {
			return Header{}, nil, fmt.Errorf("%w: purpose %q carried over is not declared", ErrInvalidPlan, id)
		}
		h.Purposes = append(h.Purposes, spec)
	}
	return h, tk, nil
}

type skip uint8

const (
	moved skip = iota
	skipExcluded
	skipNoConsent
	skipOutOfScope
	skipNotNotified
)

// customer reads one customer for the bundle, or says why it stays.
func (s *Seller) customer(ctx context.Context, acc custos.Access, p Plan, tk *TransferKey, subj custos.SubjectID) (Customer, skip, error) {
	if p.Excluded(subj) {
		return Customer{}, skipExcluded, nil
	}

	if p.NeedsSeparateConsent() {
		ca := acc
		ca.Purpose = p.ConsentPurpose
		st, err := s.consent.Status(ctx, ca, subj, p.ConsentPurpose)
		if err != nil {
			return Customer{}, 0, fmt.Errorf("transfer: separate consent: %w", err)
		}
		if !st.State.Permits() || st.Record.Given.After(p.ConsentDeadline) {
			return Customer{}, skipNoConsent, nil
		}
	}
	sealed, err := s.vault.Sealed(ctx, acc, subj, p.Scope.RecordTypes)
	if errors.Is(err, vault.ErrForgotten) || errors.Is(err, vault.ErrNotFound) {
		return Customer{}, skipOutOfScope, nil
	}
	if err != nil {
		return Customer{}, 0, fmt.Errorf("transfer: read records: %w", err)
	}
	if len(sealed.Records) == 0 {
		return Customer{}, skipOutOfScope, nil
	}
	if ok, err := s.notified(ctx, p, subj); err != nil {
		return Customer{}, 0, err
	} else if !ok {
		return Customer{}, skipNotNotified, nil
	}
	dek, err := tk.ExportDEK(ctx, s.keys, subj)
	if errors.Is(err, keys.ErrShredded) {
		return Customer{}, skipOutOfScope, nil
	}
	if err != nil {
		return Customer{}, 0, fmt.Errorf("transfer: export key: %w", err)
	}
	carried, err := s.consent.Carry(ctx, acc, subj, p.Scope.Purposes)
	if err != nil {
		return Customer{}, 0, fmt.Errorf("transfer: read consents: %w", err)
	}
	ret, err := s.ret.ExportSubject(ctx, acc, subj)
	if err != nil {
		return Customer{}, 0, fmt.Errorf("transfer: read retention: %w", err)
	}
	c := Customer{Subject: subj, DEK: dek, Records: sealed.Records, Restriction: sealed.Restriction, Retention: ret}
	for _, cr := range carried {
		c.Consents = append(c.Consents, carriedToWire(cr))
	}
	return c, moved, nil
}

// read is one customer of a page as Export writes it: why it stays, or
// its customer and audit-trail frames and the notice versions its consents
// name.
type read struct {
	why             skip
	customer, trail []byte
	notices         []string
}

// readPage reads a page's customers, up to workers at once, and returns
// them in the page's order.
func (s *Seller) readPage(ctx context.Context, acc custos.Access, p Plan, tk *TransferKey, page []custos.SubjectID, workers int) ([]read, error) {
	out := make([]read, len(page))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, subj := range page {
		g.Go(func() error {
			c, why, err := s.customer(gctx, acc, p, tk, subj)
			if err != nil || why != moved {
				out[i].why = why
				return err
			}
			r := read{}
			if r.customer, err = json.Marshal(c); err != nil {
				return fmt.Errorf("transfer: encode customer: %w", err)
			}
			tr, err := s.trail(gctx, acc, subj)
			if err != nil {
				return err
			}
			if r.trail, err = json.Marshal(tr); err != nil {
				return fmt.Errorf("transfer: encode audit trail: %w", err)
			}
			for _, cr := range c.Consents {
				r.notices = append(r.notices, cr.Notice)
				for _, e := range cr.History {
					r.notices = append(r.notices, e.Notice)
				}
			}
			out[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// writeNotices writes the notice versions the moved consents name, sorted,
// and returns their digest.
func (s *Seller) writeNotices(ctx context.Context, fw *frameWriter, versions map[string]bool) ([]byte, error) {
	delete(versions, "")
	sorted := make([]string, 0, len(versions))
	for v := range versions {
		sorted = append(sorted, v)
	}
	slices.Sort(sorted)
	d := newChain()
	for _, v := range sorted {
		n, err := s.consent.PublishedVersion(ctx, v)
		if err != nil {
			return nil, fmt.Errorf("transfer: notice a consent names: %w", err)
		}
		b, err := json.Marshal(n)
		if err != nil {
			return nil, fmt.Errorf("transfer: encode notice: %w", err)
		}
		if err := fw.frame(frameNotice, b); err != nil {
			return nil, fmt.Errorf("transfer: write bundle: %w", err)
		}
		d.add(b)
	}
	return d.sum(), nil
}
