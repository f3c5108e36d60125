package cli

import (
	"encoding/base64"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos/keys"
)

// reapplyJSON is what `reapply --json` prints.
type reapplyJSON struct {
	Seen    int64 `json:"seen"`
	Deleted int64 `json:"deleted"`
}

func reapplyCommand(c *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reapply --db FILE --ledger FILE --kek FILE",
		Short: "Re-apply the shred ledger after restoring the database from a backup",
		Long: `Reapply deletes again every DEK the shred ledger names, so that customers
forgotten after the backup was taken stay forgotten once it is restored. Run it
on the restored database before it serves, with the ledger kept apart from the
database's backups. It is safe to run again.`,
		Args: noArgs,
	}
	f := addSweepFlags(c, cmd, "reapply", false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		var after []byte
		s, state, err := f.start(c, cmd, func(st resumeState) (err error) {
			if after, err = base64.RawURLEncoding.DecodeString(st.After); err != nil {
				return usagef("--resume %s holds no ledger position", quote(f.resume.path))
			}
			return nil
		})
		if err != nil {
			return err
		}
		defer s.Close()
		p := newProgress(cmd.ErrOrStderr(), c.Clock, "re-applying the shred ledger", *f.every, -1)
		save, saveErr := f.saver()
		res, err := s.keys.Reapply(cmd.Context(), after, func(rp keys.ReapplyProgress) {
			p.report(rp.Seen, -1)
			state.After = base64.RawURLEncoding.EncodeToString(rp.Checkpoint)
			save(state)
		})
		p.finish()
		if err := f.finish(cmd, err, saveErr); err != nil {
			return fmt.Errorf("reapply: %w", err)
		}
		if *f.json {
			return printJSON(cmd.OutOrStdout(), reapplyJSON{Seen: res.Seen, Deleted: res.Deleted})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "re-applied the shred ledger: %d entries, %d DEKs deleted again\n", res.Seen, res.Deleted)
		return nil
	}
	return cmd
}
