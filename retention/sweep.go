package retention

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/vault"
)

// OutcomeKind is what a sweep did, or would do, to one customer.
type OutcomeKind uint8

const (
	outcomeNone OutcomeKind = iota
	// Destroyed: every record type the customer holds ran out, and the
	// customer was crypto-shredded (vault.Forget); the certificate is kept.
	Destroyed
	// Restricted: a restrict-then-destroy or hand-over rule ran out, and
	// the customer was put in storage-only state (vault.Restrict).
	Restricted
	// Held: a legal hold in force kept the customer from destruction.
	Held
	// Waiting: some record types ran out but another must stay; the vault
	// destroys whole customers, so they wait for it.
	Waiting
	// Gone: the vault no longer holds the customer (forgotten elsewhere);
	// their clocks were deleted.
	Gone
)

var outcomeNames = [...]string{
	outcomeNone: "none", Destroyed: "destroyed", Restricted: "restricted", Held: "held", Waiting: "waiting", Gone: "gone",
}

// String returns the outcome's stable name.
func (k OutcomeKind) String() string { return nameOf(outcomeNames[:], uint8(k), "outcome") }

// Outcome is one customer's outcome in a sweep.
type Outcome struct {
	Subject custos.SubjectID
	Kind    OutcomeKind
	// Rules are the rules whose clocks ran out, sorted.
	Rules []string
	// Holds are the holds that kept the customer, for Held.
	Holds []string
	// Why says in one line why, naming rules and laws, never data.
	Why string
	// Certificate is the destruction certificate, for Destroyed outside a
	// dry run.
	Certificate *vault.Certificate
}

// Progress counts a sweep's outcomes so far.
type Progress struct {
	// Clocks counts due clocks read; the others count customers.
	Clocks, Destroyed, Restricted, Held, Waiting, Gone int64
}

func (p *Progress) add(k OutcomeKind) {
	switch k {
	case Destroyed:
		p.Destroyed++
	case Restricted:
		p.Restricted++
	case Held:
		p.Held++
	case Waiting:
		p.Waiting++
	case Gone:
		p.Gone++
	}
}

// SweepOptions configures one sweep. The zero value sweeps now.
type SweepOptions struct {
	// At is the time the sweep applies the policy at; zero means now.
	At time.Time
	// DryRun lists what would happen and why, and changes nothing.
	DryRun bool
	// ID identifies the sweep on the destructions it records; empty means
	// "sweep-" and At.
	ID string
	// Batch is how many due clocks are read per store call; 0 means 256.
	// Memory stays bounded by it, whatever the number of customers.
	Batch int
	// Workers is how many customers of a batch are judged at once; 0
	// means 1. Customers are independent, so more workers let their audit
	// events share the log's group commit; outcomes are still passed to
	// Outcome one at a time, in due-date order, once a batch is done.
	// Whatever Workers, the customers of a batch found due for destruction
	// are destroyed together, with one vault.ForgetBatch, and their
	// certificates stored at once.
	Workers int
	// Outcome, if not nil, receives each customer's outcome as it is
	// decided; an error stops the sweep.
	Outcome func(Outcome) error
	// Progress, if not nil, is called after each batch.
	Progress func(Progress)
}

// Sweep applies the policy at opt.At to every customer with a clock due
// then, found through the store's due-date index (never a scan of all
// customers), and returns the counts of outcomes:
//
//   - a customer every record type of whom ran out (every rule of each type
//     has a clock whose maximum passed, PIPL Art. 19, 47(1)) is destroyed
//     with vault.Forget, unless a legal hold is in force over them, and the
//     certificate is stored whole in the Store (Destruction) and passed to
//     opt.Outcome; a restricted customer is unrestricted first, as Forget
//     requires;
//   - a customer with a hand-over rule that ran out, or a
//     restrict-then-destroy rule past its RestrictAfter, is restricted
//     (PIPL Art. 47 ¶2; AML Art. 34) and never destroyed by a hand-over
//     rule;
//   - a legal hold keeps a customer from destruction whatever the clocks
//     say; restriction still applies.
//
// A sweep is idempotent and resumable: rerun after a crash, a cancel or a
// store failure at any point, it gives every due customer one outcome,
// destroys none twice and misses none. Two sweeps may run at once on one
// store. A sweep dated before the latest sweep is refused with
// ErrClockBehind and nothing changes.
//
// A crash between the vault's erasure and the storing of its certificate
// loses nothing: the rerun finds the customer's clocks still due, asks
// vault.Forget again, which resumes an interrupted erasure or returns the
// certificate of the one done, and keeps that certificate (the outcome is
// Destroyed, with the same certificate ID as the audit log's). If storing
// a certificate keeps failing after the customer was destroyed, Sweep
// returns the error after passing the outcome, with its certificate, to
// opt.Outcome; a rerun stores it.
func (r *Retention) Sweep(ctx context.Context, opt SweepOptions) (Progress, error) {
	var p Progress
	at := opt.At
	if at.IsZero() {
		at = r.now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	if opt.ID == "" {
		opt.ID = "sweep-" + at.Format(time.RFC3339Nano)
	}
	if opt.Batch <= 0 {
		opt.Batch = 256
	}
	mark, err := r.store.SweepMark(ctx)
	if err != nil {
		return p, fmt.Errorf("retention: read sweep mark: %w", err)
	}
	if at.Before(mark) {
		return p, fmt.Errorf("%w: %s is before %s", ErrClockBehind, at.Format(time.RFC3339), mark.Format(time.RFC3339))
	}
	after := DueKey{}
	for {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		page, err := r.store.DueClocks(ctx, at, after, opt.Batch)
		if err != nil {
			return p, fmt.Errorf("retention: read due clocks: %w", err)
		}
		if len(page) == 0 {
			break
		}
		p.Clocks += int64(len(page))
		var subjects []custos.SubjectID
		for i, c := range page {
			if i == 0 || page[i-1].Subject != c.Subject {
				subjects = append(subjects, c.Subject)
			}
		}
		var first error
		results := r.sweepBatch(ctx, subjects, at, opt)
		r.destroyBatch(ctx, results, opt.ID)
		for _, res := range results {
			if res.o.Kind != outcomeNone {
				p.add(res.o.Kind)
				if opt.Outcome != nil {
					if err := opt.Outcome(res.o); err != nil && res.err == nil {
						res.err = err
					}
				}
			}
			if first == nil {
				first = res.err
			}
		}
		if first != nil {
			return p, first
		}
		last := page[len(page)-1]
		after = DueKey{Next: last.Next, Subject: last.Subject, Rule: last.Rule}
		if opt.Progress != nil {
			opt.Progress(p)
		}
	}
	if opt.DryRun {
		return p, nil
	}
	if err := r.store.AdvanceSweep(ctx, at); err != nil {
		if errors.Is(err, ErrConflict) {
			return p, nil // a later sweep finished meanwhile: its mark stands
		}
		return p, fmt.Errorf("retention: record sweep: %w", err)
	}
	return p, nil
}

// result is one customer's outcome in a batch.
type result struct {
	o   Outcome
	err error
	// forget, when set, is the erasure the outcome waits for: the
	// customer is destroyed with the batch's others (destroyBatch).
	forget *vault.Erasure
}

// sweepBatch handles subjects with opt.Workers at once and returns their
// results in the order of subjects. One worker stops at the first error;
// several finish the batch, so that every customer they handled has its
// outcome reported.
func (r *Retention) sweepBatch(ctx context.Context, subjects []custos.SubjectID, at time.Time, opt SweepOptions) []result {
	out := make([]result, len(subjects))
	workers := min(max(opt.Workers, 1), len(subjects))
	if workers == 1 {
		for i, s := range subjects {
			out[i] = r.sweepOne(ctx, s, at, opt)
			if out[i].err != nil {
				return out[:i+1]
			}
		}
		return out
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = r.sweepOne(ctx, subjects[i], at, opt)
			}
		}()
	}
	for i := range subjects {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// verdict is what the clocks of one customer say at a time.
type verdict struct {
	destroy  bool     // every record type ran out and none is handed over
	restrict []string // rules that call for restriction now
	expired  []string // rules whose maximum passed
	laws     []string // "rule (law)" of expired and restricting rules
}

// judge applies the policy to a customer holding types with clocks.
func (r *Retention) judge(types []string, clocks map[string]Clock, at time.Time) verdict {
	var v verdict
	v.destroy = len(types) > 0
	for _, t := range types {
		for _, rule := range r.rules {
			if rule.RecordType != t {
				continue
			}
			c, ok := clocks[rule.Name]
			ran := ok && !c.Due.After(at)
			if !ran {
				v.destroy = false
			}
			if !ok {
				continue
			}
			if ran {
				v.expired = append(v.expired, rule.Name)
			}
			switch {
			case rule.Expiry == HandOver:
				v.destroy = false
				if ran {
					v.restrict = append(v.restrict, rule.Name)
					v.laws = append(v.laws, fmt.Sprintf("%s (%s; hand over to %s)", rule.Name, rule.Law, rule.Body))
				}
			case rule.Expiry == RestrictThenDestroy && !rule.RestrictAfter.After(c.Started).After(at):
				v.restrict = append(v.restrict, rule.Name)
				v.laws = append(v.laws, fmt.Sprintf("%s (%s)", rule.Name, rule.Law))
			case ran:
				v.laws = append(v.laws, fmt.Sprintf("%s (%s)", rule.Name, rule.Law))
			}
		}
	}
	slices.Sort(v.expired)
	v.expired = slices.Compact(v.expired)
	return v
}

// sweepOne decides and applies the outcome of one customer; a
// destruction it leaves to destroyBatch, with the rest of the batch.
func (r *Retention) sweepOne(ctx context.Context, subject custos.SubjectID, at time.Time, opt SweepOptions) result {
	o, why, err := r.decideOne(ctx, subject, at, opt)
	return result{o: o, err: err, forget: why}
}

// decideOne is sweepOne's work: the outcome, and the erasure of a
// customer to destroy.
func (r *Retention) decideOne(ctx context.Context, subject custos.SubjectID, at time.Time, opt SweepOptions) (Outcome, *vault.Erasure, error) {
	o := Outcome{Subject: subject}
	restr, err := r.vault.Restriction(ctx, r.acc, subject)
	var types []string
	if err == nil {
		types, err = r.vault.RecordTypes(ctx, r.acc, subject)
	}
	if err := subjectErr(err); errors.Is(err, ErrForgotten) || errors.Is(err, ErrUnknownSubject) {
		o.Kind, o.Why = Gone, "the vault no longer holds the customer"
		if opt.DryRun {
			return o, nil, nil
		}
		o, err := r.settle(ctx, o, opt.ID)
		return o, nil, err
	} else if err != nil {
		return Outcome{}, nil, err
	}
	list, err := r.store.Clocks(ctx, subject)
	if err != nil {
		return Outcome{}, nil, fmt.Errorf("retention: read clocks: %w", err)
	}
	clocks := map[string]Clock{}
	for _, c := range list {
		clocks[c.Rule] = c
	}
	v := r.judge(types, clocks, at)
	o.Rules = v.expired
	if v.destroy || len(v.restrict) > 0 {
		if o.Holds, err = r.holding(ctx, subject, types, at); err != nil {
			return Outcome{}, nil, err
		}
	}
	switch {
	case v.destroy && len(o.Holds) > 0:
		o.Kind, o.Why = Held, "destruction due ("+strings.Join(v.laws, "; ")+") but held by "+strings.Join(o.Holds, ", ")
		return o, nil, nil // a held customer's clocks stay due: the next sweep looks again
	case v.destroy:
		o.Kind, o.Why = Destroyed, "retention period expired: "+strings.Join(v.laws, "; ")
		if opt.DryRun {
			return o, nil, nil
		}
		why, err := r.erasure(ctx, o, restr.Restricted, v.laws)
		if err != nil {
			return Outcome{}, nil, err
		}
		return o, &why, nil
	case len(v.restrict) > 0 && !restr.Restricted:
		o.Kind, o.Why = Restricted, "storage only: "+strings.Join(v.laws, "; ")
		if opt.DryRun {
			return o, nil, nil
		}
		if err := r.vault.Restrict(ctx, r.acc, subject, ground("retention: storage only", v.laws)); err != nil {
			return Outcome{}, nil, fmt.Errorf("retention: restrict: %w", err)
		}
	case len(v.expired) > 0:
		o.Kind, o.Why = Waiting, "ran out: "+strings.Join(v.laws, "; ")+"; other record types must stay"
		if opt.DryRun {
			return o, nil, nil
		}
	}
	return o, nil, r.park(ctx, list, at)
}

// park moves every clock of a customer that a sweep has looked at past
// the sweep: a restrict-then-destroy clock past its restriction to its
// maximum, and a clock whose maximum passed to wait for the customer's
// other clocks.
func (r *Retention) park(ctx context.Context, list []Clock, at time.Time) error {
	for _, c := range list {
		if c.Next.After(at) {
			continue
		}
		next := c.Due
		if !c.Due.After(at) {
			next = parked()
		}
		err := r.store.SetNext(ctx, c.Subject, c.Rule, c.Started, next)
		if err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("retention: advance clock: %w", err)
		}
	}
	return nil
}

// certificateAttempts bounds the tries to store a certificate.
const certificateAttempts = 4

// destroy forgets the customer and keeps the certificate.
func (r *Retention) destroy(ctx context.Context, o Outcome, restricted bool, sweep string, laws []string) (Outcome, error) {
	why, err := r.erasure(ctx, o, restricted, laws)
	if err != nil {
		return Outcome{}, err
	}
	cert, err := r.vault.Forget(ctx, r.acc, o.Subject, why)
	return r.forgotten(ctx, o, vault.Forgotten{Certificate: cert, Err: err}, sweep)
}

// erasure is why the customer is destroyed; a restricted customer is
// unrestricted first, as vault.Forget requires.
func (r *Retention) erasure(ctx context.Context, o Outcome, restricted bool, laws []string) (vault.Erasure, error) {
	if restricted {
		if err := r.vault.Unrestrict(ctx, r.acc, o.Subject); err != nil {
			return vault.Erasure{}, fmt.Errorf("retention: lift restriction before destruction: %w", err)
		}
	}
	return vault.Erasure{Ground: ground("retention period expired", laws), Policy: policyName(o.Rules)}, nil
}

// forgotten keeps the certificate of the customer's erasure, as Forget
// or ForgetBatch answered it.
func (r *Retention) forgotten(ctx context.Context, o Outcome, f vault.Forgotten, sweep string) (Outcome, error) {
	cert, err := f.Certificate, f.Err
	if errors.Is(err, vault.ErrForgotten) || errors.Is(err, vault.ErrNotFound) {
		o.Kind, o.Why = Gone, "the vault no longer holds the customer"
		return r.adopt(ctx, o, cert, err, sweep)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("retention: forget: %w", err)
	}
	o.Certificate = &cert
	return r.kept(ctx, o, cert, sweep)
}

// kept keeps cert as o's destruction. The outcome stays Destroyed, with
// the certificate, only for the call that stored it: a concurrent sweep
// that stored it first owns the outcome, and this one is Gone.
func (r *Retention) kept(ctx context.Context, o Outcome, cert vault.Certificate, sweep string) (Outcome, error) {
	stored, err := r.keep(ctx, o, cert, sweep)
	if err == nil && !stored {
		o.Kind, o.Why, o.Certificate = Gone, "destroyed; its certificate was kept by a concurrent sweep", nil
	}
	return o, err
}

// settle ends the clocks of a customer the vault no longer holds. Forget
// is asked again: it resumes an erasure a crash interrupted, or returns
// the certificate of one that is done. An erasure done under retention's
// own access is retention's destruction whose certificate a crash kept
// from the store: it is stored now, and the outcome is Destroyed with that
// certificate, so that no destruction lacks its certificate. Any other
// (the customer forgotten by another actor, or never stored) is Gone, and
// the clocks are deleted.
func (r *Retention) settle(ctx context.Context, o Outcome, sweep string) (Outcome, error) {
	why := vault.Erasure{Ground: "retention: resume or report an erasure", Policy: policyName(o.Rules)}
	cert, err := r.vault.Forget(ctx, r.acc, o.Subject, why)
	if err == nil {
		// A fenced erasure resumed and completed now.
		o.Kind, o.Why = Destroyed, "retention: interrupted erasure completed"
		return r.adopted(ctx, o, cert, sweep)
	}
	if !errors.Is(err, vault.ErrForgotten) && !errors.Is(err, vault.ErrNotFound) {
		return Outcome{}, fmt.Errorf("retention: forget: %w", err)
	}
	return r.adopt(ctx, o, cert, err, sweep)
}

// adopt keeps the certificate of an erasure that Forget reports done
// (err is vault.ErrForgotten) when retention's access did it; otherwise
// it deletes the clocks of a customer gone elsewhere.
func (r *Retention) adopt(ctx context.Context, o Outcome, cert vault.Certificate, err error, sweep string) (Outcome, error) {
	if errors.Is(err, vault.ErrForgotten) && cert.ID != "" && cert.Actor == r.acc.Actor.ID && cert.Purpose == r.acc.Purpose {
		o.Kind, o.Why = Destroyed, "retention: destroyed by an earlier run; certificate kept now"
		return r.adopted(ctx, o, cert, sweep)
	}
	if _, err := r.store.DeleteClocks(ctx, o.Subject); err != nil {
		return o, fmt.Errorf("retention: delete clocks: %w", err)
	}
	return o, nil
}

// adopted keeps cert as the destruction of o's customer, unless the store
// keeps a certificate of theirs already (an earlier run stored it): then
// that one stands and is the outcome's.
func (r *Retention) adopted(ctx context.Context, o Outcome, cert vault.Certificate, sweep string) (Outcome, error) {
	if d, err := r.store.GetDestruction(ctx, cert.SubjectRef); err == nil {
		var kept vault.Certificate
		if json.Unmarshal(d.Certificate, &kept) == nil && kept.ID == cert.ID {
			o.Kind, o.Why = Gone, "destroyed; its certificate was kept by a concurrent sweep"
			_, err := r.store.DeleteClocks(ctx, o.Subject)
			return o, err
		}
	} else if !errors.Is(err, ErrNotFound) {
		return Outcome{}, fmt.Errorf("retention: read destruction: %w", err)
	}
	o.Certificate = &cert
	return r.kept(ctx, o, cert, sweep)
}

// keep stores a certificate, retrying: the customer is already destroyed,
// so giving up loses the certificate from the store. It reports whether
// this call stored it: false when the store held the same certificate
// already before the first attempt (a concurrent sweep stored it).
func (r *Retention) keep(ctx context.Context, o Outcome, cert vault.Certificate, sweep string) (bool, error) {
	b, err := json.Marshal(cert)
	if err != nil {
		return false, fmt.Errorf("retention: encode certificate: %w", err)
	}
	d := Destruction{Ref: cert.SubjectRef, Sweep: sweep, Rules: o.Rules, At: r.now(), Certificate: b}
	for i := range certificateAttempts {
		err = r.store.Destroyed(ctx, o.Subject, d)
		if err == nil {
			return true, nil
		}
		if errors.Is(err, ErrConflict) {
			got, gerr := r.store.GetDestruction(ctx, d.Ref)
			if gerr == nil && string(got.Certificate) == string(b) {
				_, err = r.store.DeleteClocks(ctx, o.Subject)
				if err == nil {
					// After a failed attempt, the stored one is that
					// attempt's, whose answer was lost.
					return i > 0, nil
				}
			}
		}
	}
	return false, fmt.Errorf("retention: customer destroyed but its certificate was not stored: %w", err)
}

// ground builds a one-line legal ground within custos.GroundRule.
func ground(head string, laws []string) string {
	g := head + ": " + strings.Join(laws, "; ")
	if len(g) > 512 {
		g = head + " (rules of the retention policy)"
	}
	return g
}

// policyName names the rules on a certificate, within an identifier's
// bounds.
func policyName(rules []string) string {
	p := strings.Join(rules, ",")
	if len(p) > custos.MaxIdentifierBytes {
		return "retention-policy"
	}
	return p
}
