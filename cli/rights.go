package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/rights"
)

// rightsPurpose is the purpose `rights export` fulfils requests under: the
// host's desk must have it registered with a legal duty to answer (PIPL
// Art. 13(3), 44-50).
const rightsPurpose custos.PurposeID = "data-subject-requests"

// rightsCommand holds the data-subject request commands.
func rightsCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "rights",
		Short: "Data-subject requests: what is open, due soon or overdue, a request's history, fulfilling an access request",
	})
	cmd.AddCommand(rightsListCommand(c), rightsShowCommand(c), rightsExportCommand(c))
	return cmd
}

// requestJSON is one request as the rights commands print it.
type requestJSON struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Requester string    `json:"requester"`
	Relation  string    `json:"relation,omitempty"`
	State     string    `json:"state"`
	Received  time.Time `json:"received"`
	Due       time.Time `json:"due"`
	Extended  bool      `json:"extended,omitempty"`
	Overdue   bool      `json:"overdue,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
}

func toJSON(r rights.Request, at time.Time) requestJSON {
	return requestJSON{
		ID: r.ID, Kind: r.Kind.String(), Subject: r.SubjectKey(), Requester: r.Requester.Kind.String(), Relation: r.Requester.Relation,
		State: r.State.String(), Received: r.Received, Due: r.Due, Extended: r.Extension != "", Overdue: r.Overdue(at), Outcome: r.Outcome,
	}
}

// lastDay is the last day of a request's period: the day before Due, as
// the regime's zone counts it (UTC when the command does not know it).
func lastDay(r rights.Request) string { return r.Due.Add(-time.Nanosecond).UTC().Format(time.DateOnly) }

func rightsListCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--overdue | --due-soon] [--at TIME] --db FILE",
		Short: "List open data-subject requests in due order",
		Long: `List prints the open data-subject requests, soonest due first: with --overdue
those whose period has run out at TIME (default now), with --due-soon those
due within --within days after TIME and not yet overdue. It reads the due
index only and changes nothing; no key is needed. Each line: the last day
of the period, the request id, its kind and state, the customer.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	overdue := cmd.Flags().Bool("overdue", false, "only the requests overdue at TIME")
	soon := cmd.Flags().Bool("due-soon", false, "only the requests due within --within days of TIME")
	within := cmd.Flags().Int("within", 7, "the due-soon window, in `days`")
	atFlag := cmd.Flags().String("at", "", "the `time` to list at (default now)")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *overdue && *soon {
			return usagef("give --overdue or --due-soon, not both")
		}
		if *within < 1 || *within > 366 {
			return usagef("--within %d: give 1 to 366 days", *within)
		}
		at := c.Clock.Now().UTC()
		if *atFlag != "" {
			var err error
			if at, err = parseTime("--at", *atFlag); err != nil {
				return err
			}
		}
		at = at.Truncate(time.Microsecond)
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		if s.stores.Rights == nil {
			return fmt.Errorf("the store opener returned no rights store")
		}
		from, until := rights.DueKey{}, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		switch {
		case *overdue:
			until = at
		case *soon:
			from, until = rights.DueKey{Due: at.Add(time.Microsecond)}, at.AddDate(0, 0, *within)
		}
		out := []requestJSON{}
		for r, err := range rights.DueIn(cmd.Context(), s.stores.Rights, from, until, 256, nil) {
			if err != nil {
				return err
			}
			if *asJSON {
				out = append(out, toJSON(r, at))
				continue
			}
			mark := ""
			if r.Overdue(at) {
				mark = "  OVERDUE"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  %s  %s%s\n", lastDay(r), r.ID, r.Kind, r.State, r.SubjectKey(), mark)
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"requests": out, "count": len(out), "at": at})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d requests\n", len(out))
		return nil
	}
	return cmd
}

func rightsShowCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID --db FILE",
		Short: "Show a data-subject request and its history",
		Long: `Show prints a request — who asked what, when, through which channel, its
clock, how the identity was verified, its outcome — and every entry of its
append-only history. It changes nothing; no key is needed.`,
		Args: cobra.ArbitraryArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one request ID")
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		if s.stores.Rights == nil {
			return fmt.Errorf("the store opener returned no rights store")
		}
		r, err := s.stores.Rights.Get(cmd.Context(), args[0])
		if err != nil {
			if errors.Is(err, rights.ErrNotFound) {
				return usagef("no request %s", quote(args[0]))
			}
			return err
		}
		h, err := s.stores.Rights.History(cmd.Context(), r.ID)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"request": r, "history": h})
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "request   %s (%s)\nkind      %s (%s)\ncustomer  %s\nrequester %s %s\nchannel   %s\nreceived  %s\ndue       %s (last day; %s)\nstate     %s\n",
			r.ID, r.Key, r.Kind, r.Kind.Article(), r.SubjectKey(), r.Requester.Kind, r.Requester.Relation, r.Channel,
			r.Received.Format(time.RFC3339), lastDay(r), r.Regime, r.State)
		if r.Extension != "" {
			fmt.Fprintf(w, "extended  %s\n", r.Extension)
		}
		if !r.Identity.IsZero() {
			fmt.Fprintf(w, "verified  %s, evidence %s, %s\n", r.Identity.Method, r.Identity.Evidence, r.Identity.At.Format(time.RFC3339))
		}
		if r.Outcome != "" {
			fmt.Fprintf(w, "outcome   %s\n", r.Outcome)
		}
		fmt.Fprintln(w, "history")
		for _, e := range h {
			what := string(e.Step)
			if e.Act != "" {
				what += " " + e.Act
			}
			if e.Reason != "" {
				what += ": " + e.Reason
			}
			fmt.Fprintf(w, "  %d  %s  %s  %s (%s)\n", e.Seq, e.At.Format(time.RFC3339), what, e.Actor, e.Role)
		}
		return nil
	}
	return cmd
}

func rightsExportCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export ID -o FILE --db FILE --ledger FILE --kek FILE",
		Short: "Fulfil a verified access, copy, portability or explanation request into a file",
		Long: `Export fulfils a verified request whose answer is a document — access, copy,
portability, explanation — through the host's desk: the customer's records
are read through the vault under the request's id (audited), the document
is written to FILE (created, mode 0600, never overwritten), the request is
closed and its answer enqueued. A request that is not verified is refused
and nothing changes. A request already answered writes nothing. The
document holds personal data: hand it to the person and delete it.`,
		Args: cobra.ArbitraryArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	outFlag := cmd.Flags().StringP("output", "o", "", "the `file` to write the document to (required; must not exist)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one request ID")
		}
		if *outFlag == "" {
			return usagef("give -o FILE")
		}
		if c.Rights == nil {
			return usagef("this binary cannot answer requests: embed package cli with cli.Config.Rights")
		}
		if _, err := os.Lstat(*outFlag); err == nil {
			return usagef("-o %s exists: give a new file", quote(*outFlag))
		}
		s, err := f.start(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.openLog(cmd.Context()); err != nil {
			return err
		}
		desk, err := c.Rights(cmd.Context(), RightsSession{Stores: s.stores, Keys: s.keys, Log: s.log, Clock: c.Clock})
		if err != nil {
			return fmt.Errorf("build the rights desk: %w", err)
		}
		r, err := desk.Get(cmd.Context(), args[0])
		if err != nil {
			if errors.Is(err, rights.ErrNotFound) {
				return usagef("no request %s", quote(args[0]))
			}
			return err
		}
		switch r.Kind {
		case rights.Access, rights.Copy, rights.Portability, rights.Explanation:
		default:
			return usagef("request %s is a %s request: it is answered without a document", r.ID, r.Kind)
		}
		if r.State == rights.Received {
			return usagef("request %s is not verified: nothing is fulfilled before (rule R8)", r.ID)
		}
		ans, err := writeDocument(*outFlag, func(w io.Writer) (rights.Answer, error) {
			return desk.Fulfil(cmd.Context(), operator(rightsPurpose), r.ID, rights.Fulfilment{Out: w})
		})
		if err != nil {
			return err
		}
		text := fmt.Sprintf("%s: %s", ans.Request.State, ans.Request.Outcome)
		if ans.Written {
			text += "; document written to " + *outFlag
		} else {
			text += "; answered before, nothing written"
		}
		return f.print(cmd, result{json: map[string]any{"request": toJSON(ans.Request, c.Clock.Now()), "written": ans.Written, "file": *outFlag}, text: text})
	}
	return cmd
}

// writeDocument runs fulfil with a writer to a temporary file beside path
// and moves it to path when something was written and fulfil succeeded;
// otherwise it removes it.
func writeDocument(path string, fulfil func(io.Writer) (rights.Answer, error)) (rights.Answer, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".custos-rights-*")
	if err != nil {
		return rights.Answer{}, fmt.Errorf("create the document: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return rights.Answer{}, fmt.Errorf("create the document: %w", err)
	}
	ans, err := fulfil(tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write the document: %w", cerr)
	}
	if err != nil || !ans.Written {
		return ans, err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return ans, fmt.Errorf("the request is answered but the document could not be placed at the path (it is recorded as written): %w", err)
	}
	return ans, nil
}
