package incident

import "time"

// Compliance audits around incidents (rule I6; PIPL Art. 54; CAC Personal
// Information Protection Compliance Audit Measures, in force 2025-05-01).
const (
	// AuditOrderPeople is the number of people above which an incident
	// lets the regulator order a compliance audit.
	AuditOrderPeople = 1_000_000
	// RegularAuditPeople is the number of people above which a handler
	// audits itself at least every RegularAuditEvery.
	RegularAuditPeople = 10_000_000
	// RegularAuditEvery is the longest interval between those audits.
	RegularAuditEvery = 2 * 365 * 24 * time.Hour
)

// MayOrderAudit reports whether the incident touches more than
// AuditOrderPeople people, so that the regulator may order a compliance
// audit after it (rule I6): the register shows it and the host plans for
// it.
func (i Incident) MayOrderAudit() bool { return i.People > AuditOrderPeople }

// NextRegularAudit returns when a handler processing the personal
// information of people people, last audited at last, must audit again,
// and false when no regular audit is required (rule I6: more than 10
// million people, at least every 2 years). A zero last means it is due now.
func NextRegularAudit(people int64, last time.Time) (time.Time, bool) {
	if people <= RegularAuditPeople {
		return time.Time{}, false
	}
	if last.IsZero() {
		return time.Time{}, true
	}
	return last.Add(RegularAuditEvery), true
}
