package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
)

// epochsCommand holds the erasure-epoch commands.
func epochsCommand(c *Config) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "epochs",
		Short: "Close erasure epochs, so that erasures reach every copy of the store",
	})
	cmd.AddCommand(epochsCloseCommand(c))
	return cmd
}

// epochsJSON is what `keys epochs close --json` prints.
type epochsJSON struct {
	Closed    int      `json:"closed"`
	Rewrapped int64    `json:"rewrapped"`
	Destroyed []string `json:"destroyed"`
}

func epochsCloseCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "close --db FILE --ledger FILE --kek FILE --epoch-keys FILE --groups N [--group N]",
		Short: "Close every erasure epoch that is due, or one group's now",
		Long: `Close closes every erasure epoch that is due — dirty for the epoch period
(a day by default) since its first erasure — and finishes every close that was
interrupted: it rewraps the group's surviving DEKs under a new epoch key and
destroys the old key through the key source. From then on no copy of the store
taken before (file, WAL, backup) together with the keys custos still holds
decrypts the customers forgotten in that epoch. With --group it closes that
group's epoch now, dirty or not, to complete an erasure ahead of the deadline
its certificate names.

Hosts run the closer in their services (keys.Keyring.RunEpochs, at the check
interval the certificates count in their deadline); this command is for an
operator who needs it now, or for a host that schedules it from cron. It is
safe while the services run, from several places at once, and to run again
after a failure: an interrupted close resumes where it stopped.

The stock binary reads development epoch keys (--epoch-keys, the
keys/insecuredevkek source file; NOT FOR PRODUCTION) and needs the
deployment's --groups (and --period, if not a day): a group count other than
the deployment's moves rewrapped DEKs to other groups. Hosts embed this
command with cli.Config.Keys.Epochs instead.`,
		Args: noArgs,
	}
	f := addKeyringFlags(c, cmd, false)
	every := addProgressFlag(cmd)
	one := cmd.Flags().Int64("group", 0, "close this `group`'s epoch now, dirty or not (1 to the group count)")
	var source *string
	var groups *int
	var period *time.Duration
	if c.Keys.Epochs == nil {
		source = cmd.Flags().String("epoch-keys", "", "the development epoch key source `file` (keys/insecuredevkek; NOT FOR PRODUCTION)")
		groups = cmd.Flags().Int("groups", 0, "the deployment's erasure group `count` (keys.EpochConfig.Groups)")
		period = cmd.Flags().Duration("period", 24*time.Hour, "how long after its first erasure an epoch is `due`")
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkProgress(*every); err != nil {
			return err
		}
		if *one < 0 {
			return usagef("--group must be a group number from 1")
		}
		cc := *c
		if c.Keys.Epochs == nil {
			ec, err := devEpochs(*source, *groups, *period)
			if err != nil {
				return err
			}
			cc.Keys.Epochs = ec
		}
		if *one > int64(cc.Keys.Epochs.Groups) {
			return usagef("--group %d: the deployment has %d groups", *one, cc.Keys.Epochs.Groups)
		}
		s, err := f.start(&cc, cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "closing erasure epochs", *every, -1)
		var rep keys.EpochReport
		if *one > 0 {
			rep, err = s.keys.CloseEpoch(cmd.Context(), *one)
		} else {
			rep, err = s.keys.CloseDueEpochsWith(cmd.Context(), func(r keys.EpochReport) { p.report(int64(r.Closed), -1) })
		}
		p.finish()
		if err != nil {
			if rep.Closed > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %d epochs were closed before it stopped (keys destroyed: %s)\n", rep.Closed, strings.Join(rep.Destroyed, ", "))
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "note: stopped; rerunning is safe: an interrupted close resumes where it stopped")
			return fmt.Errorf("keys epochs close: %w", err)
		}
		out := epochsJSON{Closed: rep.Closed, Rewrapped: rep.Rewrapped, Destroyed: rep.Destroyed}
		if out.Destroyed == nil {
			out.Destroyed = []string{}
		}
		text := "no erasure epoch is due"
		if rep.Closed > 0 {
			text = fmt.Sprintf("closed %d erasure epochs: %d surviving DEKs rewrapped; keys destroyed: %s", rep.Closed, rep.Rewrapped, strings.Join(rep.Destroyed, ", "))
		}
		return f.print(cmd, result{out, text})
	}
	return cmd
}

// devEpochs is the epoch configuration of the stock binary's flags. The
// source file must exist: a missing file is never created here, since a
// new, empty source would hold none of the deployment's epoch keys.
func devEpochs(path string, groups int, period time.Duration) (*keys.EpochConfig, error) {
	switch {
	case path == "":
		return nil, usagef("give the epoch key source: --epoch-keys FILE (a development source; hosts embed the CLI with cli.Config.Keys.Epochs)")
	case groups < 1 || groups > keys.MaxGroups:
		return nil, usagef("give the deployment's erasure group count: --groups N (1 to %d)", keys.MaxGroups)
	case period <= 0:
		return nil, usagef("--period must be a positive duration, such as 24h")
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return nil, usagef("--epoch-keys %s: no such file", quote(path))
	}
	src, err := insecuredevkek.OpenSource(path)
	if err != nil {
		return nil, usagef("--epoch-keys %s: %v", quote(path), err)
	}
	return &keys.EpochConfig{Source: src, Groups: groups, Period: period}, nil
}
