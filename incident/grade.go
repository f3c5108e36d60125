package incident

import (
	"fmt"
	"slices"
)

// Grade is an incident grade of the CAC National Cybersecurity Incident
// Reporting Measures (in force 2025-11-01), from general to especially
// serious (rule I3).
type Grade uint8

const (
	// GradeNone is an incident not yet graded.
	GradeNone Grade = iota
	// GradeGeneral is 一般 (general).
	GradeGeneral
	// GradeSerious is 较大 (serious): from this grade up the CAC report
	// deadlines apply.
	GradeSerious
	// GradeMajor is 重大 (major).
	GradeMajor
	// GradeEspeciallySerious is 特别重大 (especially serious).
	GradeEspeciallySerious
)

// String returns the grade's English name.
func (g Grade) String() string {
	switch g {
	case GradeGeneral:
		return "general"
	case GradeSerious:
		return "serious"
	case GradeMajor:
		return "major"
	case GradeEspeciallySerious:
		return "especially-serious"
	}
	return "ungraded"
}

// Chinese returns the grade's name in the Measures.
func (g Grade) Chinese() string {
	switch g {
	case GradeGeneral:
		return "一般"
	case GradeSerious:
		return "较大"
	case GradeMajor:
		return "重大"
	case GradeEspeciallySerious:
		return "特别重大"
	}
	return "未定级"
}

// TopGradePeople is the number of people whose personal information, when
// concerned, makes an incident especially serious (rule I3: 100 million or
// more). It is the one threshold the Measures fix; lower ones are policy.
const TopGradePeople = 100_000_000

// Threshold says from how many people, or how many records, concerned an
// incident has at least Grade.
type Threshold struct {
	Grade Grade
	// People and Records: the grade applies when either is reached; 0
	// means that measure does not raise to this grade.
	People, Records int64
}

// Grading grades an incident by the number of people and records it
// concerns (CAC Measures, rule I3). The thresholds for the lower grades are
// unconfirmed in the primary text at hand, so they are configuration: a
// host declares them. The top grade from TopGradePeople people is always
// applied, whatever is configured.
type Grading struct {
	// Thresholds, one per grade above general; grades not listed are
	// reached only by the ones above them.
	Thresholds []Threshold
}

// Validate checks that the thresholds rise with the grade and do not
// overlap: a higher grade needs strictly more people (and records) than a
// lower one, each grade is listed once, and no configured figure exceeds
// the top grade's.
func (g Grading) Validate() error {
	ts := slices.Clone(g.Thresholds)
	slices.SortFunc(ts, func(a, b Threshold) int { return int(a.Grade) - int(b.Grade) })
	for i, t := range ts {
		switch {
		case t.Grade <= GradeGeneral || t.Grade > GradeEspeciallySerious:
			return fmt.Errorf("%w: threshold for grade %d: only serious, major and especially serious have thresholds", ErrConfig, t.Grade)
		case t.People < 0 || t.Records < 0 || (t.People == 0 && t.Records == 0):
			return fmt.Errorf("%w: threshold for %s: people or records must be positive", ErrConfig, t.Grade)
		case t.Grade == GradeEspeciallySerious && t.People > TopGradePeople:
			return fmt.Errorf("%w: threshold for %s: more than the %d people the Measures fix", ErrConfig, t.Grade, TopGradePeople)
		case t.Grade < GradeEspeciallySerious && t.People >= TopGradePeople:
			return fmt.Errorf("%w: threshold for %s overlaps the top grade (%d people)", ErrConfig, t.Grade, TopGradePeople)
		}
		if i == 0 {
			continue
		}
		p := ts[i-1]
		switch {
		case p.Grade == t.Grade:
			return fmt.Errorf("%w: two thresholds for %s", ErrConfig, t.Grade)
		case rises(p.People, t.People) || rises(p.Records, t.Records):
			return fmt.Errorf("%w: thresholds of %s and %s overlap: a higher grade needs more", ErrConfig, p.Grade, t.Grade)
		}
	}
	return nil
}

// rises reports a lower grade's figure not strictly below a higher one's,
// both set.
func rises(lower, higher int64) bool { return lower > 0 && higher > 0 && lower >= higher }

// Grade returns the grade of an incident concerning people people and
// records records: the highest grade whose threshold either reaches, at
// least general.
func (g Grading) Grade(people, records int64) Grade {
	best := GradeGeneral
	if people >= TopGradePeople {
		best = GradeEspeciallySerious
	}
	for _, t := range g.Thresholds {
		if t.Grade > best && ((t.People > 0 && people >= t.People) || (t.Records > 0 && records >= t.Records)) {
			best = t.Grade
		}
	}
	return best
}
