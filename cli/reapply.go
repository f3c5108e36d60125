package cli

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
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
		check := func(st resumeState) (err error) {
			if after, err = base64.RawURLEncoding.DecodeString(st.After); err != nil {
				return usagef("--resume %s holds no ledger position", quote(f.resume.path))
			}
			return nil
		}
		return f.run(c, cmd, "re-applying the shred ledger", check, func(ctx context.Context, s *session, _ *vault.Vault, state *resumeState, batchDone func(int64, int64)) (result, error) {
			res, err := s.keys.Reapply(ctx, after, func(rp keys.ReapplyProgress) {
				state.After = base64.RawURLEncoding.EncodeToString(rp.Checkpoint)
				batchDone(rp.Seen, -1)
			})
			return result{reapplyJSON{Seen: res.Seen, Deleted: res.Deleted},
				fmt.Sprintf("re-applied the shred ledger: %d entries, %d DEKs deleted again", res.Seen, res.Deleted)}, err
		})
	}
	return cmd
}
