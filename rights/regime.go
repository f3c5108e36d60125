package rights

import (
	"fmt"
	"time"
)

// Regime is a clock policy: how long the handler has to answer, whether
// and how far that may be extended, and when a request counts as due soon.
// A host declares one per law it answers under and names it in each
// request.
type Regime struct {
	// Name identifies the regime in requests, such as "gdpr".
	Name string
	// Period is the time to answer, from receipt. Required.
	Period Period
	// Extension is how much longer the period may become, once, with
	// reasons given before Period ends; zero means no extension.
	Extension Period
	// Soon is how long before Due a request is listed as due soon; zero
	// means 7 days.
	Soon Period
	// Location is the time zone days are counted in; nil means UTC.
	Location *time.Location
	// Law cites the provision the clock implements.
	Law string
}

// GDPR returns the clock of GDPR Art. 12(3): an answer "without undue
// delay and in any event within one month of receipt", extendable "by two
// further months where necessary", the person told of the extension and
// its reasons within the first month (rule R7). Days are counted in UTC;
// set Location for another zone.
func GDPR() Regime {
	return Regime{Name: "gdpr", Period: Months(1), Extension: Months(2), Law: "GDPR Art. 12(3)"}
}

// PIPL returns a clock for PIPL Art. 50, which asks for "timely" handling
// and states no period: the host chooses it (rule R1), and the regime
// allows no extension unless the host sets one. Days are counted in
// Asia/Shanghai when the zone database has it, in UTC+8 otherwise.
func PIPL(period Period) Regime {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return Regime{Name: "pipl", Period: period, Location: loc, Law: "PIPL Art. 50 (period set by the handler)"}
}

// Validate reports whether the regime can run a clock.
func (g Regime) Validate() error {
	if err := checkCode("regime name", g.Name); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if g.Period.IsZero() {
		return fmt.Errorf("%w: regime %s has no period", ErrConfig, g.Name)
	}
	if g.Law == "" {
		return fmt.Errorf("%w: regime %s cites no law", ErrConfig, g.Name)
	}
	for what, p := range map[string]Period{"period": g.Period, "extension": g.Extension, "due-soon window": g.Soon} {
		if err := p.check(fmt.Sprintf("regime %s %s", g.Name, what)); err != nil {
			return err
		}
	}
	return nil
}

func (g Regime) loc() *time.Location {
	if g.Location == nil {
		return time.UTC
	}
	return g.Location
}

// Due returns when a request received at t becomes overdue.
func (g Regime) Due(received time.Time) time.Time { return g.Period.End(received, g.loc()) }

// ExtendedDue returns when a request received at t becomes overdue once
// extended: the period and the extension counted together from receipt,
// so that 31 January + 1 + 2 months ends on 30 April.
func (g Regime) ExtendedDue(received time.Time) time.Time {
	return g.Period.plus(g.Extension).End(received, g.loc())
}

// soon returns the due-soon window.
func (g Regime) soon() Period {
	if g.Soon.IsZero() {
		return Days(7)
	}
	return g.Soon
}
