package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/vault"
)

// retentionAccess is the access under which the retention commands forget
// and restrict customers: the vault they build allows it those actions and
// nothing else.
var retentionAccess = custos.Access{Actor: custos.Actor{ID: "custos-cli", Role: "retention"}, Purpose: "retention"}

// retentionCommand holds the retention commands.
func retentionCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "retention",
		Short: "Retention: what is due, the sweep that destroys and restricts, legal holds",
	})
	cmd.AddCommand(retentionDueCommand(c), retentionSweepCommand(c), retentionHoldsCommand(c), retentionReviewsCommand(c))
	return cmd
}

// parseTime reads a flag's RFC 3339 time or date (midnight UTC).
func parseTime(flag, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("%s %s: not a date (2036-03-01) or an RFC 3339 time", flag, quote(v))
}

// dueJSON is one line of `retention due --json`.
type dueJSON struct {
	Subject    string    `json:"subject"`
	Rule       string    `json:"rule"`
	RecordType string    `json:"record_type"`
	Due        time.Time `json:"due"`
	Next       time.Time `json:"next"`
}

func retentionDueCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "due --before DATE --db FILE",
		Short: "List the retention clocks a sweep at DATE would act on",
		Long: `Due lists, in due-date order, the retention clocks that a sweep at DATE would
look at: customers to restrict or destroy. It reads the due-date index only
and changes nothing; no key is needed.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	before := cmd.Flags().String("before", "", "the `date` or time of the sweep to list for (required)")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *before == "" {
			return usagef("give --before DATE")
		}
		at, err := parseTime("--before", *before)
		if err != nil {
			return err
		}
		s, err := c.open(cmd.Context(), db, true)
		if err != nil {
			return err
		}
		defer s.Close()
		if s.stores.Retention == nil {
			return fmt.Errorf("the store opener returned no retention store")
		}
		var out []dueJSON
		n := 0
		for clk, err := range retention.DueIn(cmd.Context(), s.stores.Retention, at, 256) {
			if err != nil {
				return err
			}
			n++
			if *asJSON {
				out = append(out, dueJSON{Subject: string(clk.Subject), Rule: clk.Rule, RecordType: clk.RecordType, Due: clk.Due, Next: clk.Next})
				continue
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  %s\n", clk.Next.Format(time.DateOnly), clk.Rule, clk.RecordType, string(clk.Subject))
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"due": out, "count": n})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d clocks due by %s\n", n, at.Format(time.RFC3339))
		return nil
	}
	return cmd
}

// sweepJSON is what `retention sweep --json` prints.
type sweepJSON struct {
	DryRun    bool          `json:"dry_run"`
	At        time.Time     `json:"at"`
	Progress  sweepCounts   `json:"counts"`
	Outcomes  []outcomeJSON `json:"outcomes"`
	Truncated bool          `json:"truncated,omitempty"`
}

type sweepCounts struct {
	Clocks     int64 `json:"clocks"`
	Destroyed  int64 `json:"destroyed"`
	Restricted int64 `json:"restricted"`
	Held       int64 `json:"held"`
	Waiting    int64 `json:"waiting"`
	Gone       int64 `json:"gone"`
}

type outcomeJSON struct {
	Subject string   `json:"subject"`
	Kind    string   `json:"kind"`
	Rules   []string `json:"rules"`
	Why     string   `json:"why"`
	Cert    string   `json:"certificate,omitempty"`
}

// maxListedOutcomes bounds the outcomes --json lists, so that a sweep of
// any size prints bounded output; the counts cover them all.
const maxListedOutcomes = 10000

func retentionSweepCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep [--dry-run] [--at TIME] --db FILE --ledger FILE --kek FILE",
		Short: "Apply the retention policy: destroy and restrict the customers due",
		Long: `Sweep applies the host's retention policy at TIME (default now) to every
customer with a clock due: customers whose every record type ran out are
crypto-shredded and their certificates kept; restrict-then-destroy and
hand-over rules restrict; legal holds keep customers from destruction. With
--dry-run it lists what would happen and why, and changes nothing. A sweep
is safe to rerun after any failure.`,
		Args: noArgs,
	}
	f := addKeyringFlags(c, cmd, true)
	every := addProgressFlag(cmd)
	dry := cmd.Flags().Bool("dry-run", false, "list what would happen and why; change nothing")
	atFlag := cmd.Flags().String("at", "", "the `time` to apply the policy at (default now)")
	workers := cmd.Flags().Int("workers", 8, "how many customers to handle at once (1 to 64)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if c.Policies == nil || c.Policies.Retention == nil {
			return usagef("this binary has no retention policy: embed package cli with cli.Config.Policies.Retention")
		}
		if *workers < 1 || *workers > 64 {
			return usagef("--workers %d: give 1 to 64", *workers)
		}
		if err := checkProgress(*every); err != nil {
			return err
		}
		var at time.Time
		if *atFlag != "" {
			var err error
			if at, err = parseTime("--at", *atFlag); err != nil {
				return err
			}
		}
		s, err := f.start(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		r, err := s.retention(cmd.Context())
		if err != nil {
			return err
		}
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "sweeping", *every, -1)
		out := sweepJSON{DryRun: *dry, At: at}
		res, err := r.Sweep(cmd.Context(), retention.SweepOptions{At: at, DryRun: *dry, Workers: *workers,
			Progress: func(pr retention.Progress) { p.report(pr.Clocks, -1) },
			Outcome: func(o retention.Outcome) error {
				oj := outcomeJSON{Subject: string(o.Subject), Kind: o.Kind.String(), Rules: o.Rules, Why: o.Why}
				if o.Certificate != nil {
					oj.Cert = o.Certificate.ID
				}
				if *f.json {
					if len(out.Outcomes) < maxListedOutcomes {
						out.Outcomes = append(out.Outcomes, oj)
					} else {
						out.Truncated = true
					}
					return nil
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s\n", oj.Kind, oj.Subject, oj.Why)
				return err
			}})
		p.finish()
		out.Progress = sweepCounts(res)
		if err != nil {
			return err
		}
		return f.print(cmd, result{json: out, text: fmt.Sprintf("destroyed %d, restricted %d, held %d, waiting %d, gone %d (of %d due clocks)",
			res.Destroyed, res.Restricted, res.Held, res.Waiting, res.Gone, res.Clocks)})
	}
	return cmd
}

func retentionHoldsCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "holds",
		Short: "Legal holds: list, place, release, show",
	})
	cmd.AddCommand(holdListCommand(c), holdPlaceCommand(c), holdReleaseCommand(c), holdShowCommand(c))
	return cmd
}

func holdPlaceCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "place --owner ID --reason TEXT [--subject ID]... [--record-type NAME]... [--until TIME]",
		Short: "Place a legal hold: customers in its scope are not destroyed while it stands",
		Args:  noArgs,
	}
	f := addKeyringFlags(c, cmd, true)
	owner := cmd.Flags().String("owner", "", "the `actor` who places the hold and answers for it (required)")
	reason := cmd.Flags().String("reason", "", "why, such as a case number; no personal data (required)")
	subjects := cmd.Flags().StringArray("subject", nil, "a customer `id` in scope; repeat for more")
	types := cmd.Flags().StringArray("record-type", nil, "a record `type` in scope; repeat for more")
	until := cmd.Flags().String("until", "", "the `time` the hold lapses (default: until released)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		h := retention.Hold{Owner: *owner, Reason: *reason, RecordTypes: *types}
		for _, s := range *subjects {
			h.Subjects = append(h.Subjects, custos.SubjectID(s))
		}
		if *until != "" {
			var err error
			if h.End, err = parseTime("--until", *until); err != nil {
				return err
			}
		}
		return withRetention(c, f, cmd, func(ctx context.Context, r *retention.Retention) (result, error) {
			h, err := r.Place(ctx, holdAccess(*owner), h)
			if err != nil {
				return result{}, err
			}
			return result{json: map[string]string{"id": h.ID}, text: h.ID}, nil
		})
	}
	return cmd
}

func holdReleaseCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "release ID --by ACTOR",
		Short: "Release a legal hold",
		Args:  oneArg("hold id"),
	}
	f := addKeyringFlags(c, cmd, true)
	by := cmd.Flags().String("by", "", "the `actor` who releases the hold (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return withRetention(c, f, cmd, func(ctx context.Context, r *retention.Retention) (result, error) {
			if err := r.Release(ctx, holdAccess(*by), args[0]); err != nil {
				return result{}, err
			}
			return result{json: map[string]string{"released": args[0]}, text: "released " + args[0]}, nil
		})
	}
	return cmd
}

func holdShowCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a legal hold",
		Args:  oneArg("hold id"),
	}
	f := addKeyringFlags(c, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return withRetention(c, f, cmd, func(ctx context.Context, r *retention.Retention) (result, error) {
			h, err := r.Hold(ctx, args[0])
			if err != nil {
				return result{}, err
			}
			state := "in force"
			if !h.Released.IsZero() {
				state = "released " + h.Released.Format(time.RFC3339) + " by " + h.ReleasedBy
			}
			return result{json: h, text: fmt.Sprintf("%s  owner %s  %s  (%d customers, %d record types)", h.ID, h.Owner, state, len(h.Subjects), len(h.RecordTypes))}, nil
		})
	}
	return cmd
}

// holdAccess is the access of an operator placing or releasing a hold.
func holdAccess(actor string) custos.Access {
	return custos.Access{Actor: custos.Actor{ID: actor, Role: "legal"}, Purpose: "legal-hold"}
}

// withRetention opens the stores and the retention of a holds command and
// runs fn.
func withRetention(c *Config, f *keyringFlags, cmd *cobra.Command, fn func(context.Context, *retention.Retention) (result, error)) error {
	if c.Policies == nil || c.Policies.Retention == nil {
		return usagef("this binary has no retention policy: embed package cli with cli.Config.Policies.Retention")
	}
	s, err := f.start(c, cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.retention(cmd.Context())
	if err != nil {
		return err
	}
	res, err := fn(cmd.Context(), r)
	if err != nil {
		return err
	}
	return f.print(cmd, res)
}

// retention builds the session's Retention over a vault that allows the
// retention access to forget, restrict and unrestrict, and nothing else.
func (s *session) retention(ctx context.Context) (*retention.Retention, error) {
	if s.stores.Retention == nil {
		return nil, fmt.Errorf("the store opener returned no retention store")
	}
	if s.log == nil {
		if err := s.openLog(ctx); err != nil {
			return nil, err
		}
	}
	p := s.cfg.Policies
	v, err := vault.New(vault.Config{Schema: p.Schema, Search: p.Search, Keys: s.keys, Store: s.stores.Vault,
		Authorizer: retentionOnly{}, Recorder: s.log, Clock: s.cfg.Clock, Logger: s.cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("build the vault: %w", err)
	}
	return retention.New(retention.Config{Policy: *p.Retention, Schema: p.Schema, Store: s.stores.Retention, Vault: v,
		Recorder: s.log, Actor: retentionAccess.Actor, Purpose: retentionAccess.Purpose, Clock: s.cfg.Clock})
}

// retentionOnly allows the retention access to forget, restrict and
// unrestrict customers under legal duty (PIPL Art. 13(3), 47) and to read
// their state (restriction, record types, first record), and refuses
// everything else: the retention commands read no records.
type retentionOnly struct{}

func (retentionOnly) Authorize(_ context.Context, req custos.AccessRequest) (custos.Decision, error) {
	if req.Access.Actor == retentionAccess.Actor && req.Access.Purpose == retentionAccess.Purpose {
		switch req.Action {
		case custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState:
			return custos.Decision{Allowed: true, Basis: custos.BasisLegalDuty}, nil
		}
	}
	return custos.Decision{Reason: "operator-cli-reads-no-records"}, nil
}
