package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

// notifyCommand holds the commands on the notification outbox. Sending
// needs the host's channels (SMTP, webhooks, SMS), so the stock binary
// only inspects the outbox and retries dead letters; a host runs its
// notify.Dispatcher in its own service.
func notifyCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "notify",
		Short: "Notification outbox: status, dead letters, delivery records, retry",
	})
	cmd.AddCommand(notifyStatusCommand(c), notifyDeadCommand(c), notifyShowCommand(c), notifyRetryCommand(c))
	return cmd
}

// openNotify opens the stores read-only and returns the outbox's store.
func (c *Config) openNotify(cmd *cobra.Command, db *dbFlags) (*session, notify.Store, error) {
	s, err := c.open(cmd.Context(), db, true)
	if err != nil {
		return nil, nil, err
	}
	if s.stores.Notify == nil {
		s.Close()
		return nil, nil, errors.New("the store opener returned no notification outbox")
	}
	return s, s.stores.Notify, nil
}

// statusJSON is what `notify status --json` prints.
type statusJSON struct {
	Counts map[string]int `json:"counts"`
	// OldestPending is the creation time of the oldest message not yet
	// delivered (pending or claimed), absent when there is none.
	OldestPending *time.Time `json:"oldest_pending,omitempty"`
}

func notifyStatusCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status --db FILE [--json]",
		Short: "Count the outbox's messages by state and show the oldest not yet delivered",
		Long: `Status counts the messages of the notification outbox in each state (pending,
claimed, sent, dead, cancelled) and prints the creation time of the oldest
message not yet delivered. It reads only and needs no key.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, store, err := c.openNotify(cmd, db)
		if err != nil {
			return err
		}
		defer s.Close()
		counts, err := store.Counts(cmd.Context())
		if err != nil {
			return fmt.Errorf("read the outbox: %w", err)
		}
		out := statusJSON{Counts: map[string]int{}}
		for _, st := range notify.States() {
			out.Counts[st.String()] = counts.ByState[st]
		}
		if !counts.OldestPending.IsZero() {
			t := counts.OldestPending.UTC()
			out.OldestPending = &t
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), out)
		}
		w := cmd.OutOrStdout()
		for _, st := range notify.States() {
			fmt.Fprintf(w, "%-10s %d\n", st, counts.ByState[st])
		}
		if out.OldestPending != nil {
			fmt.Fprintf(w, "oldest not yet delivered: %s\n", out.OldestPending.Format(time.RFC3339))
		} else {
			fmt.Fprintln(w, "oldest not yet delivered: none")
		}
		return nil
	}
	return cmd
}

// letterJSON is one message of `notify dead --json` and `notify show --json`.
type letterJSON struct {
	ID           string    `json:"id"`
	Key          string    `json:"key"`
	State        string    `json:"state"`
	Subject      string    `json:"subject,omitempty"`
	Organisation string    `json:"organisation,omitempty"`
	Channel      string    `json:"channel"`
	Template     string    `json:"template"`
	Attempts     int       `json:"attempts"`
	Reason       string    `json:"reason,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

func letterOf(m notify.Stored) letterJSON {
	return letterJSON{ID: m.ID, Key: m.Key, State: m.State.String(), Subject: string(m.To.Subject), Organisation: m.To.Organisation,
		Channel: string(m.Channel), Template: string(m.Template), Attempts: m.Attempts, Reason: m.Reason, Created: m.Created.UTC(), Updated: m.Updated.UTC()}
}

// recipient names a message's recipient in text output.
func recipient(m notify.Stored) string {
	if m.To.Organisation != "" {
		return "organisation:" + m.To.Organisation
	}
	return string(m.To.Subject)
}

// deadPage is how many dead letters one store call lists.
const deadPage = 256

func notifyDeadCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dead --db FILE [--after ID] [--limit N] [--json]",
		Short: "List the dead letters with the reason each was given up",
		Long: `Dead lists the outbox's dead letters in id order: messages given up after a
permanent failure (such as "smtp-550" or "no-address") or after their last
allowed attempt ("attempts-exhausted"), each with its reason. Retry one with
'notify retry ID'. It reads only and needs no key.`,
		Args: noArgs,
	}
	db := addDBFlags(cmd, false)
	after := cmd.Flags().String("after", "", "list only the dead letters with an id greater than this `id` (to page)")
	limit := cmd.Flags().Int("limit", 1000, "list at most `n` dead letters; 0 for all")
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *limit < 0 {
			return usagef("--limit must be 0 (all) or positive, got %d", *limit)
		}
		s, store, err := c.openNotify(cmd, db)
		if err != nil {
			return err
		}
		defer s.Close()
		out := []letterJSON{}
		listed := 0
		from := *after
		for *limit == 0 || listed < *limit {
			n := deadPage
			if *limit > 0 {
				n = min(n, *limit-listed)
			}
			page, err := store.List(cmd.Context(), notify.StateDead, from, n)
			if err != nil {
				return fmt.Errorf("read the outbox: %w", err)
			}
			for _, m := range page {
				listed++
				if *asJSON {
					out = append(out, letterOf(m))
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  %s  attempts %d  %s\n", m.ID, m.Template, m.Channel, recipient(m), m.Attempts, m.Reason)
			}
			if len(page) < n {
				break
			}
			from = page[len(page)-1].ID
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), map[string]any{"dead": out, "count": listed})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d dead letters\n", listed)
		return nil
	}
	return cmd
}

// attemptJSON is one delivery record of `notify show --json`.
type attemptJSON struct {
	N          int        `json:"n"`
	Owner      string     `json:"owner"`
	Channel    string     `json:"channel"`
	Started    time.Time  `json:"started"`
	Finished   *time.Time `json:"finished,omitempty"`
	Result     string     `json:"result"`
	Reason     string     `json:"reason,omitempty"`
	ProviderID string     `json:"provider_id,omitempty"`
	Language   string     `json:"language,omitempty"`
	Asked      string     `json:"asked,omitempty"`
	Confidence string     `json:"confidence,omitempty"`
}

func notifyShowCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID --db FILE [--json]",
		Short: "Show a message and its delivery records, one per attempt",
		Long: `Show prints one message of the outbox and its delivery records: for every
attempt, when it started and ended, which dispatcher made it, over which
channel, its result and reason, the provider's message id and the language
the text was rendered in. This is what a host shows an auditor. The outbox
holds no address and no text, so neither is shown. It reads only.`,
		Args: oneArg("message id"),
	}
	db := addDBFlags(cmd, false)
	asJSON := addJSON(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		s, store, err := c.openNotify(cmd, db)
		if err != nil {
			return err
		}
		defer s.Close()
		m, err := store.Get(cmd.Context(), args[0])
		if errors.Is(err, notify.ErrNotFound) {
			return usagef("no message %s in the outbox", quote(args[0]))
		}
		if err != nil {
			return fmt.Errorf("read the outbox: %w", err)
		}
		as, err := store.Attempts(cmd.Context(), m.ID)
		if err != nil {
			return fmt.Errorf("read the delivery records: %w", err)
		}
		out := struct {
			Message  letterJSON    `json:"message"`
			Attempts []attemptJSON `json:"attempts"`
		}{Message: letterOf(m), Attempts: []attemptJSON{}}
		for _, a := range as {
			aj := attemptJSON{N: a.N, Owner: a.Owner, Channel: string(a.Channel), Started: a.Started.UTC(), Result: a.Result.String(),
				Reason: a.Reason, ProviderID: a.ProviderID, Language: a.Language, Asked: a.Asked, Confidence: a.Confidence}
			if !a.Finished.IsZero() {
				f := a.Finished.UTC()
				aj.Finished = &f
			}
			out.Attempts = append(out.Attempts, aj)
		}
		if *asJSON {
			return printJSON(cmd.OutOrStdout(), out)
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "%s  %s  %s  %s  %s  attempts %d  %s\n", m.ID, m.State, m.Template, m.Channel, recipient(m), m.Attempts, m.Reason)
		for _, a := range out.Attempts {
			fin := "-"
			if a.Finished != nil {
				fin = a.Finished.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "  #%d  %s  %s  %s  %s  %s  %s  %s\n", a.N, a.Started.Format(time.RFC3339), fin, a.Owner, a.Result, a.Reason, a.ProviderID, a.Language)
		}
		return nil
	}
	return cmd
}

// notifyRetryPurpose is the purpose an operator's retry is recorded under.
const notifyRetryPurpose custos.PurposeID = "notify-operations"

func notifyRetryCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retry ID --db FILE --ledger FILE --kek FILE",
		Short: "Make a dead letter pending again, with a fresh budget of attempts",
		Long: `Retry makes the dead letter ID pending again, due now, with a fresh budget of
attempts; the next dispatcher run sends it. The retry is recorded in the
audit log, under the operating-system user running the command, before the
outbox changes, so the command opens the log and needs the keyring.

Exit status 2, with nothing changed, when ID names no message or a message
that is not a dead letter.`,
		Args: oneArg("message id"),
	}
	f := addKeyringFlags(c, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		s, err := f.start(c, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		if s.stores.Notify == nil {
			return errors.New("the store opener returned no notification outbox")
		}
		if err := s.openLog(ctx); err != nil {
			return err
		}
		outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: s.stores.Notify, Recorder: s.log,
			Subjects: vault.Subjects(s.stores.Vault, s.keys), Clock: c.Clock})
		if err != nil {
			return err
		}
		err = outbox.Retry(ctx, operator(notifyRetryPurpose), args[0])
		switch {
		case errors.Is(err, notify.ErrNotFound):
			return usagef("no message %s in the outbox", quote(args[0]))
		case errors.Is(err, notify.ErrNotDead):
			return usagef("message %s is not a dead letter: %v", quote(args[0]), err)
		case err != nil:
			return err
		}
		return f.print(cmd, result{json: map[string]string{"id": args[0], "state": notify.StatePending.String()},
			text: "message " + args[0] + " is pending again"})
	}
	return cmd
}
