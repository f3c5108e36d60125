package incident

import (
	"fmt"
	"time"
)

// Duty is what an obligation asks.
type Duty string

const (
	// DutyInitialReport is the first report to a regulator.
	DutyInitialReport Duty = "initial-report"
	// DutyFollowUp is a later phase of the report (GDPR Art. 33(4)).
	DutyFollowUp Duty = "follow-up"
	// DutyIndividuals is the notice to the people concerned (PIPL Art.
	// 57; GDPR Art. 34; NDSR Art. 11).
	DutyIndividuals Duty = "individuals"
)

// Obligation is one report or notice an incident owes, with its due time
// and how it ended.
type Obligation struct {
	// ID is stable across recomputation: "cac-initial", "gdpr-follow-up-1",
	// "individuals".
	ID     string
	Regime Regime
	Duty   Duty
	// To is the organisation a report goes to; empty for DutyIndividuals.
	To string
	// Due is when it is due.
	Due time.Time
	// Met is when it was fulfilled (the report or notices enqueued); zero
	// if not yet.
	Met time.Time
	// Delay is the reasons for fulfilling it late, recorded with it (GDPR
	// Art. 33(1)).
	Delay string
	// Exempt is why it is not owed (GDPR Art. 34(3)); empty when owed.
	Exempt string
}

// Status is where an obligation stands at a given time.
type Status string

const (
	StatusOpen    Status = "open"
	StatusMet     Status = "met"
	StatusOverdue Status = "overdue"
	// StatusDelayed is an obligation late, or met late, with its reasons
	// recorded (GDPR Art. 33(1)).
	StatusDelayed Status = "delayed"
	StatusExempt  Status = "exempt"
)

// Status returns the obligation's status at now. Met after Due without
// reasons is overdue: the law asks the reasons of a late report.
func (o Obligation) Status(now time.Time) Status {
	switch {
	case o.Exempt != "":
		return StatusExempt
	case !o.Met.IsZero() && !o.Met.After(o.Due):
		return StatusMet
	case o.Delay != "":
		return StatusDelayed
	case !o.Met.IsZero(), now.After(o.Due):
		return StatusOverdue
	}
	return StatusOpen
}

// settled reports whether the obligation lets the incident close.
func (o Obligation) settled() bool {
	return o.Exempt != "" || (!o.Met.IsZero() && (!o.Met.After(o.Due) || o.Delay != ""))
}

// obligations computes what inc owes under the regimes, keeping what the
// previous obligations recorded (met, delay, reasons) by id. exemption is
// the individuals' exemption, empty when notices are owed.
func obligations(inc Incident, r Regimes, exemption string) ([]Obligation, error) {
	var out []Obligation
	add := func(g Regime, d Duty, id string, due time.Time) {
		o := Obligation{ID: id, Regime: g, Duty: d, Due: due.UTC()}
		if d != DutyIndividuals {
			o.To = r.regulator(g)
		}
		out = append(out, o)
	}
	report := func(g Regime, due time.Time) {
		add(g, DutyInitialReport, string(g)+"-initial", due)
		for i, f := range r.FollowUps {
			add(g, DutyFollowUp, fmt.Sprintf("%s-follow-up-%d", g, i+1), due.Add(f))
		}
	}
	if r.applies(RegimeCAC) && inc.Grade >= GradeSerious {
		d, err := CACDeadline(r.Operator)
		if err != nil {
			return nil, err
		}
		report(RegimeCAC, inc.Detected.Add(d))
	}
	if r.applies(RegimeGDPR) {
		report(RegimeGDPR, inc.Aware.Add(GDPRWindow))
	}
	if r.applies(RegimePIPL) {
		report(RegimePIPL, inc.Aware.Add(r.PIPLWithin))
	}
	if r.applies(RegimeGDPR) || r.applies(RegimePIPL) {
		g := RegimePIPL
		if !r.applies(RegimePIPL) {
			g = RegimeGDPR
		}
		add(g, DutyIndividuals, "individuals", inc.Aware.Add(r.IndividualsWithin))
	}
	prev := map[string]Obligation{}
	for _, o := range inc.Obligations {
		prev[o.ID] = o
	}
	for i, o := range out {
		if p, ok := prev[o.ID]; ok {
			out[i].Met, out[i].Delay = p.Met, p.Delay
		}
		if o.Duty == DutyIndividuals {
			out[i].Exempt = exemption
		}
	}
	return out, nil
}
