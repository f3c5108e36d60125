// Command incident plays an insider incident at a leasing company from
// detection to closing, on a SQLite database, under a clock it moves:
//
//   - a clerk's account bulk-reads customers at 23:00 Shanghai time;
//
//   - the audit monitor (bulk reads, off hours) flags it, and the alert
//     opens an incident in the register;
//
//   - scoping asks the audit log, through its indexes, which customers the
//     account read in that hour: exactly those;
//
//   - grading makes it "serious" (较大), so the CAC 4-hour deadline (an
//     operator that is not CII) and the GDPR 72-hour one apply;
//
//   - the account is revoked: the vault refuses it from the next call;
//
//   - the regulator report is drafted in Chinese and sent, with the GDPR
//     one, through the outbox;
//
//   - the customer notices (PIPL Art. 57) reach the customers by e-mail
//     through an SMTP server running in this process, each address read
//     from the vault at send time;
//
//   - the incident closes with its lessons learned.
//
//     go run ./examples/incident          # the incident
//     go run ./examples/incident -drill   # the same flow as a drill: notices
//     to a sink, and the drill report
//
// Then look at the register with the operator's CLI:
//
//	go run ./examples/incident -db /tmp/i.db
//	go run ./cmd/custos incident list --db /tmp/i.db
//	go run ./cmd/custos incident show ALERT-bulk-reads-25 --db /tmp/i.db
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email"
	"github.com/custos-go/custos/notify/email/emailtest"
	"github.com/custos-go/custos/notify/vaultdir"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "incident:", err)
		os.Exit(1)
	}
}

var (
	onboarding = custos.Access{Actor: custos.Actor{ID: "branch-07", Role: "clerk"}, Purpose: "lease-servicing"}
	insider    = custos.Access{Actor: custos.Actor{ID: "staff-666", Role: "clerk"}, Purpose: "lease-servicing"}
	responder  = custos.Access{Actor: custos.Actor{ID: "sec-001", Role: "security"}, Purpose: "incident-response"}
	// notifier sends the notices: it reads each customer's address, and
	// nothing else, under the legal duty to notify (PIPL Art. 13(3), 57).
	notifier = custos.Access{Actor: custos.Actor{ID: "svc-incident", Role: "workflow"}, Purpose: "breach-notice"}
	shanghai = time.FixedZone("CST", 8*3600)
	// day is a Friday; the night reads start at 23:00 local.
	day = time.Date(2026, 3, 6, 10, 0, 0, 0, shanghai)
)

func schema() vault.Schema {
	c2 := custos.Class{Level: custos.C2}
	return vault.Schema{Types: []vault.RecordType{{Name: "customer", Fields: []vault.Field{
		{Name: "name", Kind: kind.PersonName{}, Class: c2},
		{Name: "email", Kind: kind.Email{}, Class: c2},
		{Name: "language", Kind: kind.Text{}, Class: custos.Class{Level: custos.C1}, MaxBytes: 35},
	}}}}
}

// policy: a leasing company that is not CII, under CAC, GDPR and PIPL; the
// lower grade thresholds are the company's own.
func policy() incident.Policy {
	return incident.Policy{
		Grading: incident.Grading{Thresholds: []incident.Threshold{
			{Grade: incident.GradeSerious, People: 5}, {Grade: incident.GradeMajor, People: 100_000},
		}},
		Regimes: incident.Regimes{Operator: incident.OperatorOther, Apply: []incident.Regime{incident.RegimeCAC, incident.RegimeGDPR, incident.RegimePIPL},
			CACRegulator: "cac-shanghai", GDPRAuthority: "eu-lead-sa", PIPLRegulator: "cac-shanghai",
			PIPLWithin: 4 * time.Hour, IndividualsWithin: 24 * time.Hour, FollowUps: nil},
	}
}

// clock is the example's time, moved step by step. The audit log reads it
// from its own goroutine, so it is guarded.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) at(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var names = []string{"王芳", "李娜", "张伟", "刘洋", "陈静", "Anna Schmidt", "杨磊"}

func customer(i int) custos.SubjectID       { return custos.SubjectID(fmt.Sprintf("C%07d", i)) }
func address(i int) string                  { return fmt.Sprintf("customer%03d@mail.example", i) }
func stamp(t time.Time) string              { return t.In(shanghai).Format("01-02 15:04 MST") }
func say(out io.Writer, f string, a ...any) { fmt.Fprintf(out, f+"\n", a...) }

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("incident", flag.ContinueOnError)
	dbPath := fs.String("db", "", "the SQLite database (default: a new temporary one)")
	drill := fs.Bool("drill", false, "run the flow as a drill: notices to a sink, and the drill report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "custos-incident-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "custos.db")
	}
	c := &clock{t: day}
	db, err := sqlstore.OpenSQLite(ctx, *dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ledger, err := sqlstore.OpenSQLite(ctx, *dbPath+".ledger", nil)
	if err != nil {
		return err
	}
	defer ledger.Close()
	kek, err := insecuredevkek.Open(*dbPath + ".dev-kek.json") // development only: a KMS in production
	if err != nil {
		return err
	}
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger(), Clock: c.now})
	if err != nil {
		return err
	}
	log, err := audit.New(ctx, audit.Config{Store: db.Audit(), Keys: kr, Origin: "incident.custos.example/audit", Clock: c.now})
	if err != nil {
		return err
	}
	defer log.Close()

	// The notices: the outbox in the same database, the SMTP server in
	// this process; a drill's go to a sink.
	templates, err := incident.Templates()
	if err != nil {
		return err
	}
	subjects := vault.Subjects(db.Vault(), kr)
	outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Templates: templates, Recorder: log, Subjects: subjects, Clock: c.now})
	if err != nil {
		return err
	}
	drillStore, err := sqlstore.OpenSQLite(ctx, *dbPath+".drill", nil)
	if err != nil {
		return err
	}
	defer drillStore.Close()
	drillBox, err := notify.NewOutbox(notify.OutboxConfig{Store: drillStore.Notify(), Templates: templates, Recorder: log, Subjects: subjects, Clock: c.now})
	if err != nil {
		return err
	}
	reg, err := incident.New(incident.Config{Store: db.Incident(), Recorder: log, Policy: policy(), Clock: c.now,
		Evidence: incident.Evidence{Audit: log, DEKs: db.Keys(), Classify: classify},
		Notices: &incident.Notices{Outbox: outbox, Drill: drillBox, Customers: notify.ChannelEmail, Regulators: notify.ChannelEmail,
			Contact: "https://leasing.example/privacy", Sender: notifier}})
	if err != nil {
		return err
	}
	allow, err := vault.NewAllowList(schema(), map[custos.PurposeID]vault.Grant{
		onboarding.Purpose: {Basis: custos.BasisContract, Actions: []custos.Action{custos.ActionPut, custos.ActionGet}, Fields: map[string][]string{"customer": {"name", "email", "language"}}},
		notifier.Purpose:   {Basis: custos.BasisLegalDuty, Actions: []custos.Action{custos.ActionGet}, Fields: map[string][]string{"customer": {"email", "language"}}},
	})
	if err != nil {
		return err
	}
	v, err := vault.New(vault.Config{Schema: schema(), Keys: kr, Store: db.Vault(), Authorizer: reg.Gate(allow), Recorder: log, Clock: c.now})
	if err != nil {
		return err
	}

	// The day: twenty customers onboarded.
	for i := 1; i <= 20; i++ {
		lang := []string{"zh-CN", "en-GB"}[i%2]
		if err := v.Put(ctx, onboarding, customer(i), "customer", vault.Values{"name": names[i%len(names)], "email": address(i), "language": lang}); err != nil {
			return err
		}
		c.advance(time.Minute)
	}
	// The night: the insider's account reads customers 4 to 11.
	c.at(time.Date(2026, 3, 6, 23, 0, 0, 0, shanghai))
	night := c.now()
	for i := 4; i <= 11; i++ {
		if _, err := v.Get(ctx, insider, customer(i), "customer", "name", "email"); err != nil {
			return err
		}
		c.advance(time.Minute)
	}
	say(out, "%s  %s read customers C0000004..C0000011", stamp(night), insider.Actor.ID)

	// Detection: the monitor follows the log.
	rules := audit.MonitorConfig{BulkReads: &audit.BulkReads{Max: 5, Window: time.Hour},
		OffHours: &audit.WorkingHours{Location: shanghai, Start: 9 * time.Hour, End: 18 * time.Hour}}
	mon, err := audit.NewMonitor(rules)
	if err != nil {
		return err
	}
	var bulk *audit.Alert
	offHours := 0
	if _, err := mon.Run(ctx, db.Audit(), 0, func(a audit.Alert) {
		switch {
		case a.Rule == audit.RuleBulkReads && bulk == nil:
			bulk = &a
		case a.Rule == audit.RuleOffHours:
			offHours++
		}
	}); err != nil {
		return err
	}
	if bulk == nil {
		return errors.New("the monitor raised no bulk-read alert")
	}
	say(out, "%s  monitor: %s by %s (%d off-hours reads)", stamp(bulk.Time), bulk.Rule, bulk.Actor, offHours)
	c.advance(10 * time.Minute)
	inc, err := reg.OpenFromAlert(ctx, responder, *bulk, *drill)
	if err != nil {
		return err
	}
	kind := "incident"
	if inc.Drill {
		kind = "drill"
	}
	say(out, "%s  %s %s opened (detected %s)", stamp(c.now()), kind, inc.ID, stamp(inc.Detected))

	// Scoping: what did the account read in that hour?
	c.advance(15 * time.Minute)
	sc, err := reg.ScopeFromAudit(ctx, responder, inc.ID, incident.Window{Actor: bulk.Actor, From: night, To: night.Add(time.Hour)})
	if err != nil {
		return err
	}
	var found []string
	for s, err := range reg.Affected(ctx, inc.ID) {
		if err != nil {
			return err
		}
		found = append(found, string(s))
	}
	say(out, "%s  scoping: %d customers (%s..%s) in %d reads, fields %s", stamp(c.now()), sc.Customers, found[0], found[len(found)-1], sc.Entries, fieldsOf(sc))

	c.advance(20 * time.Minute)
	inc, err = reg.Assess(ctx, responder, inc.ID, incident.Assessment{
		Harm:     "names and e-mail addresses may be used for phishing",
		Measures: []string{"the account was revoked", "the access logs were secured"},
		Remedies: "be wary of e-mails asking for passwords or payments; call us to confirm"})
	if err != nil {
		return err
	}
	say(out, "%s  graded %s (%s): %d people", stamp(c.now()), inc.Grade, inc.Grade.Chinese(), inc.People)
	for _, o := range inc.Obligations {
		say(out, "    %-13s due %s", o.ID, stamp(o.Due))
	}

	// Containment.
	c.advance(5 * time.Minute)
	if _, err := reg.Revoke(ctx, responder, inc.ID, insider.Actor.ID); err != nil {
		return err
	}
	_, err = v.Get(ctx, insider, customer(12), "customer", "name")
	if inc.Drill {
		say(out, "%s  drill: %s would be revoked (its next read still works: %v)", stamp(c.now()), insider.Actor.ID, err)
	} else {
		say(out, "%s  %s revoked; its next read: %v", stamp(c.now()), insider.Actor.ID, err)
	}

	// Reports and notices.
	c.advance(30 * time.Minute)
	draft, err := reg.Draft(ctx, inc.ID, "zh")
	if err != nil {
		return err
	}
	say(out, "%s  regulator report drafted: %s", stamp(c.now()), draft.Subject)
	for _, line := range strings.Split(draft.Body, "\n")[1:6] {
		say(out, "    %s", line)
	}
	for _, o := range []string{"cac-initial", "pipl-initial", "gdpr-initial"} {
		if _, err := reg.Report(ctx, responder, inc.ID, o); err != nil {
			return err
		}
	}
	c.advance(time.Hour)
	if inc, err = reg.NotifyCustomers(ctx, responder, inc.ID); err != nil {
		return err
	}
	sent, err := dispatch(ctx, out, inc.Drill, outbox, drillBox, v, c)
	if err != nil {
		return err
	}
	say(out, "%s  reports and %d notices delivered %s", stamp(c.now()), sent, map[bool]string{true: "to the drill sink", false: "through SMTP"}[inc.Drill])

	// Recovery and lessons learned.
	c.advance(2 * time.Hour)
	if _, err := reg.Advance(ctx, responder, inc.ID, incident.StateRecovered, "access rights reviewed"); err != nil {
		return err
	}
	inc, err = reg.Close(ctx, responder, inc.ID, "night-time bulk reads now need a second approver")
	if err != nil {
		return err
	}
	say(out, "%s  %s %s", stamp(c.now()), inc.ID, inc.State)
	for _, o := range inc.Obligations {
		say(out, "    %-13s %s", o.ID, o.Status(c.now()))
	}
	if inc.Drill {
		rep, err := reg.DrillReport(ctx, inc.ID)
		if err != nil {
			return err
		}
		say(out, "drill report:")
		for _, s := range rep.Steps {
			say(out, "    +%-6s %s", s.After.Round(time.Minute).String(), s.Action)
		}
		for _, o := range rep.Outcomes {
			say(out, "    %-13s %s", o.Obligation.ID, map[bool]string{true: "would have been met", false: "would have been missed by " + o.Late.String()}[o.Met])
		}
	}
	return writeReport(ctx, out, db, log, rules, *dbPath, c.now())
}

// classify gives a field's class from the schema.
func classify(recordType, field string) (custos.Class, bool) {
	c, ok := schema().Classes()[recordType][field]
	return c, ok
}

func fieldsOf(sc incident.Scope) string {
	var fs []string
	for _, c := range sc.Categories {
		for _, f := range c.Fields {
			fs = append(fs, c.RecordType+"."+f.Name+" ("+f.Class.String()+")")
		}
	}
	return strings.Join(fs, ", ")
}

// dispatch drains the outbox the notices went to: the real one through the
// SMTP server, a drill's to a sink.
func dispatch(ctx context.Context, out io.Writer, drill bool, outbox, drillBox *notify.Outbox, v *vault.Vault, c *clock) (int, error) {
	dir, err := vaultdir.New(vaultdir.Config{Vault: v, RecordType: "customer", Fields: map[notify.Channel]string{notify.ChannelEmail: "email"}, LanguageField: "language"})
	if err != nil {
		return 0, err
	}
	regulators := map[string]map[notify.Channel]notify.Contact{
		"cac-shanghai": {notify.ChannelEmail: {Address: "report@cac-shanghai.example", Language: "zh"}},
		"eu-lead-sa":   {notify.ChannelEmail: {Address: "breach@eu-lead-sa.example", Language: "en"}},
	}
	var n notify.Notifier
	box := outbox
	var srv *emailtest.Server
	if drill {
		n, box = &notify.Sink{}, drillBox
	} else {
		if srv, err = emailtest.Start(emailtest.StartTLS); err != nil {
			return 0, err
		}
		defer srv.Close()
		if n, err = email.New(email.Config{Host: srv.Host, Port: srv.Port, From: "notices@leasing.example", FromName: "示例融资租赁有限公司 Example Leasing",
			MessageIDDomain: "leasing.example", TLSConfig: srv.ClientTLS}); err != nil {
			return 0, err
		}
	}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: box, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: n},
		Directory: dir, Organisations: regulators, Owner: "example-1", Workers: 4, Clock: c.now})
	if err != nil {
		return 0, err
	}
	sent := 0
	for {
		rep, err := disp.RunOnce(ctx)
		if err != nil {
			return 0, err
		}
		if rep.Claimed == 0 {
			break
		}
		sent += rep.Sent
	}
	if srv != nil {
		say(out, "    the SMTP server accepted %d messages", len(srv.Received()))
	}
	return sent - 3, nil // the three reports
}
