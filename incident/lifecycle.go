package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/custos-go/custos"
)

// Assessment is what analysis found (GDPR Art. 33(3); PIPL Art. 57): each
// part set replaces the incident's; parts left zero are kept.
type Assessment struct {
	Cause      string
	Systems    []string
	Categories []Category
	// People and Records replace the counts when positive.
	People, Records int64
	Harm            string
	Measures        []string
	Remedies        string
	// Exposure replaces the incident's when not nil.
	Exposure *Exposure
}

// Assess records an analysis and moves a detected incident to analysing;
// the grade and obligations follow from the new counts and exposure.
func (r *Register) Assess(ctx context.Context, acc custos.Access, id string, a Assessment) (Incident, error) {
	return r.change(ctx, acc, id, step{action: "analysed", detail: stepKey("assessment", a), apply: func(inc *Incident) error {
		if a.People < 0 || a.Records < 0 {
			return fmt.Errorf("%w: negative counts", ErrInvalid)
		}
		if a.Cause != "" {
			inc.Cause = a.Cause
		}
		if a.Systems != nil {
			inc.Systems = slices.Clone(a.Systems)
		}
		if a.Categories != nil {
			inc.Categories = a.Categories
		}
		inc.People, inc.Records = max(inc.People, a.People), max(inc.Records, a.Records)
		if a.Harm != "" {
			inc.Harm = a.Harm
		}
		if a.Measures != nil {
			inc.Measures = slices.Clone(a.Measures)
		}
		if a.Remedies != "" {
			inc.Remedies = a.Remedies
		}
		if a.Exposure != nil {
			inc.Exposure = *a.Exposure
		}
		if inc.State == StateDetected {
			inc.State = StateAnalysing
		}
		return nil
	}})
}

// Advance moves the incident forward in the lifecycle, to contained,
// eradicated or recovered (NIST SP 800-61r3). Going back, or to closed
// (use Close), is refused with ErrInvalid.
func (r *Register) Advance(ctx context.Context, acc custos.Access, id string, to State, detail string) (Incident, error) {
	return r.change(ctx, acc, id, step{action: to.String(), detail: detail, key: "advance:" + to.String(), apply: func(inc *Incident) error {
		if to <= inc.State || to >= StateClosed || to < StateContained {
			return fmt.Errorf("%w: cannot move from %s to %s", ErrInvalid, inc.State, to)
		}
		inc.State = to
		return nil
	}})
}

// Note is a timeline entry the host writes: a decision, a call, a finding.
type Note struct {
	// At dates it; zero means now. It may not be before the last entry.
	At time.Time
	// Action names the step, such as "called-regulator".
	Action string
	// Detail says what happened, without personal data.
	Detail string
}

// Record appends a note to the timeline, refusing one dated before the
// last entry (ErrInvalid), changing nothing.
func (r *Register) Record(ctx context.Context, acc custos.Access, id string, n Note) (Incident, error) {
	if n.Action == "" || len(n.Action) > 64 || len(n.Detail) > maxText {
		return Incident{}, fmt.Errorf("%w: a note needs an action of at most 64 bytes and a detail of at most %d", ErrInvalid, maxText)
	}
	return r.change(ctx, acc, id, step{action: "note." + n.Action, detail: n.Detail, at: n.At,
		key: stepKey("note", n.At, n.Action, n.Detail), apply: func(*Incident) error { return nil }})
}

// Delay records the reasons an obligation is, or was, fulfilled late (GDPR
// Art. 33(1): a notification after 72 hours is accompanied by reasons for
// the delay).
func (r *Register) Delay(ctx context.Context, acc custos.Access, id, obligation, reasons string) (Incident, error) {
	if strings.TrimSpace(reasons) == "" || len(reasons) > maxText {
		return Incident{}, fmt.Errorf("%w: reasons for a delay are required", ErrInvalid)
	}
	return r.change(ctx, acc, id, step{action: "delayed", detail: obligation + ": " + reasons, apply: func(inc *Incident) error {
		o := inc.obligation(obligation)
		if o == nil {
			return fmt.Errorf("%w: no obligation %q", ErrInvalid, obligation)
		}
		o.Delay = reasons
		return nil
	}})
}

// obligation returns the incident's obligation with id, or nil.
func (i *Incident) obligation(id string) *Obligation {
	for k := range i.Obligations {
		if i.Obligations[k].ID == id {
			return &i.Obligations[k]
		}
	}
	return nil
}

// Open returns the obligations not settled: neither met in time, nor met
// or late with reasons recorded, nor exempt.
func (i Incident) Open() []Obligation {
	var out []Obligation
	for _, o := range i.Obligations {
		if !o.settled() {
			out = append(out, o)
		}
	}
	return out
}

// Close records the lessons learned and closes the incident (NIST SP
// 800-61r3 lessons learned; CSF 2.0 ID.IM). It refuses, changing nothing,
// while obligations are open (ErrOpenObligations, listing them), and without
// lessons (ErrInvalid). A drill's obligations are rehearsed, not owed: a
// drill closes with them open, and its DrillReport says which it would have
// missed.
func (r *Register) Close(ctx context.Context, acc custos.Access, id, lessons string) (Incident, error) {
	if strings.TrimSpace(lessons) == "" {
		return Incident{}, fmt.Errorf("%w: closing needs the lessons learned", ErrInvalid)
	}
	return r.change(ctx, acc, id, step{action: "closed", detail: "lessons recorded", key: "close", apply: func(inc *Incident) error {
		if open := inc.Open(); len(open) > 0 && !inc.Drill {
			ids := make([]string, len(open))
			for k, o := range open {
				ids[k] = o.ID
			}
			return fmt.Errorf("%w: %s", ErrOpenObligations, strings.Join(ids, ", "))
		}
		inc.State, inc.Lessons = StateClosed, lessons
		return nil
	}})
}

// met marks an obligation fulfilled at t, keeping an earlier time.
func (i *Incident) met(id string, t time.Time) error {
	o := i.obligation(id)
	if o == nil {
		return fmt.Errorf("%w: no obligation %q", ErrInvalid, id)
	}
	if o.Met.IsZero() {
		o.Met = t
	}
	return nil
}
