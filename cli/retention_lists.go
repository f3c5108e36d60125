package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos/retention"
)

// holdState says whether a hold stands, for listings.
func holdState(h retention.Hold, now time.Time) string {
	switch {
	case !h.Released.IsZero():
		return "released " + h.Released.Format(time.RFC3339) + " by " + h.ReleasedBy
	case !h.End.IsZero() && !h.End.After(now):
		return "lapsed " + h.End.Format(time.RFC3339)
	case h.Start.After(now):
		return "from " + h.Start.Format(time.RFC3339)
	}
	return "in force"
}

// holdJSON is one hold of `retention holds list --json`.
type holdJSON struct {
	retention.Hold
	State string `json:"state"`
}

func holdListCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list --db FILE",
		Short: "List every legal hold, in force or not",
		Long: `List prints every legal hold by ID: its owner, whether it is in force,
released or lapsed, and how many customers and record types it names (none
of either: everyone). It reads the retention store only; no key is needed.`,
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
		if s.stores.Retention == nil {
			return fmt.Errorf("the store opener returned no retention store")
		}
		now := c.Clock.Now()
		out := []holdJSON{}
		for h, err := range retention.ListHoldsIn(cmd.Context(), s.stores.Retention, 256) {
			if err != nil {
				return err
			}
			if *asJSON {
				out = append(out, holdJSON{Hold: h, State: holdState(h, now)})
				continue
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  owner %s  %s  (%d customers, %d record types)\n",
				h.ID, h.Owner, holdState(h, now), len(h.Subjects), len(h.RecordTypes))
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"holds": out})
		}
		return nil
	}
	return cmd
}

// reviewJSON is one line of `retention reviews --json`.
type reviewJSON struct {
	Subject    string    `json:"subject"`
	RecordType string    `json:"record_type"`
	Reviewed   time.Time `json:"reviewed"`
	Due        time.Time `json:"due"`
}

func retentionReviewsCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reviews --before DATE --db FILE",
		Short: "List the customers whose information is due for an accuracy review",
		Long: `Reviews lists, in due-date order, the customers whose records of a type are
due for an accuracy review by DATE (PIPL Art. 8: personal information kept
accurate and complete): the list a host turns into requests to customers to
confirm or update their information. It reads the review index only and
changes nothing; no key is needed.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	before := cmd.Flags().String("before", "", "the `date` or time to list reviews due by (required)")
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
		var out []reviewJSON
		n := 0
		for rv, err := range retention.ReviewsDueIn(cmd.Context(), s.stores.Retention, at, 256) {
			if err != nil {
				return err
			}
			n++
			if *asJSON {
				if len(out) < maxListedOutcomes {
					out = append(out, reviewJSON{Subject: string(rv.Subject), RecordType: rv.RecordType, Reviewed: rv.Reviewed, Due: rv.Due})
				}
				continue
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s\n", rv.Due.Format(time.DateOnly), rv.RecordType, string(rv.Subject))
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"reviews": out, "count": n, "truncated": n > len(out)})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d reviews due by %s\n", n, at.Format(time.RFC3339))
		return nil
	}
	return cmd
}
