package retention

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Erase answers a customer's request to be erased (PIPL Art. 47; GDPR Art.
// 17) under the policy. If no statutory minimum still runs for any record
// type the customer holds, and no legal hold is in force over them, the
// customer is destroyed now (vault.Forget) and the certificate kept, as a
// sweep does. Otherwise the customer is restricted to storage only, with a
// ground naming the rules that keep them and until when (PIPL Art. 47 ¶2;
// NDSR Art. 24), and every clock of theirs is set to fall due the day the
// last statutory period ends, so the first sweep after that day destroys
// them.
//
// A customer with a started hand-over clock (AML Art. 34: the records go
// to the designated body on dissolution) is restricted and never
// destroyed: no destruction is scheduled.
//
// A rule with a statutory minimum whose clock has not started, such as
// identity records of a relationship that has not ended, is counted from
// the request: the earliest its period could start. request identifies
// the request: the restriction, the destruction and its certificate
// (vault.Certificate.RequestID) are done under it as
// custos.Access.RequestID, whose identifier rule it follows.
func (r *Retention) Erase(ctx context.Context, subject custos.SubjectID, request string) (Outcome, error) {
	if err := subject.Validate(); err != nil {
		return Outcome{}, err
	}
	acc := custos.Access{Actor: r.acc.Actor, Purpose: r.acc.Purpose, RequestID: request}
	if err := acc.Validate(); err != nil || request == "" {
		return Outcome{}, fmt.Errorf("%w: erasure request id is not a valid identifier", ErrEvent)
	}
	now := r.now()
	restr, err := r.vault.Restriction(ctx, acc, subject)
	if err != nil {
		return Outcome{}, subjectErr(err)
	}
	types, err := r.vault.RecordTypes(ctx, acc, subject)
	if err != nil {
		return Outcome{}, subjectErr(err)
	}
	list, err := r.store.Clocks(ctx, subject)
	if err != nil {
		return Outcome{}, fmt.Errorf("retention: read clocks: %w", err)
	}
	clocks := map[string]Clock{}
	for _, c := range list {
		clocks[c.Rule] = c
	}
	// The clocks the customer's record types run, started from the
	// request where they had not started.
	var run []Clock
	last := now
	var keeping, handing []string
	for _, rule := range r.rules {
		if !slices.Contains(types, rule.RecordType) {
			continue
		}
		c, ok := clocks[rule.Name]
		if ok && rule.Expiry == HandOver {
			handing = append(handing, fmt.Sprintf("%s (%s; hand over to %s)", rule.Name, rule.Law, rule.Body))
		}
		if !ok {
			c = clockFor(rule, subject, now)
		}
		if c.Keep.After(now) {
			keeping = append(keeping, fmt.Sprintf("%s (%s) until %s", rule.Name, rule.Law, c.Keep.Format(time.DateOnly)))
			if c.Keep.After(last) {
				last = c.Keep
			}
		}
		run = append(run, c)
	}
	o := Outcome{Subject: subject}
	for _, c := range run {
		o.Rules = append(o.Rules, c.Rule)
	}
	slices.Sort(o.Rules)
	holds, err := r.holding(ctx, subject, types, now)
	if err != nil {
		return Outcome{}, err
	}
	if len(handing) > 0 {
		// AML Art. 34: records bound for the designated body are handed
		// over, never destroyed; no destruction is scheduled.
		o.Kind, o.Holds = Restricted, holds
		o.Why = "erasure requested; kept in storage only for hand-over: " + strings.Join(handing, "; ")
		if restr.Restricted {
			return o, nil
		}
		if err := r.vault.Restrict(ctx, acc, subject, ground("erasure requested; kept for hand-over", handing)); err != nil {
			return Outcome{}, fmt.Errorf("retention: restrict: %w", err)
		}
		return o, nil
	}
	if len(keeping) == 0 && len(holds) == 0 {
		o.Kind, o.Why = Destroyed, "erasure requested and no statutory period runs"
		// The destruction and its certificate name the request: a copy of
		// r acting under the request's id.
		byRequest := *r
		byRequest.acc = acc
		return byRequest.destroy(ctx, o, restr.Restricted, request, []string{"erasure requested (PIPL Art. 47(1))"})
	}
	o.Kind, o.Holds = Restricted, holds
	why := "erasure requested; kept in storage only (PIPL Art. 47 ¶2): " + strings.Join(keeping, "; ")
	if len(holds) > 0 {
		why = "erasure requested; kept in storage only under legal hold " + strings.Join(holds, ", ")
	}
	o.Why = why
	if err := r.vault.Restrict(ctx, acc, subject, ground("erasure requested", append(keeping, "storage only (PIPL Art. 47 ¶2)"))); err != nil {
		return Outcome{}, fmt.Errorf("retention: restrict: %w", err)
	}
	for _, c := range run {
		c.Due, c.Next = last, last
		if _, err := r.store.PutClock(ctx, c); err != nil {
			return Outcome{}, fmt.Errorf("retention: schedule destruction: %w", err)
		}
	}
	return o, nil
}
