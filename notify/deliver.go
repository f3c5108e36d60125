package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/custos-go/custos"
)

// outcome is what one attempt came to.
type outcome struct {
	result   Result
	reason   string
	provider string
	choice   *Choice
}

func fail(r Result, reason string) outcome { return outcome{result: r, reason: reason} }

// deliver makes one attempt at m and records it. The result is recorded
// even when ctx ends during the send (a dispatcher shutting down), within
// the send timeout, so that a message the channel accepted is not sent
// again for want of its record.
func (d *Dispatcher) deliver(ctx context.Context, m Stored) (Report, error) {
	o := d.attempt(ctx, m)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout)
	defer cancel()
	return d.finish(rctx, m, o)
}

// attempt reads the address, renders and sends m. The address lives only
// in this call.
func (d *Dispatcher) attempt(ctx context.Context, m Stored) outcome {
	n := d.chans[m.Channel]
	if n == nil {
		return fail(ResultPermanent, "unknown-channel") // before any address is read
	}
	c, o, ok := d.contact(ctx, m)
	if !ok {
		return o
	}
	r, err := d.outbox.templates.Render(m.Template, m.Params, c.Language)
	if err != nil {
		return fail(ResultPermanent, "template")
	}
	sctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	rec, err := n.Send(sctx, Delivery{
		ID: m.ID, Key: m.Key, Attempt: m.Attempts, Channel: m.Channel, To: c.Address, Organisation: m.To.Organisation,
		Template: m.Template, Language: r.Choice.Language, Subject: r.Subject, Body: r.Body,
	})
	if err != nil {
		res, code := classify(err)
		return outcome{result: res, reason: code, choice: &r.Choice}
	}
	if custos.SubjectID(rec.ProviderID).Validate() != nil {
		rec.ProviderID = "" // not an identifier: not kept
	}
	return outcome{result: ResultSent, provider: rec.ProviderID, choice: &r.Choice}
}

// contact returns the recipient's address and language, or the outcome of
// an attempt that ends before sending. A customer the vault forgot is
// cancelled before any address is read.
func (d *Dispatcher) contact(ctx context.Context, m Stored) (Contact, outcome, bool) {
	if m.To.Organisation != "" {
		c, ok := d.orgs[m.To.Organisation][m.Channel]
		if !ok || c.Address == "" {
			return Contact{}, fail(ResultPermanent, "no-address"), false
		}
		return c, outcome{}, true
	}
	st, err := d.outbox.subjects.SubjectState(ctx, m.To.Subject)
	switch {
	case err != nil:
		return Contact{}, fail(ResultTemporary, "customer-state"), false
	case st == custos.SubjectForgotten:
		return Contact{}, fail(ResultCancelled, "forgotten"), false
	case st == custos.SubjectUnknown:
		return Contact{}, fail(ResultPermanent, "unknown-customer"), false
	}
	c, err := d.dir.Contact(ctx, m.Sender, m.To.Subject, m.Channel)
	var f *Failure
	switch {
	case errors.Is(err, ErrForgotten):
		return Contact{}, fail(ResultCancelled, "forgotten"), false
	case errors.Is(err, ErrNoAddress):
		return Contact{}, fail(ResultPermanent, "no-address"), false
	case errors.As(err, &f):
		res, code := classify(err)
		return Contact{}, fail(res, code), false
	case err != nil:
		return Contact{}, fail(ResultTemporary, "directory"), false
	case c.Address == "":
		return Contact{}, fail(ResultPermanent, "no-address"), false
	}
	return c, outcome{}, true
}

// finish records the attempt's audit event, then its result and the
// message's next state. An attempt whose event or result is not recorded
// leaves the message claimed: it is tried again, under the same key, when
// the lease ends.
func (d *Dispatcher) finish(ctx context.Context, m Stored, o outcome) (Report, error) {
	now := d.clock.Now()
	f := Finish{ID: m.ID, Owner: d.owner, N: m.Attempts, Attempt: Attempt{Finished: now, Result: o.result, Reason: o.reason, ProviderID: o.provider}}
	if o.choice != nil {
		f.Attempt.Language, f.Attempt.Asked, f.Attempt.Confidence = o.choice.Language.String(), o.choice.Asked, o.choice.Confidence.String()
	}
	var rep Report
	switch o.result {
	case ResultSent:
		f.State, rep.Sent = StateSent, 1
	case ResultCancelled:
		f.State, f.Reason, rep.Cancelled = StateCancelled, o.reason, 1
	case ResultPermanent:
		f.State, f.Reason, rep.Dead = StateDead, o.reason, 1
	default:
		if m.Attempts-m.Base >= d.max {
			f.State, f.Reason, rep.Dead = StateDead, "attempts-exhausted", 1
		} else {
			f.State, f.NextAt, rep.Retried = StatePending, now.Add(d.backoff.delay(m.Attempts-m.Base, d.jitter())), 1
		}
	}
	if err := d.outbox.rec.Record(ctx, d.event(m, f)); err != nil {
		return Report{Unrecorded: 1}, fmt.Errorf("%w: delivery of %s: %w", ErrAudit, m.ID, err)
	}
	err := d.store.Finish(ctx, f)
	switch {
	case errors.Is(err, ErrLeaseLost):
		d.log.WarnContext(ctx, "notify: claim lost before the result was recorded", "id", m.ID, "attempt", m.Attempts)
		return Report{Unrecorded: 1}, nil
	case err != nil:
		return Report{Unrecorded: 1}, fmt.Errorf("notify: record delivery of %s: %w", m.ID, err)
	}
	return rep, nil
}

// event is the audit event of an attempt: allowed when sent, denied when
// cancelled, error otherwise.
func (d *Dispatcher) event(m Stored, f Finish) custos.Event {
	out := custos.OutcomeError
	switch f.Attempt.Result {
	case ResultSent:
		out = custos.OutcomeAllowed
	case ResultCancelled:
		out = custos.OutcomeDenied
	}
	reason := f.Attempt.Reason
	if reason == "" && out != custos.OutcomeAllowed {
		reason = f.Attempt.Result.String()
	}
	ev := d.outbox.event(ActionDeliver, m.Sender, m, out, reason)
	ev.Time = f.Attempt.Finished
	ev.Detail = detail(map[string]any{
		"id": m.ID, "attempt": m.Attempts, "channel": m.Channel, "template": m.Template, "organisation": m.To.Organisation,
		"result": f.Attempt.Result.String(), "state": f.State.String(), "provider_id": f.Attempt.ProviderID, "language": f.Attempt.Language,
	})
	return ev
}
