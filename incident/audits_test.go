package incident_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/custos-go/custos/incident"
)

func TestComplianceAudits(t *testing.T) {
	assert.False(t, incident.Incident{People: incident.AuditOrderPeople}.MayOrderAudit())
	assert.True(t, incident.Incident{People: incident.AuditOrderPeople + 1}.MayOrderAudit(), "over 1 million people: the regulator may order an audit")

	_, due := incident.NextRegularAudit(incident.RegularAuditPeople, t0)
	assert.False(t, due, "10 million or fewer: no regular audit required")
	next, due := incident.NextRegularAudit(incident.RegularAuditPeople+1, t0)
	assert.True(t, due)
	assert.Equal(t, t0.Add(2*365*24*time.Hour), next, "at least every 2 years")
	next, due = incident.NextRegularAudit(incident.RegularAuditPeople+1, time.Time{})
	assert.True(t, due)
	assert.True(t, next.IsZero(), "never audited: due now")
}
