package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// ActionFinish is the audit action of closing a transfer on the seller's
// side.
const ActionFinish custos.Action = "transfer.finish"

// FinishOptions tune Finish; nil means defaults.
type FinishOptions struct {
	// Certificate, if set, receives each destruction certificate as it is
	// issued (and again, for a customer destroyed by an interrupted
	// earlier run, the certificate the vault returns).
	Certificate func(vault.Certificate)
	// Progress, if set, is called after each customer.
	Progress func(FinishReport)
	// Processors are the confirmations of the processors the plan engages
	// that they returned or deleted the data (PIPL Art. 21; RULES M6): one
	// for each, or Finish refuses with ErrProcessors.
	Processors []ProcessorDone
}

// FinishReport says what the seller did with the moved customers.
type FinishReport struct {
	// Moved is the number of customers the receipt confirms.
	Moved int64
	// Destroyed customers were forgotten with a destruction certificate.
	Destroyed int64
	// Kept customers stay, restricted to storage only, because a rule
	// keeps them (a restriction in force, such as AML Art. 34's ten
	// years): the seller may not destroy them (PIPL Art. 47 ¶2).
	Kept int64
	// Processors are the processors' confirmations, as recorded in the
	// audit log.
	Processors []ProcessorDone
}

// Finish closes a transfer on the seller's side once the acquirer's signed
// receipt names the same manifest root as the seller's latest export: it
// reads the customers from the bundle (checking that its customer frames
// hash to that root), destroys each moved customer (vault.Forget, with a
// destruction certificate; ground PIPL Art. 22 or 23) except those a rule
// keeps, which stay restricted, deletes the transfer key, and reports what
// was moved, destroyed and kept. A plan that engages processors closes only
// with each processor's confirmation that it returned or deleted the data
// (FinishOptions.Processors; PIPL Art. 21, RULES M6), recorded in the audit
// log before anything is destroyed; without them Finish fails with
// ErrProcessors and changes nothing.
//
// A receipt signed by another key than the plan's Recipient.Verifier, or
// naming another root, gives ErrBundle and changes nothing. Finish is
// idempotent: run again after an interruption it destroys the rest and
// reports the same totals.
func (s *Seller) Finish(ctx context.Context, acc custos.Access, id string, bundle io.Reader, receipt []byte, opt *FinishOptions) (FinishReport, error) {
	if err := acc.Validate(); err != nil {
		return FinishReport{}, err
	}
	if opt == nil {
		opt = &FinishOptions{}
	}
	p, err := s.approvedPlan(ctx, id)
	if err != nil {
		return FinishReport{}, err
	}
	if p.Recipient.Verifier == "" {
		return FinishReport{}, fmt.Errorf("%w: the plan names no recipient verifier key for the receipt", ErrInvalidPlan)
	}
	rc, err := OpenReceipt(receipt, p.Recipient.Verifier)
	if err != nil {
		return FinishReport{}, err
	}
	sp, err := s.store.GetPlan(ctx, id)
	if err != nil {
		return FinishReport{}, fmt.Errorf("transfer: read plan: %w", err)
	}
	if rc.Transfer != id || !bytes.Equal(rc.Root, sp.Root) || rc.Customers != sp.Customers {
		return FinishReport{}, fmt.Errorf("%w: the receipt does not name the root of the latest export", ErrBundle)
	}
	if err := checkProcessorsDone(p.Processors, opt.Processors); err != nil {
		return FinishReport{}, err
	}
	subjects, err := bundleSubjects(bundle, id, rc)
	if err != nil {
		return FinishReport{}, err
	}
	digest := p.Digest()
	begin := map[string]any{"step": "begin"}
	if len(opt.Processors) > 0 {
		begin["processors"] = opt.Processors
	}
	ev := custos.Event{Time: s.now(), Action: ActionFinish, Access: acc, Outcome: custos.OutcomeAllowed, Detail: detail(id, digest, begin)}
	if err := s.rec.Record(ctx, ev); err != nil {
		return FinishReport{}, fmt.Errorf("transfer: audit: %w", err)
	}
	why := vault.Erasure{Ground: string(p.Cause.Article()) + ": handed over to the recipient", Policy: "transfer-" + id}
	rep := FinishReport{Moved: int64(len(subjects)), Processors: opt.Processors}
	for _, subj := range subjects {
		cert, err := s.vault.Forget(ctx, acc, subj, why)
		switch {
		case err == nil, errors.Is(err, vault.ErrForgotten):
			rep.Destroyed++
			if opt.Certificate != nil && cert.ID != "" {
				opt.Certificate(cert)
			}
		case errors.Is(err, vault.ErrRestricted):
			rep.Kept++
		default:
			return rep, fmt.Errorf("transfer: destroy a moved customer: %w", err)
		}
		if opt.Progress != nil {
			opt.Progress(rep)
		}
	}
	if err := s.keys.DeleteNamedKeyset(ctx, transferKeyName(id)); err != nil && !errors.Is(err, keys.ErrNotFound) {
		return rep, fmt.Errorf("transfer: delete transfer key: %w", err)
	}
	if err := s.store.SetFinished(ctx, id, s.now()); err != nil {
		return rep, fmt.Errorf("transfer: store finish: %w", err)
	}
	ev.Time, ev.Detail = s.now(), detail(id, digest, map[string]any{"step": "done", "moved": rep.Moved, "destroyed": rep.Destroyed, "kept": rep.Kept})
	if err := s.rec.Record(ctx, ev); err != nil {
		return rep, fmt.Errorf("transfer: audit: %w", err)
	}
	return rep, nil
}

// bundleSubjects reads the customers of a bundle and checks that its
// customer frames hash to the receipt's root.
func bundleSubjects(r io.Reader, id string, rc Manifest) ([]custos.SubjectID, error) {
	fr, err := newFrameReader(r)
	if err != nil {
		return nil, err
	}
	t := newTree()
	var out []custos.SubjectID
	for {
		kind, payload, err := fr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if kind == frameHeader {
			var h Header
			if err := decodeStrict(payload, &h); err != nil || h.Transfer != id {
				return nil, fmt.Errorf("%w: bundle of another transfer", ErrBundle)
			}
			continue
		}
		if kind != frameCustomer {
			continue
		}
		var c Customer
		if err := decodeStrict(payload, &c); err != nil {
			return nil, fmt.Errorf("%w: customer %d does not decode", ErrBundle, len(out))
		}
		t.add(payload)
		out = append(out, c.Subject)
	}
	if t.size() != rc.Customers || !bytes.Equal(t.root(), rc.Root) {
		return nil, fmt.Errorf("%w: the bundle is not the one the receipt names", ErrBundle)
	}
	return out, nil
}
