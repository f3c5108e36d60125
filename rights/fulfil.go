package rights

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// Fulfilment is what fulfilling a request needs beyond the request.
type Fulfilment struct {
	// Out receives the document of an access, copy, portability or
	// explanation request, as JSON. Required for those kinds.
	Out io.Writer
	// Values are, for a correction, the corrected values by
	// "recordtype.field": exactly the request's Fields. They go to the
	// vault and nowhere else.
	Values map[string]any
}

// outcome is how the acts of a request ended.
type outcome struct {
	state State
	text  string
	wrote bool
	holds []string // the legal holds that refused an erasure
}

// Fulfil fulfils a verified request through the package that owns what it
// asks for, each act audited there under the request's id and recorded in
// the request's history, then closes it and enqueues the answer:
//
//   - Access and Copy write an AccessDocument to f.Out: the records
//     (vault.Export), the consent receipts, and the information of GDPR
//     Art. 15(1) from the policy types;
//   - Portability writes a PortabilityDocument for the named handler;
//   - Correction validates f.Values by each field's kind, applies them
//     with vault.Update, and tells every organisation that received a
//     corrected field (Policy.Disclosures; GDPR Art. 19);
//   - Erasure goes through retention's Erase: destroyed (the certificate
//     is in the Answer), or kept in storage only while a statutory period
//     runs (partially fulfilled, the outcome naming the rules and until
//     when), or refused under a legal hold with the hold's reason;
//   - Restriction restricts the customer (vault.Restrict) with the
//     request's ground; Objection withdraws consent for consent-based
//     purposes and restricts for the others; Withdrawal withdraws consent;
//   - Explanation writes an ExplanationDocument in zh-Hans and en.
//
// A customer the vault does not hold is answered "no data held", which is
// an answer, not an error. Fulfil refuses, changing nothing, a request not
// verified (ErrNotVerified), a missing writer or correction values that
// fail their kind (ErrCorrection).
//
// Fulfil is resumable: each act is recorded when done, and a rerun after
// any failure does only what is not recorded, so no export is written
// twice, no correction notice enqueued twice and no erasure certified
// twice. A document is written to f.Out only after its act is recorded;
// if a failure strikes between the vault's read and that record, the read
// is repeated by the rerun (both are in the audit log) and one document
// is written. Fulfilling a closed request returns its answer and writes
// nothing.
func (d *Desk) Fulfil(ctx context.Context, acc custos.Access, id string, f Fulfilment) (Answer, error) {
	if err := acc.Validate(); err != nil {
		return Answer{}, err
	}
	r, err := d.Get(ctx, id)
	if err != nil {
		return Answer{}, err
	}
	if r.State.Closed() {
		return d.answer(ctx, acc, r)
	}
	if r.State == Received {
		return Answer{}, fmt.Errorf("%w: request is %s (rule R8)", ErrNotVerified, r.State)
	}
	if err := d.checkFulfilment(r, f); err != nil {
		return Answer{}, err
	}
	done := map[string]Entry{}
	if r.State == Verified {
		// Started now: no act is done yet, unless another desk started it
		// first and went on (then the history says which).
		started := r
		if r, err = d.Start(ctx, acc, id); err != nil {
			return Answer{}, err
		}
		if r.Version != started.Version+1 {
			if done, err = d.doneActs(ctx, id); err != nil {
				return Answer{}, err
			}
		}
	} else if done, err = d.doneActs(ctx, id); err != nil {
		return Answer{}, err
	}
	a := acts{d: d, acc: acc, r: r, done: done}
	var o outcome
	switch r.Kind {
	case Access, Copy:
		o, err = a.access(ctx, f.Out)
	case Portability:
		o, err = a.portability(ctx, f.Out)
	case Correction:
		o, err = a.correct(ctx, f.Values)
	case Erasure:
		o, err = a.erase(ctx)
	case Restriction:
		o, err = a.restrict(ctx)
	case Objection:
		o, err = a.object(ctx)
	case Withdrawal:
		o, err = a.withdraw(ctx)
	case Explanation:
		o, err = a.explain(ctx, f.Out)
	}
	if err != nil {
		return Answer{Request: r}, err
	}
	ref, err := d.closingRef(ctx, a.r)
	if err != nil {
		return Answer{Request: a.r}, err
	}
	r, err = d.advance(ctx, acc, id, closeChange(o.state, o.text, ref))
	if err != nil {
		return Answer{Request: r}, err
	}
	ans, err := d.answer(ctx, acc, r)
	ans.Written = o.wrote
	return ans, err
}

// doneActs returns the acts the request's history records as done, by
// name.
func (d *Desk) doneActs(ctx context.Context, id string) (map[string]Entry, error) {
	h, err := d.History(ctx, id)
	if err != nil {
		return nil, err
	}
	done := map[string]Entry{}
	for _, e := range h {
		if e.Step == StepDone {
			done[e.Act] = e
		}
	}
	return done, nil
}

// checkFulfilment checks what Fulfil is given, before anything changes.
func (d *Desk) checkFulfilment(r Request, f Fulfilment) error {
	switch r.Kind {
	case Access, Copy, Portability, Explanation:
		if f.Out == nil {
			return fmt.Errorf("%w: a %s request needs a writer for its document", ErrInvalidRequest, r.Kind)
		}
	case Correction:
		return d.checkValues(r, f.Values)
	}
	return nil
}

// checkValues checks correction values: exactly the request's fields, each
// valid for its kind (PIPL Art. 46). The error names the field and the
// kind's rule, never the value.
func (d *Desk) checkValues(r Request, values map[string]any) error {
	if len(values) != len(r.Fields) {
		return fmt.Errorf("%w: %d values for %d fields", ErrCorrection, len(values), len(r.Fields))
	}
	for _, f := range r.Fields {
		v, ok := values[f]
		if !ok {
			return fmt.Errorf("%w: no value for %s", ErrCorrection, f)
		}
		k, err := d.field(f)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrCorrection, err)
		}
		if _, err := k.Canonical(v); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorrection, f, err)
		}
	}
	return nil
}

// acts runs the acts of one request, skipping those its history records.
type acts struct {
	d    *Desk
	acc  custos.Access
	r    Request
	done map[string]Entry
}

// The names of acts in a request's history.
const (
	actExport   = "export"
	actErase    = "erase"
	actRestrict = "restrict"
	actExplain  = "explain"
)

// as returns the access for calls to other packages: the operator's, with
// the request's id.
func (a *acts) as() custos.Access { return forRequest(a.acc, a.r) }

// did records act as done, with what it left.
func (a *acts) did(ctx context.Context, act string, d map[string]any) error {
	r, err := a.d.advance(ctx, a.acc, a.r.ID, func(r *Request, _ time.Time) (Entry, bool, error) {
		if r.State != InProgress {
			return Entry{}, false, fmt.Errorf("%w: request is %s", ErrState, r.State)
		}
		return Entry{Step: StepDone, Act: act, Detail: detail(d)}, true, nil
	})
	if err == nil {
		a.r = r
		a.done[act] = Entry{Step: StepDone, Act: act, Detail: detail(d)}
	}
	return err
}

// held tells whether the vault holds the customer.
func (a *acts) held(ctx context.Context) (bool, error) {
	st, err := a.d.vault.SubjectState(ctx, a.r.Subject)
	if err != nil {
		return false, fmt.Errorf("rights: customer state: %w", err)
	}
	return st == custos.SubjectActive || st == custos.SubjectRestricted, nil
}

// noData is the answer for a customer the vault does not hold.
const noData = "no data held"

// erasure is the vault's why for an erasure the request asks for.
func (a *acts) erasure() vault.Erasure {
	return vault.Erasure{Ground: "data-subject request " + a.r.ID + ": " + a.r.Ground}
}
