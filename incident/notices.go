package incident

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// Notices configures how the register sends reports and notices: through
// notify's outbox, so delivery is durable, at least once, idempotent and
// tracked per recipient, and the customers' addresses are read from the
// vault only at send time.
type Notices struct {
	// Outbox sends real incidents' reports and notices.
	Outbox *notify.Outbox
	// Drill sends a drill's: an outbox whose dispatcher delivers to a
	// sink (notify.Sink), never to the regulators or customers. Required
	// to run drills.
	Drill *notify.Outbox
	// Customers and Regulators are the channels.
	Customers, Regulators notify.Channel
	// Notice is the customer notice's template; empty means
	// notify.BreachNotice. Report is the regulator report's; empty means
	// ReportTemplateID.
	Notice, Report notify.TemplateID
	// Contact is the handler's contact point (its DPO's), written in every
	// notice (PIPL Art. 57; GDPR Art. 33(3)(b)); no personal data.
	Contact string
	// Sender is the access the notices are sent under: its purpose must
	// rest on the legal duty to notify (PIPL Art. 13(3), 57; GDPR Art. 34).
	Sender custos.Access
}

func (n *Notices) validate() error {
	if n.Outbox == nil {
		return fmt.Errorf("%w: Notices without an Outbox", ErrConfig)
	}
	if n.Notice == "" {
		n.Notice = notify.BreachNotice
	}
	if n.Report == "" {
		n.Report = ReportTemplateID
	}
	if n.Contact == "" || n.Customers == "" || n.Regulators == "" {
		return fmt.Errorf("%w: Notices need a contact and both channels", ErrConfig)
	}
	if err := n.Sender.Validate(); err != nil {
		return fmt.Errorf("%w: notice sender: %w", ErrConfig, err)
	}
	for _, o := range []*notify.Outbox{n.Outbox, n.Drill} {
		if o == nil {
			continue
		}
		if err := CheckTemplate(o.Templates(), n.Notice, customerItems); err != nil {
			return err
		}
		if err := CheckTemplate(o.Templates(), n.Report, reportItems); err != nil {
			return err
		}
	}
	return nil
}

// CheckTemplate reports, wrapping ErrTemplate, a template missing from ts
// or lacking a parameter for one of the items the law asks a notice to
// carry (PIPL Art. 57: categories, cause, harm, measures, remedies,
// contact; GDPR Art. 33(3) for a report).
func CheckTemplate(ts *notify.Templates, id notify.TemplateID, items []string) error {
	t, ok := ts.Template(id)
	if !ok {
		return fmt.Errorf("%w: no template %s", ErrTemplate, id)
	}
	for _, item := range items {
		if !slices.ContainsFunc(t.Params, func(p notify.Param) bool { return p.Name == item }) {
			return fmt.Errorf("%w: template %s has no %q (PIPL Art. 57; GDPR Art. 33(3))", ErrTemplate, id, item)
		}
	}
	return nil
}

// CustomerItems returns the items a customer notice must carry (PIPL Art.
// 57), for CheckTemplate.
func CustomerItems() []string { return slices.Clone(customerItems) }

// ReportItems returns the items a regulator report must carry (PIPL Art.
// 57; GDPR Art. 33(3)), for CheckTemplate.
func ReportItems() []string { return slices.Clone(reportItems) }

func (n *Notices) outbox(inc Incident) (*notify.Outbox, error) {
	if inc.Drill {
		if n.Drill == nil {
			return nil, fmt.Errorf("%w: a drill needs Notices.Drill", ErrConfig)
		}
		return n.Drill, nil
	}
	return n.Outbox, nil
}

// categoriesText lists the incident's categories for a notice.
func categoriesText(inc Incident) string {
	var parts []string
	for _, c := range inc.Categories {
		var fs []string
		for _, f := range c.Fields {
			fs = append(fs, f.Name)
		}
		parts = append(parts, c.RecordType+" ("+strings.Join(fs, ", ")+")")
	}
	if len(parts) == 0 {
		return "under assessment"
	}
	return strings.Join(parts, "; ")
}

func orText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// customerParams fills the customer notice (PIPL Art. 57).
func (n *Notices) customerParams(inc Incident) notify.Params {
	return notify.Params{
		"categories": categoriesText(inc), "cause": orText(inc.Cause, "under investigation"),
		"harm": orText(inc.Harm, "under assessment"), "measures": orText(strings.Join(inc.Measures, "; "), "under way"),
		"remedies": orText(inc.Remedies, "contact us"), "contact": n.Contact, "discovered": inc.Detected.Format("2006-01-02"),
	}
}

// reportParams fills the regulator report (PIPL Art. 57; GDPR Art. 33(3)).
func (n *Notices) reportParams(inc Incident, phase string) notify.Params {
	return reportParams(inc, n.Contact, phase)
}

func reportParams(inc Incident, contact, phase string) notify.Params {
	return notify.Params{
		"nature": string(inc.Kind), "grade": inc.Grade.String() + " / " + inc.Grade.Chinese(), "categories": categoriesText(inc),
		"people": strconv.FormatInt(inc.People, 10), "records": strconv.FormatInt(inc.Records, 10),
		"cause": orText(inc.Cause, "under investigation"), "harm": orText(inc.Harm, "under assessment"),
		"measures": orText(strings.Join(inc.Measures, "; "), "under way"), "contact": contact,
		"detected": inc.Detected.Format("2006-01-02"), "phase": phase,
	}
}

// Draft renders the regulator report of the incident in the language
// closest to lang ("zh", "en"), as it would be sent now.
func (r *Register) Draft(ctx context.Context, id, lang string) (notify.Rendered, error) {
	if r.notices == nil {
		return notify.Rendered{}, fmt.Errorf("%w: no Notices", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return notify.Rendered{}, err
	}
	return r.notices.Outbox.Templates().Render(r.notices.Report, r.notices.reportParams(inc, "draft"), lang)
}

// RenderReport renders the regulator report of inc with the template id
// of ts (empty means ReportTemplateID), contact as the contact point, in the
// language closest to lang, as a draft: what Register.Report would send.
func RenderReport(inc Incident, ts *notify.Templates, id notify.TemplateID, contact, lang string) (notify.Rendered, error) {
	if id == "" {
		id = ReportTemplateID
	}
	if err := CheckTemplate(ts, id, reportItems); err != nil {
		return notify.Rendered{}, err
	}
	return ts.Render(id, reportParams(inc, contact, "draft"), lang)
}

// DraftNotice renders the customer notice in the language closest to lang.
func (r *Register) DraftNotice(ctx context.Context, id, lang string) (notify.Rendered, error) {
	if r.notices == nil {
		return notify.Rendered{}, fmt.Errorf("%w: no Notices", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return notify.Rendered{}, err
	}
	return r.notices.Outbox.Templates().Render(r.notices.Notice, r.notices.customerParams(inc), lang)
}

// Report sends the report an obligation asks (an initial report or a
// follow-up: reporting in phases, GDPR Art. 33(4)) to its regulator through
// the outbox, and marks the obligation met. It is idempotent: the message
// key is the incident and the obligation, so a rerun enqueues nothing new
// and no report is sent twice.
func (r *Register) Report(ctx context.Context, acc custos.Access, id, obligation string) (Incident, error) {
	if r.notices == nil {
		return Incident{}, fmt.Errorf("%w: no Notices", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	o := inc.obligation(obligation)
	if o == nil || o.Duty == DutyIndividuals {
		return Incident{}, fmt.Errorf("%w: no report obligation %q", ErrInvalid, obligation)
	}
	out, err := r.notices.outbox(inc)
	if err != nil {
		return Incident{}, err
	}
	key := "incident/" + id + "/" + obligation
	if _, err := out.Enqueue(ctx, notify.Message{To: notify.Organisation(o.To), Channel: r.notices.Regulators,
		Template: r.notices.Report, Params: r.notices.reportParams(inc, obligation), Key: key, Sender: r.notices.Sender}); err != nil {
		return Incident{}, fmt.Errorf("incident: report: %w", err)
	}
	return r.change(ctx, acc, id, step{action: "reported", detail: obligation + " to " + o.To, key: "report:" + obligation, apply: func(inc *Incident) error {
		return inc.met(obligation, r.now())
	}})
}

// NotifyCustomers sends the customer notice (PIPL Art. 57; GDPR Art. 34;
// NDSR Art. 11) to every customer of the affected set through the outbox,
// one message per customer keyed by incident and customer, so a rerun
// after a crash sends nobody a second notice; delivery is tracked per
// customer by notify (Outbox.Get of notify.MessageID(NoticeKey(...))).
// When the individuals' obligation is exempt (Exposure.Exemption) nothing
// is sent and the timeline records why.
func (r *Register) NotifyCustomers(ctx context.Context, acc custos.Access, id string) (Incident, error) {
	if r.notices == nil {
		return Incident{}, fmt.Errorf("%w: no Notices", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	o := inc.obligation("individuals")
	if o == nil {
		return Incident{}, fmt.Errorf("%w: no notice to individuals is owed under the regimes applied", ErrInvalid)
	}
	if o.Exempt != "" {
		return r.change(ctx, acc, id, step{action: "exempted", detail: o.Exempt, key: "notify-customers", apply: func(*Incident) error { return nil }})
	}
	out, err := r.notices.outbox(inc)
	if err != nil {
		return Incident{}, err
	}
	params := r.notices.customerParams(inc)
	n := 0
	for s, err := range r.Affected(ctx, id) {
		if err != nil {
			return Incident{}, err
		}
		if _, err := out.Enqueue(ctx, notify.Message{To: notify.Customer(s), Channel: r.notices.Customers,
			Template: r.notices.Notice, Params: params, Key: NoticeKey(id, s), Sender: r.notices.Sender}); err != nil {
			return Incident{}, fmt.Errorf("incident: notify customer: %w", err)
		}
		n++
	}
	return r.change(ctx, acc, id, step{action: "notified", detail: fmt.Sprintf("%d customers", n), key: "notify-customers", apply: func(inc *Incident) error {
		return inc.met("individuals", r.now())
	}})
}

// NoticeKey is the idempotency key of the notice of incident id to a
// customer: notify.MessageID(NoticeKey(id, s)) is its outbox message.
func NoticeKey(id string, s custos.SubjectID) string { return "incident/" + id + "/" + string(s) }
