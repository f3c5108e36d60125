package incident

import (
	"fmt"
	"time"
)

// Regime is a body of law whose reporting duties an incident may fall
// under.
type Regime string

const (
	// RegimeCAC is the CAC National Cybersecurity Incident Reporting
	// Measures (in force 2025-11-01; rule I3).
	RegimeCAC Regime = "cac"
	// RegimeGDPR is GDPR Art. 33 and 34 (rule I4).
	RegimeGDPR Regime = "gdpr"
	// RegimePIPL is PIPL Art. 57 (rule I1) and NDSR Art. 11 (rule I2).
	RegimePIPL Regime = "pipl"
)

func (r Regime) valid() bool { return r == RegimeCAC || r == RegimeGDPR || r == RegimePIPL }

// OperatorType is what the CAC Measures call the reporting operator, which
// sets its deadline (rule I3).
type OperatorType string

const (
	// OperatorCII is an operator of critical information infrastructure:
	// 1 hour.
	OperatorCII OperatorType = "cii"
	// OperatorCentralState is a central or state organ: 2 hours.
	OperatorCentralState OperatorType = "central-state"
	// OperatorOther is every other operator, such as a leasing company
	// that is not CII: 4 hours.
	OperatorOther OperatorType = "other"
)

// CACDeadline returns the CAC Measures' deadline of the initial report for
// an incident graded serious or above, counted from detection: 1 hour for
// CII, 2 hours for central and state organs, 4 hours for other operators
// (rule I3).
func CACDeadline(t OperatorType) (time.Duration, error) {
	switch t {
	case OperatorCII:
		return time.Hour, nil
	case OperatorCentralState:
		return 2 * time.Hour, nil
	case OperatorOther:
		return 4 * time.Hour, nil
	}
	return 0, fmt.Errorf("%w: operator type %q is not cii, central-state or other", ErrConfig, t)
}

// GDPRWindow is the GDPR Art. 33(1) time to notify the supervisory
// authority, counted from awareness (rule I4). Later notification must be
// accompanied by reasons for the delay.
const GDPRWindow = 72 * time.Hour

// Regimes says which regimes apply to the host and its figures where the
// law gives none.
type Regimes struct {
	// Operator is the host's CAC operator type.
	Operator OperatorType
	// Apply lists the regimes the host falls under.
	Apply []Regime
	// CACRegulator, GDPRAuthority and PIPLRegulator name the
	// organisations the reports go to (notify.Organisation names): the
	// local cyberspace administration, the lead EU supervisory authority,
	// and the PIPL authority. Required for each regime applied.
	CACRegulator, GDPRAuthority, PIPLRegulator string
	// PIPLWithin is how soon after awareness the PIPL Art. 57 report to
	// the authority is due. The law says "immediately" (立即) and gives no
	// figure: the host sets its own target. Required with RegimePIPL.
	PIPLWithin time.Duration
	// IndividualsWithin is how soon after awareness the notices to the
	// people concerned are due (PIPL Art. 57; GDPR Art. 34(1) "without
	// undue delay"): no figure in the law, the host's target. Required.
	IndividualsWithin time.Duration
	// FollowUps are the phased reports after the initial one (GDPR Art.
	// 33(4); the CAC Measures' follow-up reports), each due this long
	// after the initial report's due time, per regime with a regulator.
	FollowUps []time.Duration
}

// Validate checks that every applied regime has what it needs.
func (r Regimes) Validate() error {
	if len(r.Apply) == 0 {
		return fmt.Errorf("%w: no regime applies", ErrConfig)
	}
	seen := map[Regime]bool{}
	for _, g := range r.Apply {
		switch {
		case !g.valid():
			return fmt.Errorf("%w: unknown regime %q", ErrConfig, g)
		case seen[g]:
			return fmt.Errorf("%w: regime %s listed twice", ErrConfig, g)
		}
		seen[g] = true
	}
	if seen[RegimeCAC] {
		if _, err := CACDeadline(r.Operator); err != nil {
			return err
		}
		if r.CACRegulator == "" {
			return fmt.Errorf("%w: no CAC regulator named", ErrConfig)
		}
	}
	if seen[RegimeGDPR] && r.GDPRAuthority == "" {
		return fmt.Errorf("%w: no GDPR supervisory authority named", ErrConfig)
	}
	if seen[RegimePIPL] && (r.PIPLRegulator == "" || r.PIPLWithin <= 0) {
		return fmt.Errorf("%w: PIPL needs a regulator and a positive PIPLWithin", ErrConfig)
	}
	if r.IndividualsWithin <= 0 {
		return fmt.Errorf("%w: IndividualsWithin must be positive", ErrConfig)
	}
	for _, f := range r.FollowUps {
		if f <= 0 {
			return fmt.Errorf("%w: follow-ups must be positive durations", ErrConfig)
		}
	}
	return nil
}

func (r Regimes) applies(g Regime) bool {
	for _, a := range r.Apply {
		if a == g {
			return true
		}
	}
	return false
}

// regulator returns the organisation a regime's reports go to.
func (r Regimes) regulator(g Regime) string {
	switch g {
	case RegimeCAC:
		return r.CACRegulator
	case RegimeGDPR:
		return r.GDPRAuthority
	}
	return r.PIPLRegulator
}
