package incident

import (
	"context"
	"fmt"
	"time"
)

// DrillStep is one timeline step of a drill with the time it took from
// detection.
type DrillStep struct {
	Action string
	After  time.Duration
}

// DrillOutcome is how one obligation would have ended.
type DrillOutcome struct {
	Obligation Obligation
	// Met reports whether it was fulfilled by its due time; Late by how
	// much it missed it (zero when met), counted to the drill's end when
	// it was never fulfilled.
	Met  bool
	Late time.Duration
}

// DrillReport is the rehearsal's result (rule I5: drills rehearse the
// plan; the company policy asks for regular drills): the time from
// detection to each step, and the deadlines it met or would have missed.
type DrillReport struct {
	ID       string
	Detected time.Time
	Steps    []DrillStep
	Outcomes []DrillOutcome
}

// DrillReport returns the report of a drill; ErrInvalid for an incident
// that is not a drill.
func (r *Register) DrillReport(ctx context.Context, id string) (DrillReport, error) {
	inc, err := r.Get(ctx, id)
	if err != nil {
		return DrillReport{}, err
	}
	if !inc.Drill {
		return DrillReport{}, fmt.Errorf("%w: %s is not a drill", ErrInvalid, id)
	}
	rep := DrillReport{ID: id, Detected: inc.Detected}
	for e, err := range r.Timeline(ctx, id) {
		if err != nil {
			return DrillReport{}, err
		}
		rep.Steps = append(rep.Steps, DrillStep{Action: e.Action, After: e.At.Sub(inc.Detected)})
	}
	for _, o := range inc.Obligations {
		out := DrillOutcome{Obligation: o}
		switch end := o.Met; {
		case o.Exempt != "":
			out.Met = true
		case !end.IsZero() && !end.After(o.Due):
			out.Met = true
		case !end.IsZero():
			out.Late = end.Sub(o.Due)
		default:
			out.Late = max(inc.LastStep.Sub(o.Due), 0)
		}
		rep.Outcomes = append(rep.Outcomes, out)
	}
	return rep, nil
}
