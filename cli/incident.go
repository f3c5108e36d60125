package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/incident"
)

// incidentPurpose is the purpose the incident commands read the audit log
// under: the security of processing and the incident duties (PIPL Art. 51,
// 57; GDPR Art. 32-34).
const incidentPurpose custos.PurposeID = "incident-response"

// incidentCommand holds the incident register's commands.
func incidentCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "incident",
		Short: "The incident register: incidents, their obligations and timelines, scoping from the audit log, report drafts",
	})
	cmd.AddCommand(incidentListCommand(c), incidentShowCommand(c), incidentScopeCommand(c), incidentReportCommand(c))
	return cmd
}

// obligationJSON is one obligation as the incident commands print it.
type obligationJSON struct {
	ID     string    `json:"id"`
	Regime string    `json:"regime"`
	Duty   string    `json:"duty"`
	To     string    `json:"to,omitempty"`
	Due    time.Time `json:"due"`
	Status string    `json:"status"`
	Met    time.Time `json:"met,omitzero"`
	Delay  string    `json:"delay,omitempty"`
	Exempt string    `json:"exempt,omitempty"`
}

type incidentJSON struct {
	ID          string           `json:"id"`
	Drill       bool             `json:"drill,omitempty"`
	Kind        string           `json:"kind"`
	State       string           `json:"state"`
	Grade       string           `json:"grade"`
	Detected    time.Time        `json:"detected"`
	Aware       time.Time        `json:"aware"`
	People      int64            `json:"people"`
	Records     int64            `json:"records"`
	Cause       string           `json:"cause,omitempty"`
	Obligations []obligationJSON `json:"obligations"`
	Open        int              `json:"open_obligations"`
}

func incidentToJSON(inc incident.Incident, at time.Time) incidentJSON {
	out := incidentJSON{ID: inc.ID, Drill: inc.Drill, Kind: string(inc.Kind), State: inc.State.String(), Grade: inc.Grade.String(),
		Detected: inc.Detected, Aware: inc.Aware, People: inc.People, Records: inc.Records, Cause: inc.Cause, Open: len(inc.Open()),
		Obligations: []obligationJSON{}}
	for _, o := range inc.Obligations {
		out.Obligations = append(out.Obligations, obligationJSON{ID: o.ID, Regime: string(o.Regime), Duty: string(o.Duty), To: o.To,
			Due: o.Due, Status: string(o.Status(at)), Met: o.Met, Delay: o.Delay, Exempt: o.Exempt})
	}
	return out
}

// incidentStore returns the session's incident store.
func incidentStore(s *session) (incident.Store, error) {
	if s.stores.Incidents == nil {
		return nil, errors.New("the store opener returned no incident store")
	}
	return s.stores.Incidents, nil
}

func incidentListCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list --db FILE",
		Short: "List the incidents with their state, grade and open obligations",
		Long: `List prints every incident of the register in id order: id, state, grade,
detection time, people concerned, and how many obligations are open or
overdue now. It changes nothing; no key is needed.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		st, err := incidentStore(s)
		if err != nil {
			return err
		}
		at := c.Clock.Now().UTC()
		out := []incidentJSON{}
		for after := ""; ; {
			page, err := st.List(cmd.Context(), after, 256)
			if err != nil {
				return err
			}
			for _, rec := range page {
				inc, err := incident.Decode(rec.Body)
				if err != nil {
					return fmt.Errorf("incident %s: %w", rec.ID, err)
				}
				j := incidentToJSON(inc, at)
				if *asJSON {
					out = append(out, j)
					continue
				}
				overdue := 0
				for _, o := range j.Obligations {
					if o.Status == string(incident.StatusOverdue) {
						overdue++
					}
				}
				drill := ""
				if inc.Drill {
					drill = "  DRILL"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  %s  %d people  %d open, %d overdue%s\n", inc.ID, inc.State, inc.Grade,
					inc.Detected.Format(time.RFC3339), inc.People, j.Open, overdue, drill)
			}
			if len(page) < 256 {
				break
			}
			after = page[len(page)-1].ID
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"incidents": out, "count": len(out), "at": at})
		}
		return nil
	}
	return cmd
}

func incidentShowCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID --db FILE",
		Short: "Show an incident, its obligations and its timeline",
		Long: `Show prints an incident — kind, cause, times, grade, state, counts, exposure —
its obligations with their due times and status now (open, met, overdue,
delayed with reasons, exempt with reasons), and every entry of its
append-only timeline. It changes nothing; no key is needed.`,
		Args: cobra.ArbitraryArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one incident ID")
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		st, err := incidentStore(s)
		if err != nil {
			return err
		}
		inc, err := getIncident(cmd, st, args[0])
		if err != nil {
			return err
		}
		var tl []incident.Entry
		for from := int64(1); ; {
			page, err := st.Timeline(cmd.Context(), inc.ID, from, 256)
			if err != nil {
				return err
			}
			tl = append(tl, page...)
			if len(page) < 256 {
				break
			}
			from = page[len(page)-1].Seq + 1
		}
		at := c.Clock.Now().UTC()
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"incident": incidentToJSON(inc, at), "timeline": tl})
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "incident  %s\nkind      %s\ncause     %s\ndetected  %s\naware     %s\ngrade     %s (%s)\nstate     %s\npeople    %d\nrecords   %d\n",
			inc.ID, inc.Kind, inc.Cause, inc.Detected.Format(time.RFC3339), inc.Aware.Format(time.RFC3339), inc.Grade, inc.Grade.Chinese(), inc.State, inc.People, inc.Records)
		if inc.Drill {
			fmt.Fprintln(w, "drill     yes")
		}
		if inc.MayOrderAudit() {
			fmt.Fprintln(w, "audit     over 1 million people: the regulator may order a compliance audit (PIPL Art. 54)")
		}
		if why := inc.Exposure.Exemption(); why != "" {
			fmt.Fprintf(w, "exempt    %s\n", why)
		}
		fmt.Fprintln(w, "obligations")
		for _, o := range inc.Obligations {
			fmt.Fprintf(w, "  %s  due %s  %s", o.ID, o.Due.Format(time.RFC3339), o.Status(at))
			if o.Delay != "" {
				fmt.Fprintf(w, " (delay: %s)", o.Delay)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "timeline")
		for _, e := range tl {
			fmt.Fprintf(w, "  %d  %s  %s  %s  %s (%s)\n", e.Seq, e.At.Format(time.RFC3339), e.Action, e.Detail, e.Actor.ID, e.Actor.Role)
		}
		return nil
	}
	return cmd
}

func getIncident(cmd *cobra.Command, st incident.Store, id string) (incident.Incident, error) {
	rec, err := st.Get(cmd.Context(), id)
	if errors.Is(err, incident.ErrNotFound) {
		return incident.Incident{}, usagef("no incident %s", quote(id))
	}
	if err != nil {
		return incident.Incident{}, err
	}
	return incident.Decode(rec.Body)
}

func incidentScopeCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scope (--actor A | --role R | --credential K | --instance I) --from T1 --to T2 [--incident ID] --db FILE --ledger FILE --kek FILE",
		Short: "Find the customers an actor, a role, a credential or an application instance read or tried to read between two times",
		Long: `Scope asks the audit log, through its indexes, which customers the actor, the
role, the credential (its id) or the application instance read or tried to
read from T1 (inclusive) to T2 (exclusive), with the fields. Several of
--actor, --role, --credential and --instance narrow the question: an entry
must match all of them. Every entry's inclusion proof is checked against the
signed checkpoint: a log that does not verify is refused (exit 1), changing
nothing. The question itself is recorded in the audit log, as every read of
the log is.

Without --incident, scope prints the customers' ids, one per line, and the
counts, and changes nothing else. With --incident ID, it records the scope
into that incident through the register (needs the host's incident policy,
cli.Config.Policies.Incident): the customers join the incident's affected
set, the counts, categories and exposure are updated, the grade and
obligations recomputed, and the step is on the incident's audited timeline;
it prints the counts and the size of the affected set. Rerunning the same
scope records it once.`,
		Args: noArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	actor := cmd.Flags().String("actor", "", "the actor `id`")
	role := cmd.Flags().String("role", "", "the `role`")
	credential := cmd.Flags().String("credential", "", "the credential `id` (custos.Access.Credential)")
	instance := cmd.Flags().String("instance", "", "the application `instance` (custos.Access.Instance)")
	from := cmd.Flags().String("from", "", "the start `time` (RFC 3339 or date), required")
	to := cmd.Flags().String("to", "", "the end `time` (RFC 3339 or date), required")
	into := cmd.Flags().String("incident", "", "record the scope into the incident `ID`")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *actor == "" && *role == "" && *credential == "" && *instance == "" {
			return usagef("give --actor, --role, --credential or --instance")
		}
		if *from == "" || *to == "" {
			return usagef("a scope is bounded: give --from and --to")
		}
		t1, err := parseTime("--from", *from)
		if err != nil {
			return err
		}
		t2, err := parseTime("--to", *to)
		if err != nil {
			return err
		}
		if !t2.After(t1) {
			return usagef("--to %s is not after --from %s", quote(*to), quote(*from))
		}
		if *into != "" && (c.Policies == nil || c.Policies.Incident == nil) {
			return usagef("this binary has no incident policy: embed package cli with cli.Config.Policies.Incident to record a scope with --incident")
		}
		w := incident.Window{Actor: *actor, Role: custos.Role(*role), Credential: *credential, Instance: *instance, From: t1, To: t2}
		s, err := f.start(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.openLog(cmd.Context()); err != nil {
			return err
		}
		ev := incident.Evidence{Audit: s.log, DEKs: s.stores.Keys}
		if *into != "" {
			return recordScope(cmd, c, s, ev, *into, w, *f.json)
		}
		var found []string
		sc, err := ev.Find(cmd.Context(), operator(incidentPurpose), w,
			func(page []custos.SubjectID) error {
				for _, sub := range page {
					if !*f.json {
						fmt.Fprintln(cmd.OutOrStdout(), string(sub))
					}
					found = append(found, string(sub))
				}
				return nil
			})
		if errors.Is(err, incident.ErrEvidence) {
			return fmt.Errorf("%w: %w", ErrCheckFailed, err)
		}
		if err != nil {
			return err
		}
		if *f.json {
			if found == nil {
				found = []string{}
			}
			return printJSON(cmd.OutOrStdout(), map[string]any{"customers": found, "count": sc.Customers, "entries": sc.Entries,
				"released": sc.Released, "categories": sc.Categories})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d customers in %d entries (%d released plaintext)\n", sc.Customers, sc.Entries, sc.Released)
		return nil
	}
	return cmd
}

// recordScope scopes w into the incident id through a register built with
// the host's incident policy, the session's stores and its audit log.
func recordScope(cmd *cobra.Command, c *Config, s *session, ev incident.Evidence, id string, w incident.Window, asJSON bool) error {
	st, err := incidentStore(s)
	if err != nil {
		return err
	}
	reg, err := incident.New(incident.Config{Store: st, Recorder: s.log, Policy: *c.Policies.Incident, Clock: c.Clock, Evidence: ev})
	if err != nil {
		return err
	}
	sc, err := reg.ScopeFromAudit(cmd.Context(), operator(incidentPurpose), id, w)
	switch {
	case errors.Is(err, incident.ErrEvidence):
		return fmt.Errorf("%w: %w", ErrCheckFailed, err)
	case errors.Is(err, incident.ErrNotFound):
		return usagef("no incident %s", quote(id))
	case err != nil:
		return err
	}
	if asJSON {
		return printJSON(cmd.OutOrStdout(), map[string]any{"incident": id, "count": sc.Customers, "entries": sc.Entries,
			"released": sc.Released, "affected": sc.Affected, "categories": sc.Categories})
	}
	fmt.Fprintf(cmd.OutOrStdout(), "incident %s: %d customers in %d entries (%d released plaintext); %d affected in all\n",
		id, sc.Customers, sc.Entries, sc.Released, sc.Affected)
	return nil
}

func incidentReportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report ID [--lang zh|en] --contact TEXT --db FILE",
		Short: "Draft the regulator report of an incident (PIPL Art. 57, GDPR Art. 33(3))",
		Long: `Report prints the draft of the regulator report of an incident, in Simplified
Chinese (--lang zh, the default) or English (--lang en): nature, grade,
categories, approximate numbers of people and records, cause, likely
consequences, measures, the contact point given by --contact (the DPO's; no
personal data), and the detection date. It changes nothing; no key is
needed. The host's register sends it through the notification outbox.`,
		Args: cobra.ArbitraryArgs,
	}
	db := addDBFlags(cmd, false)
	lang := cmd.Flags().String("lang", "zh", "the `language`: zh or en")
	contact := cmd.Flags().String("contact", "", "the contact point written in the report (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one incident ID")
		}
		if *lang != "zh" && *lang != "en" {
			return usagef("--lang %s: give zh or en", quote(*lang))
		}
		if *contact == "" {
			return usagef("give --contact: the report names the handler's contact point")
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		st, err := incidentStore(s)
		if err != nil {
			return err
		}
		inc, err := getIncident(cmd, st, args[0])
		if err != nil {
			return err
		}
		ts, err := incident.Templates()
		if err != nil {
			return err
		}
		r, err := incident.RenderReport(inc, ts, "", *contact, *lang)
		if err != nil {
			return usagef("%v", err)
		}
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n\n%s\n", r.Subject, r.Body)
		return err
	}
	return cmd
}
