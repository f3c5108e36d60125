package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/notify"
)

// scoped is a fixture with INC-1 opened and scoped to five customers the
// insider read.
func scoped(t *testing.T) *fixture {
	f := newFixture(t)
	all := f.customers(8)
	f.reads(insider, all[:5]...)
	f.open("INC-1")
	_, err := f.reg.ScopeFromAudit(context.Background(), responder, "INC-1", incident.Window{Actor: insider.Actor.ID, From: t0, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	return f
}

func TestNoticesAreSentOnceThroughTheOutbox(t *testing.T) {
	ctx := context.Background()
	f := scoped(t)
	inc, err := f.reg.NotifyCustomers(ctx, responder, "INC-1")
	require.NoError(t, err)
	assert.Equal(t, incident.StatusMet, individuals(t, inc).Status(f.clock()))
	_, err = f.reg.NotifyCustomers(ctx, responder, "INC-1")
	require.NoError(t, err)
	st, err := f.outbox.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, st.ByState[notify.StatePending], "one notice per customer, a rerun sends none twice")
	for s, err := range f.reg.Affected(ctx, "INC-1") {
		require.NoError(t, err)
		m, err := f.outbox.Get(ctx, notify.MessageID(incident.NoticeKey("INC-1", s)))
		require.NoError(t, err, "delivery is tracked per customer")
		assert.Equal(t, notify.BreachNotice, m.Template)
	}

	inc, err = f.reg.Report(ctx, responder, "INC-1", "cac-initial")
	require.NoError(t, err)
	for _, o := range inc.Obligations {
		if o.ID == "cac-initial" {
			assert.Equal(t, incident.StatusMet, o.Status(f.clock()), "met within 4 hours")
		}
	}
	m, err := f.outbox.Get(ctx, notify.MessageID("incident/INC-1/cac-initial"))
	require.NoError(t, err)
	assert.Equal(t, notify.Organisation("cac-shanghai"), m.To)
	assert.Equal(t, "5", m.Params["people"])
}

func TestDraftsInBothLanguages(t *testing.T) {
	ctx := context.Background()
	f := scoped(t)
	zh, err := f.reg.Draft(ctx, "INC-1", "zh")
	require.NoError(t, err)
	assert.Contains(t, zh.Body, "涉及人数（约）：5")
	assert.Contains(t, zh.Body, "较大")
	en, err := f.reg.Draft(ctx, "INC-1", "en")
	require.NoError(t, err)
	assert.Contains(t, en.Body, "Approximate number of people concerned: 5")
	n, err := f.reg.DraftNotice(ctx, "INC-1", "zh")
	require.NoError(t, err)
	assert.Contains(t, n.Body, "customer (mobile, name)")
}

func TestNoticeTemplateMissingAPIPL57Item(t *testing.T) {
	bad := notify.StandardTemplates()[2] // breach-notice
	require.Equal(t, notify.BreachNotice, bad.ID)
	bad.ID, bad.Params = "thin-notice", bad.Params[:5] // drops contact and the date
	for lang, txt := range bad.Texts {
		txt.Body = "%[1]s %[2]s %[3]s %[4]s %[5]s"
		bad.Texts[lang] = txt
	}
	ts, err := notify.NewTemplates(notify.Standard().Languages(), append(notify.StandardTemplates(), incident.ReportTemplate(), bad)...)
	require.NoError(t, err)
	err = incident.CheckTemplate(ts, "thin-notice", incident.CustomerItems())
	assert.ErrorIs(t, err, incident.ErrTemplate)
	assert.Contains(t, err.Error(), "contact")

	f := newFixture(t)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: f.db.Notify(), Templates: ts, Recorder: f.log, Subjects: f.vault})
	require.NoError(t, err)
	_, err = incident.New(incident.Config{Store: f.store, Recorder: f.log, Policy: policy(),
		Notices: &incident.Notices{Outbox: outbox, Notice: "thin-notice", Customers: notify.ChannelEmail, Regulators: notify.ChannelEmail, Contact: "https://leasing.example/privacy", Sender: notifier}})
	assert.ErrorIs(t, err, incident.ErrTemplate, "the register refuses it at start-up")
}
